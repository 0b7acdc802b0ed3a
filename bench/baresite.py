"""The yardsticks: minimal Django views behind Django's default middleware.

``/`` touches no database; ``/write/`` (a POST) inserts one new row with a fresh random key, a
durable Postgres write and nothing else, when ``BENCH_WRITE_DATABASE`` names a database holding the
``bench_write`` table. Served by the same gunicorn configuration as the site, so `make bench`
reports every page as a ratio to what Django itself costs on this machine in the same run, and the
vote as a ratio to the cheapest write Django can make.
"""

import os
import secrets

import environ
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-view-key-not-secret-0123456789-abcdefghijklmnop",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    # What `django-admin startproject` puts in MIDDLEWARE.
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    # Persistent connections, as the site's settings have them.
    DATABASES=(
        {
            "default": {
                **environ.Env.db_url_config(os.environ["BENCH_WRITE_DATABASE"]),
                "CONN_MAX_AGE": 60,
            }
        }
        if os.environ.get("BENCH_WRITE_DATABASE")
        else {}
    ),
    USE_TZ=True,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def write(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_write (key, at) VALUES (%s, now()) ON CONFLICT DO NOTHING",
            [secrets.token_hex(16)],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", bare), path("write/", write)]
application = get_wsgi_application()
