# One image for every Python process: web (gunicorn), worker and beat (celery).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app
RUN pip install --no-cache-dir uv

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --python /usr/local/bin/python3

COPY . .
# collectstatic needs settings but no secret of any value.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && useradd --system --home /app app && chown -R app /app
USER app

EXPOSE 8000
CMD ["gunicorn", "compsite.wsgi", "--bind", "0.0.0.0:8000"]
