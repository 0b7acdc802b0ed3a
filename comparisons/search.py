"""Search over tools, comparisons and categories.

On Postgres a name is found by trigram similarity (typos, missing spaces: "smolvml", "SmolVLM 2")
and the text by full-text search with prefix matching ("smolvlm" finds "SmolVLM2"); an exact name
comes first. Elsewhere (the SQLite default of ``make run``) a plain substring match stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Lower

from comparisons.models import Category, Comparison, Tool

MAX_QUERY = 100  # characters kept of a query: names are short, and this bounds the work
MAX_WORDS = 8
NAME_THRESHOLD = 0.4
LIMIT = 20


@dataclass
class Results:
    query: str
    tools: list = field(default_factory=list)
    comparisons: list = field(default_factory=list)
    categories: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tools) + len(self.comparisons) + len(self.categories)


def clean_query(raw: str | None) -> str:
    """Printable text, whitespace collapsed, bounded in length. NUL bytes never reach Postgres."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY]


def search_everything(raw: str | None) -> Results:
    query = clean_query(raw)
    results = Results(query)
    if not query or not _words(query):
        return results
    postgres = connection.vendor == "postgresql"
    search = _postgres_search if postgres else _substring_search
    results.tools = list(
        search(
            Tool.objects.published().with_panel_counts().select_related("category"),
            query,
            name="name",
            text=("vendor", "tagline", "description"),
        )
    )
    results.comparisons = list(
        search(
            Comparison.objects.published().curated().with_standings(),
            query,
            name="title",
            text=("intro", "verdict"),
        )
    )
    results.categories = list(
        search(Category.objects.with_tool_counts(), query, name="name", text=("description",))
    )
    return results


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def _compact(expression):
    """Lower-cased letters and digits only: "SmolVLM 2" and "smolvlm-2" both become "smolvlm2"."""
    return Func(
        expression, Value(r"[^[:alnum:]]+"), Value(""), Value("g"), function="regexp_replace"
    )


def _postgres_search(queryset: QuerySet, query: str, *, name: str, text: tuple[str, ...]):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramSimilarity,
        TrigramWordSimilarity,
    )

    lowered = query.lower()
    compact = re.sub(r"[^\w]+", "", lowered)
    # Each word as a prefix, all required: only word characters reach the tsquery syntax.
    prefixes = SearchQuery(
        " & ".join(f"{word}:*" for word in _words(query)), search_type="raw", config="simple"
    )
    document = SearchVector(name, weight="A", config="simple") + SearchVector(
        *text, weight="C", config="simple"
    )
    return (
        queryset.alias(
            compact_name=_compact(Lower(name)),
            name_score=Greatest(
                TrigramWordSimilarity(lowered, Lower(name)),
                TrigramSimilarity(_compact(Lower(name)), Value(compact)),
                output_field=FloatField(),
            ),
            closeness=TrigramSimilarity(Lower(name), Value(lowered)),
            document=document,
            rank=SearchRank(document, prefixes),
        )
        .annotate(
            is_exact=Case(
                When(**{f"{name}__iexact": query}, then=Value(2)),
                When(compact_name=compact, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .filter(Q(name_score__gte=NAME_THRESHOLD) | Q(document=prefixes))
        .order_by(
            F("is_exact").desc(),
            F("name_score").desc(),
            F("closeness").desc(),
            F("rank").desc(),
            name,
        )[:LIMIT]
    )


def _substring_search(queryset: QuerySet, query: str, *, name: str, text: tuple[str, ...]):
    match = Q()
    for word in _words(query):
        word_match = Q(**{f"{name}__icontains": word})
        for column in text:
            word_match |= Q(**{f"{column}__icontains": word})
        match &= word_match
    return queryset.filter(match).order_by(name)[:LIMIT]
