from decimal import Decimal

import pytest

from comparisons.models import Tool
from compsite.numbers import format_amount, percent
from reviews.models import Verdict
from tests.factories import PricingTierFactory, ScorecardFactory, ToolFactory


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, 13),  # 12.5 rounds half up, not to even
        (3, 8, 38),  # 37.5
        (1, 3, 33),
        (2, 3, 67),
        (1, 2, 50),
        (0, 4, 0),
        (4, 4, 100),
        (1, 200, 1),  # 0.5
        (0, 0, None),
    ],
)
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("20"), "$20"),
        (Decimal("20.0000"), "$20"),
        (Decimal("0.0060"), "$0.006"),
        (Decimal("1500"), "$1,500"),
        (Decimal("9.99"), "$9.99"),
    ],
)
def test_format_amount(amount, text):
    assert format_amount(amount) == text


@pytest.mark.django_db
def test_panel_ship_percent_counts_ship_verdicts_over_all_scorecards():
    tool = ToolFactory.create()
    for verdict in [Verdict.SHIP] * 3 + [Verdict.SKIP] * 5:
        ScorecardFactory.create(tool=tool, verdict=verdict)
    other = ToolFactory.create()
    ScorecardFactory.create(tool=other, verdict=Verdict.SHIP)

    stored = Tool.objects.get(pk=tool.pk)

    assert (stored.ship_count, stored.scorecard_count) == (3, 8)
    assert stored.panel_ship_percent == 38


@pytest.mark.django_db
def test_panel_ship_percent_is_empty_without_scorecards():
    tool = Tool.objects.get(pk=ToolFactory.create().pk)
    assert tool.panel_ship_percent is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tiers", "entry"),
    [
        ([("Free", "0", ""), ("Pro", "20", "mo")], "Free"),
        ([("Team", "30", "user/mo"), ("Pro", "20", "mo")], "$20/mo"),
        ([("API", "0.006", "min"), ("Enterprise", None, "")], "$0.006/min"),
        ([("Enterprise", None, "")], "Contact sales"),
        ([], "Price not listed"),  # no tier at all: nobody said to contact sales
        ([("Licence", "499", "")], "$499"),
    ],
)
def test_entry_is_the_cheapest_tier(tiers, entry):
    tool = ToolFactory.create()
    for name, price, unit in tiers:
        PricingTierFactory.create(
            tool=tool, name=name, price=None if price is None else Decimal(price), unit=unit
        )
    assert Tool.objects.prefetch_related("pricing_tiers").get(pk=tool.pk).entry_price == entry


def test_monogram():
    assert Tool(name="SmolVLM2-2B").monogram == "S2"
    assert Tool(name="GitHub Copilot").monogram == "GC"
    assert Tool(name="Claude").monogram == "C"
