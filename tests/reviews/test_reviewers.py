"""The reviewer panel: a reviewer's ship rate, the panel's index and a reviewer's page."""

import pytest
from django.core.management import call_command

from comparisons.models import Tool
from reviews.models import Reviewer, Verdict
from tests.catalogue import add_tools
from tests.factories import CategoryFactory, ReviewerFactory, ScorecardFactory
from tests.html import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("seed_demo")


@pytest.fixture
def busy():
    """A reviewer with 60 verdicts, one on each tool of a category."""
    reviewer = ReviewerFactory.create(name="Busy", slug="busy")
    category = CategoryFactory.create(name="Crowded", slug="crowded")
    first, *_ = add_tools(1, category=category, prefix="Lead", reviewers=[reviewer])
    add_tools(59, category=category, prefix="Crowd", rival=first, reviewers=[reviewer])
    return reviewer


def test_reviewer_ship_rate():
    reviewer = ReviewerFactory.create()
    for verdict in [Verdict.SHIP, Verdict.SKIP, Verdict.SKIP]:
        ScorecardFactory.create(reviewer=reviewer, verdict=verdict)
    assert Reviewer.objects.get(pk=reviewer.pk).ship_rate == 33


def test_reviewer_page_shows_lens_question_bio_ship_rate_and_history(client, catalogue):
    soup = soup_of(client.get("/reviewers/"))
    first = soup.select_one(".reviewer-card h2 a")["href"]
    page = soup_of(client.get(first))
    assert page.select_one(".question").get_text().strip("“”")
    assert "Ship rate:" in page.get_text()
    assert len(page.select(".history li")) == Tool.objects.count()  # fewer than a page
    assert page.select_one(".history a")["href"].startswith("/tools/")


def test_a_reviewer_page_shows_a_page_of_verdicts_newest_first(client, busy):
    page = soup_of(client.get("/reviewers/busy/"))
    assert len(page.select(".history li")) == 20
    assert "of 60 verdicts" in page.get_text()
    third = soup_of(client.get("/reviewers/busy/", {"page": 3}))
    assert len(third.select(".history li")) == 20
    assert third.select_one('a[rel="prev"]')["href"] == "/reviewers/busy/?page=2#history"
    assert "(page 3)" in third.title.get_text()
