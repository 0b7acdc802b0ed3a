"""Any two to four published tools have a comparison page: curated when published, else generated.

The address of a set of tools is their slugs in alphabetical order joined by ``-vs-``; any other
order redirects. A generated comparison is stored as a ``Comparison`` only when its first vote
arrives. (The module keeps its old name: pairs were where it started.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from comparisons import cache_keys
from comparisons.models import (
    MAX_TOOLS,
    MIN_TOOLS,
    SLUG_SEPARATOR,
    Comparison,
    ComparisonEntry,
    Tool,
    comparison_slug,
    comparison_title,
)
from comparisons.models.tools import no_vs_in_slug
from comparisons.search import clean_query, tool_suggestions
from compsite import purge

# The tool slug validator's own pattern (compiled by RegexValidator): "vs" as a word.
_VS_WORD: re.Pattern[str] = no_vs_in_slug.regex  # type: ignore[assignment]


def address_parts(slug: str) -> list[str] | None:
    """The tool slugs an ``a-vs-b[-vs-c[-vs-d]]`` address names, in its order, or None when it
    cannot be a comparison: fewer than two or more than four parts, an empty part, or a tool
    named twice. Tool slugs never contain "vs" as a word (``no_vs_in_slug``), so splitting on
    ``-vs-`` is unambiguous. Decided before any query, so junk addresses cost nothing."""
    parts = slug.split(SLUG_SEPARATOR)
    if not MIN_TOOLS <= len(parts) <= MAX_TOOLS or len(set(parts)) != len(parts):
        return None
    # "a-vs-vs-b" splits into "a" and "vs-b": a part with "vs" left in it is an empty one.
    if any(not part or _VS_WORD.search(part) for part in parts):
        return None
    return parts


def tools_at(slug: str, tools=None) -> list[Tool] | None:
    """The published tools an address names (in any order), sorted by slug, else None."""
    parts = address_parts(slug)
    if parts is None:
        return None
    queryset = tools if tools is not None else Tool.objects.all()
    found = list(queryset.published().filter(slug__in=parts))
    if len(found) != len(parts):
        return None
    return sorted(found, key=lambda tool: tool.slug)


def canonical_address(tools: list[Tool]) -> str:
    """The one address of these tools' comparison, whatever order they come in."""
    return comparison_slug([tool.slug for tool in tools])


@dataclass
class NamedTool:
    """What a reader typed for one tool of a comparison, and the published tools it may mean."""

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
    """The stored comparison of these tools, creating a generated one on the first vote."""
    slug = canonical_address(tools)
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
        # Another reader's first vote on these tools created it a moment ago.
        pass
    return Comparison.objects.with_standings().get(slug=slug)
