import pytest
from django.test import Client

from tests.editors.accounts import make_editor


@pytest.fixture
def editor(db):
    return make_editor("editor@example.com")


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(editor)
    return client


@pytest.fixture
def eager():
    """Celery tasks run in the test's own process, as without REDIS_URL (see tests/newsletter)."""
    from compsite.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
