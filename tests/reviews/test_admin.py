"""The reviewers' admin list, as an editor sees it."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.editors.accounts import make_editor
from tests.factories import ReviewerFactory, ScorecardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client() -> Client:
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(make_editor("editor@example.com"))
    return client


def test_reviewers_list_their_lens_and_ship_rate(editor_client):
    reviewer = ReviewerFactory.create(name="Bea", lens="skeptic")
    ScorecardFactory.create(reviewer=reviewer, verdict="ship")
    ScorecardFactory.create(reviewer=reviewer, verdict="skip")
    ScorecardFactory.create(reviewer=reviewer, verdict="skip")
    soup = BeautifulSoup(editor_client.get("/admin/reviews/reviewer/").content, "html.parser")
    row = soup.select_one("#result_list tbody tr")
    assert row.select_one(".field-lens").text == "The skeptic: competitors and failure modes"
    assert row.select_one(".field-ship_rate_display").text == "33% of 3"
