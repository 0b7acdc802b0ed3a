"""Any two published tools have a comparison page: curated when published, else generated.

The address of a pair is its tools' slugs in alphabetical order; the reverse order redirects. A
generated pair is stored as a ``Comparison`` only when its first vote arrives.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from comparisons.models import (
    SLUG_SEPARATOR,
    Comparison,
    ComparisonEntry,
    Tool,
    comparison_slug,
    comparison_title,
)


def pair_tools(slug: str, tools=None) -> list[Tool] | None:
    """The two published tools an ``a-vs-b`` address names (in either order), else None."""
    parts = slug.split(SLUG_SEPARATOR)
    if len(parts) != 2 or parts[0] == parts[1]:
        return None
    queryset = tools if tools is not None else Tool.objects.all()
    found = list(queryset.published().filter(slug__in=parts))
    if len(found) != 2:
        return None
    return sorted(found, key=lambda tool: tool.slug)


def pair_address(tools: list[Tool]) -> str:
    return comparison_slug([tool.slug for tool in tools])


def generated_comparison_get_or_create(tools: list[Tool]) -> Comparison:
    """The stored comparison of this pair, creating a generated one on the first vote."""
    slug = pair_address(tools)
    existing = Comparison.objects.with_standings().filter(slug=slug).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            comparison = Comparison.objects.create(
                kind=Comparison.Kind.GENERATED,
                status=Comparison.Status.PUBLISHED,
                published_at=timezone.now(),
                slug=slug,
                title=comparison_title(tools),
            )
            ComparisonEntry.objects.bulk_create(
                ComparisonEntry(comparison=comparison, tool=tool, position=index)
                for index, tool in enumerate(tools)
            )
    except IntegrityError:
        # Another reader's first vote on this pair created it a moment ago.
        pass
    return Comparison.objects.with_standings().get(slug=slug)
