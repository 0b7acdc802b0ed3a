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

