"""Voting in a real Chromium: in place with htmx, and through the redirect without JavaScript."""

import pytest
from django.core.management import call_command

from comparisons.models import ComparisonEntry, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMOL = "/compare/smolvlm2-vs-smolvlm2-2b/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def results(page) -> list[str]:
    return [text.strip() for text in page.locator("#vote .vote-numbers").all_inner_texts()]


def test_a_click_updates_the_bars_in_place(demo, make_page, screenshot):
    page = make_page()
    page.goto(SMOL)
    assert results(page) == ["0 votes", "0 votes"]
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("button", name="Ship SmolVLM2", exact=True).click()
    page.locator("#vote .is-mine").wait_for()

    assert results(page) == ["0 votes", "1 vote"]  # no share from one vote
    assert page.locator("#vote .is-mine button").inner_text().strip() == "✓ Your vote: SmolVLM2"
    # The cards' Community % follow, swapped out of band.
    assert page.locator("#community-smolvlm2").inner_text() == "1 vote\n1 vote so far"
    assert page.locator("#community-smolvlm2-2b").inner_text() == "0 votes\n1 vote so far"
    assert page.evaluate("window.stillTheSamePage") is True
    assert navigations == []

    # Changing the vote moves it.
    page.get_by_role("button", name="Ship SmolVLM2-2B").click()
    page.locator("#vote .is-mine button", has_text="SmolVLM2-2B").wait_for()
    assert results(page) == ["1 vote", "0 votes"]
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.console.problems == []
    assert Vote.objects.count() == 1
    # Focus stays on the button the reader pressed, so keyboard users keep their place.
    assert page.evaluate("document.activeElement.id") == "vote-smolvlm2-2b"
    screenshot(page, "vote-htmx")


def test_a_later_visit_marks_the_vote_from_the_readers_own_cookie(demo, make_page, screenshot):
    page = make_page()
    page.goto(SMOL)
    page.get_by_role("button", name="Ship SmolVLM2", exact=True).click()
    page.locator("#vote .is-mine").wait_for()

    page.reload()
    # The page came as every reader gets it, unmarked; the site's script marked it.
    served = page.context.request.get(SMOL).text()
    assert "is-mine" not in served and "has-mine" not in served
    page.locator("#vote.has-mine .is-mine").wait_for()
    assert page.locator("#vote .is-mine button").inner_text().strip() == "✓ Your vote: SmolVLM2"
    assert "Your vote is counted" in page.locator("#vote .vote-total").inner_text()
    assert page.console.problems == []  # no CSP violation, no script error

    # Another browser (no cookie) sees no mark on the same page.
    stranger = make_page()
    stranger.goto(SMOL)
    assert stranger.locator("#vote .is-mine").count() == 0
    assert "One vote per reader" in stranger.locator("#vote .vote-total").inner_text()
    screenshot(page, "vote-marked-later")


def test_without_javascript_the_vote_goes_through_the_redirect(demo, make_page, screenshot):
    page = make_page(javascript=False)
    page.goto(SMOL)
    with page.expect_navigation():
        page.get_by_role("button", name="Ship SmolVLM2-2B").click()
    assert page.url.endswith(f"{SMOL}?voted=1#vote")  # the voter's own copy of the page
    assert results(page) == ["1 vote", "0 votes"]
    assert "✓ Your vote: SmolVLM2-2B" in page.locator("#vote").inner_text()
    counts = dict(
        ComparisonEntry.objects.filter(comparison__slug="smolvlm2-vs-smolvlm2-2b").values_list(
            "tool__slug", "vote_count"
        )
    )
    assert counts == {"smolvlm2-2b": 1, "smolvlm2": 0}
    screenshot(page, "vote-no-js")
