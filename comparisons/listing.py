"""Which comparisons the site's lists show.

Curated places (the home page's latest, the list of all comparisons, a tool's or a category's
comparisons, the feeds and the sitemap) show only what editors published: a pair a reader voted
on is stored as a *generated* comparison, and one vote must not put it beside the editors' work.
Generated pairs with votes have a list of their own on a tool's page, "readers also compared".
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from comparisons.models import Category, Comparison, ComparisonEntry

READERS_ALSO_COMPARED = 6
CATEGORY_FILTERS = 24  # the categories with the most comparisons, as filter links


def curated(comparisons=None):
    """Published curated comparisons, newest first, with what their cards show."""
    comparisons = Comparison.objects.all() if comparisons is None else comparisons
    return comparisons.published().curated().latest_first().with_cards()


def readers_also_compared(tool, limit: int = READERS_ALSO_COMPARED) -> list[Comparison]:
    """Live generated comparisons with ``tool`` that readers voted on, most votes first."""
    return list(
        Comparison.objects.published()
        .filter(kind=Comparison.Kind.GENERATED)
        .with_tool(tool)
        .annotate(votes_cast=Coalesce(Sum("entries__vote_count"), 0))
        .filter(votes_cast__gt=0)
        .order_by("-votes_cast", "-published_at", "-id")
        .with_cards()[:limit]
    )


def categories_with_comparisons(limit: int = CATEGORY_FILTERS) -> list[Category]:
    """The categories with the most published curated comparisons (``comparison_count``), by
    name: a comparison counts for each category one of its tools is in."""
    counted = (
        ComparisonEntry.objects.filter(
            tool__category=OuterRef("pk"),
            comparison__in=Comparison.objects.published().curated(),
        )
        .order_by()
        .values("tool__category")
        .annotate(n=Count("comparison_id", distinct=True))
        .values("n")
    )
    found = (
        Category.objects.annotate(comparison_count=Coalesce(Subquery(counted), 0))
        .filter(comparison_count__gt=0)
        .order_by("-comparison_count", "name")[:limit]
    )
    return sorted(found, key=lambda category: category.name)


def categories_with_tools(chosen: Category | None = None, limit: int = CATEGORY_FILTERS) -> list:
    """The categories with the most published tools, by name, as filter links; ``chosen`` is
    always among them (one query: ``with_tool_counts()``)."""
    found = list(
        Category.objects.with_tool_counts()
        .filter(tool_count__gt=0)
        .order_by("-tool_count", "name")[:limit]
    )
    if chosen is not None and chosen not in found:
        found.append(chosen)
    return sorted(found, key=lambda category: category.name)


def panel_vs_crowd():
    """Published curated comparisons where readers' top pick is not the panel's, newest first,
    with what their entries show (``top_picks.Disagreement``)."""
    return Comparison.objects.panel_vs_crowd().with_cards()
