"""Any two published tools have a comparison page: curated when published, else generated.

The address of a pair is its tools' slugs in alphabetical order; the reverse order redirects. A
generated pair is stored as a ``Comparison`` only when its first vote arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from comparisons import cache_keys
from comparisons.models import (
    SLUG_SEPARATOR,
    Comparison,
    ComparisonEntry,
    Tool,
    comparison_slug,
    comparison_title,
)
from comparisons.search import clean_query, tool_suggestions
from compsite import purge


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


@dataclass
class NamedTool:
    """What a reader typed for one tool of a pair, and the published tools it may mean."""

    typed: str
    tool: Tool | None = None  # set when it is sure
    candidates: list[Tool] = field(default_factory=list)  # when unsure: the best match first


def tool_named(typed: str | None) -> NamedTool:
    """Resolve a typed name. Sure: the one tool with that slug or name (whatever the case), else
    the one tool whose name starts with it, else the only match. Otherwise the matches are
    candidates for the reader to choose from, the best first."""
    text = clean_query(typed)
    named = NamedTool(text)
    if not text:
        return named
    found = tool_suggestions(text)
    folded = text.casefold()
    exact = [tool for tool in found if tool.slug == text.lower()] or [
        tool for tool in found if tool.name.casefold() == folded
    ]
    prefixed = [tool for tool in found if tool.name.casefold().startswith(folded)]
    for sure in (exact, [] if exact else prefixed, found):
        if len(sure) == 1:
            named.tool = sure[0]
            return named
    # Several tools share the name, or start with the text, or only come close to it.
    named.candidates = exact or found
    return named


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
            # Bulk inserts send no signals: the tools' "readers also compared" lists change.
            purge.after_commit({cache_keys.tool_comparisons(tool.pk) for tool in tools})
    except IntegrityError:
        # Another reader's first vote on this pair created it a moment ago.
        pass
    return Comparison.objects.with_standings().get(slug=slug)
