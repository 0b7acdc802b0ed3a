"""A catalogue grown in bulk, for the tests that check pages do not grow with it."""

import datetime
from decimal import Decimal

from django.utils import timezone

from comparisons import counters
from comparisons.models import (
    Category,
    Comparison,
    ComparisonEntry,
    PricingTier,
    Tool,
    comparison_slug,
    comparison_title,
)
from reviews.models import Reviewer, Scorecard, Verdict


def add_tools(
    count: int,
    *,
    category: Category,
    prefix: str = "Grown",
    rival: Tool | None = None,
    reviewers: list[Reviewer] | None = None,
) -> list[Tool]:
    """``count`` published tools named "<prefix> 0000"…, each with a priced tier, a scorecard
    from each of ``reviewers`` (all of them by default) and, with ``rival``, a published curated
    comparison against it: every list on a tool, category, reviewer or home page would show them.

    Bulk inserts send no signals: the tools are created with the counters their scorecards add
    up to (refresh() confirms them, rewriting no row), and the page cache's content version is
    moved on by hand.
    """
    tag = prefix.lower().replace(" ", "-")
    panel = list(reviewers if reviewers is not None else Reviewer.objects.all())
    tools = Tool.objects.bulk_create(
        Tool(
            name=f"{prefix} {index:04}",
            slug=f"{tag}-{index:04}",
            category=category,
            vendor="Bulk Labs",
            tagline="One of very many",
            description="A tool in a large catalogue.",
            is_published=True,
            prices_checked=datetime.date(2025, 11, 3),
            # The counters the scorecards below add up to (refresh() checks them).
            ship_count=len(panel) if index % 3 else 0,
            scorecard_count=len(panel),
        )
        for index in range(count)
    )
    PricingTier.objects.bulk_create(
        PricingTier(tool=tool, name="Pro", price=Decimal(index % 50), unit="mo")
        for index, tool in enumerate(tools)
    )
    Scorecard.objects.bulk_create(
        Scorecard(
            reviewer=reviewer,
            tool=tool,
            verdict=Verdict.SHIP if index % 3 else Verdict.SKIP,
            quote="An argued verdict, one of many in a large catalogue.",
        )
        for index, tool in enumerate(tools)
        for reviewer in panel
    )
    if rival is not None:
        published = timezone.now() - datetime.timedelta(days=2)
        comparisons = Comparison.objects.bulk_create(
            Comparison(
                kind=Comparison.Kind.CURATED,
                status=Comparison.Status.PUBLISHED,
                published_at=published,
                slug=comparison_slug([rival.slug, tool.slug]),
                title=comparison_title([rival, tool]),
            )
            for tool in tools
        )
        ComparisonEntry.objects.bulk_create(
            ComparisonEntry(comparison=comparison, tool=tool, position=position)
            for comparison, pair in zip(comparisons, ((rival, t) for t in tools), strict=True)
            for position, tool in enumerate(pair)
        )
    assert counters.refresh([tool.pk for tool in tools]) == 0, "the counters set above are off"
    return tools
