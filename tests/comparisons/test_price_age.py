"""Readers see how old a price check is, and a notice once it is more than 90 days old; a cached
page never outlives that wording."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from compsite.freshness import PriceCheck, age_in_words, earliest_change, whole_months
from tests.factories import PricingTierFactory, ToolFactory, make_comparison

pytestmark = pytest.mark.django_db

NOTICE = "These prices were checked over 90 days ago; check the vendor's page before you buy."
# The example: prices checked on 18 November 2025, read on 1 December 2026.
CHECKED = datetime.date(2025, 11, 18)
DECEMBER = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


def pricing_text(page) -> str:
    soup = BeautifulSoup(page.content, "html.parser")
    heading = soup.find(id="pricing-heading")
    assert heading is not None, "no pricing heading"
    section = heading.find_parent("section")
    assert section is not None, "the pricing heading is in no section"
    return " ".join(section.get_text(" ").split())


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (CHECKED, datetime.date(2026, 11, 17), 11),
        (CHECKED, datetime.date(2026, 11, 18), 12),
        (CHECKED, datetime.date(2025, 12, 17), 0),
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), 1),  # a shorter month
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 27), 0),
    ],
)
def test_months_are_whole_calendar_months(start, end, months):
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("months", "words"),
    [(0, "less than a month ago"), (1, "1 month ago"), (12, "12 months ago"), (30, "2 years ago")],
)
def test_the_age_in_words(months, words):
    assert age_in_words(months) == words


def test_stale_after_90_days_not_on_the_90th():
    assert not PriceCheck(CHECKED, CHECKED + datetime.timedelta(days=90)).is_stale
    assert PriceCheck(CHECKED, CHECKED + datetime.timedelta(days=91)).is_stale


def test_the_wording_changes_on_the_day_it_names():
    # 89 days: the notice comes first (day 91), before the next whole month (18 February).
    check = PriceCheck(CHECKED, datetime.date(2026, 2, 15))
    assert check.changes_on == datetime.date(2026, 2, 17)
    assert PriceCheck(CHECKED, check.changes_on).is_stale
    # Stale already: the next change is the next whole month.
    later = PriceCheck(CHECKED, datetime.date(2026, 12, 1))
    assert later.changes_on == datetime.date(2026, 12, 18)
    assert PriceCheck(CHECKED, later.changes_on).age == "13 months ago"
    assert PriceCheck(CHECKED, datetime.date(2026, 12, 17)).age == "12 months ago"


def test_a_date_still_to_come_has_no_age():
    check = PriceCheck(datetime.date(2027, 1, 5), datetime.date(2026, 12, 1))
    assert check.age is None
    assert not check.is_stale
    assert check.changes_on == datetime.date(2027, 1, 5)


def test_nothing_checked_says_nothing():
    assert PriceCheck.of(None) is None
    assert earliest_change(None) is None


def test_the_tool_page_says_the_date_its_age_and_the_notice(client):
    tool = ToolFactory.create(prices_checked=CHECKED)
    PricingTierFactory.create(tool=tool)
    with time_machine.travel(DECEMBER, tick=False):
        text = pricing_text(client.get(tool.get_absolute_url()))
    assert "Prices checked 18 November 2025 (12 months ago)." in text
    assert NOTICE in text


def test_the_comparison_page_says_the_oldest_check_and_the_notice(client):
    old = ToolFactory.create(name="Alpha", prices_checked=CHECKED)
    recent = ToolFactory.create(name="Bravo", prices_checked=datetime.date(2026, 11, 20))
    with time_machine.travel(DECEMBER, tick=False):
        comparison = make_comparison(recent, old)
        text = pricing_text(client.get(comparison.get_absolute_url()))
    assert "Prices checked 18 November 2025 (12 months ago)." in text
    assert NOTICE in text


def test_a_recent_check_has_no_notice(client):
    tool = ToolFactory.create(prices_checked=datetime.date(2026, 11, 20))
    with time_machine.travel(DECEMBER, tick=False):
        text = pricing_text(client.get(tool.get_absolute_url()))
    assert "Prices checked 20 November 2026 (less than a month ago)." in text
    assert NOTICE not in text


def test_a_generated_pair_says_it_too_from_the_tools_that_were_checked(client):
    ToolFactory.create(slug="alpha", prices_checked=CHECKED)
    ToolFactory.create(slug="bravo", prices_checked=None)
    with time_machine.travel(DECEMBER, tick=False):
        text = pricing_text(client.get("/compare/alpha-vs-bravo/"))
    assert "Prices checked 18 November 2025 (12 months ago)." in text
    assert NOTICE in text


def test_a_cached_page_ends_when_its_wording_changes(client):
    tool = ToolFactory.create(prices_checked=CHECKED)
    # 16 February 18:00 UTC: the notice is due at midnight, six hours on.
    with time_machine.travel(
        datetime.datetime(2026, 2, 16, 18, 0, tzinfo=datetime.UTC), tick=False
    ):
        page = client.get(tool.get_absolute_url())
    assert page.headers["Cache-Control"] == "public, max-age=0, s-maxage=21600"
    assert "CDN-Cache-Control" not in page.headers  # no grace past that moment
    assert NOTICE not in pricing_text(page)
    with time_machine.travel(datetime.datetime(2026, 2, 17, 0, 1, tzinfo=datetime.UTC), tick=False):
        assert NOTICE in pricing_text(client.get(tool.get_absolute_url()))


def test_far_from_a_change_the_page_keeps_its_day(client):
    tool = ToolFactory.create(prices_checked=CHECKED)
    with time_machine.travel(DECEMBER, tick=False):
        page = client.get(tool.get_absolute_url())
    assert page.headers["Cache-Control"] == "public, max-age=0, s-maxage=86400"
