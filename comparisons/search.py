"""Search over tools, comparisons and categories, and the tool suggestions a picker shows.

On Postgres a search first gathers candidates with conditions an index answers, each its own
``SELECT`` joined by ``UNION`` (an ``OR`` of them made Postgres read the whole table), ranks
only those candidates, and then loads the best few with what the page shows of them. The stored
columns and indexes it uses (``search_document``, ``search_name``) come from migration 0005;
they are not model fields. The conditions, with the index each can use:

- exact: the compact name is the compact query, or the slug is the query (btrees);
- prefix: the compact name starts with the compact query, the first ``CANDIDATES`` in index
  order (btree, "C" collation): two typed letters already suggest tools;
- word similarity: a word of the name is like the query (``name %> 'q'``, trigram GIN): typos
  such as "claud" or "copilt";
- similarity of the compact names (``search_name % 'q'``, trigram GIN, then held to
  ``NAME_THRESHOLD``): spaces missing or added, "smolvml" or "smol vlm" for SmolVLM2;
- full text: each word a prefix of a word of the name or text (``search_document @@ …``, GIN).

Only operators can use those indexes, never ``similarity(…) > x``, and each condition brings
at most ``CANDIDATES`` rows, so a query matching half the directory costs about what one
matching a handful does. The candidates rank by: exact name or slug, exact compact name, name
prefix, trigram similarity of the name, closeness of the whole name, full-text rank.

When nothing matches, ``close_names()`` offers the tools whose names are nearest ("did you
mean SmolVLM2?"): the two trigram conditions on names, at lower thresholds set inside a
transaction of their own that is rolled back, so still answered by the indexes and bounded by
``CANDIDATES``.

Elsewhere (SQLite, the database of ``make run``) the same functions rank names in Python with
``difflib`` (``comparisons.fuzzy``): typos and spacing are found there too. That path reads at
most ``FUZZY_ROWS`` rows of a table, which a demo catalogue never reaches; a directory of real
size belongs on Postgres.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from comparisons import fuzzy
from comparisons.models import Category, Comparison, Tool

MAX_QUERY = 100  # characters kept of a query: names are short, and this bounds the work
MAX_WORDS = 8
NAME_THRESHOLD = 0.4
LIMIT = 20
SUGGESTIONS, MAX_SUGGESTIONS = 10, 50
CANDIDATES = 100  # rows each indexed condition may bring to the ranking
MIN_WORD_SIMILAR = 2  # characters (compact) before word similarity is worth asking…
MIN_SIMILAR = 4  # … and before similarity of whole names is (below it, nearly all noise)
MIN_PREFIX = 3  # characters a word needs to match words of the text by prefix
CLOSE_NAMES = 3  # "did you mean" offers at most this many tools…
MIN_CLOSE = 3  # … for a query of at least this many letters and digits
CLOSE_THRESHOLD = 0.35  # trigram similarity (either kind) a close name needs on Postgres
FUZZY_ROWS = 5_000  # rows of a table the SQLite path reads at most (the demo has 18 tools)


@dataclass
class Results:
    query: str
    tools: list = field(default_factory=list)
    comparisons: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    close: list = field(default_factory=list)  # tools with names near the query, when none matched

    @property
    def count(self) -> int:
        return len(self.tools) + len(self.comparisons) + len(self.categories)


@dataclass(frozen=True)
class Terms:
    """A cleaned query in the forms the conditions compare."""

    query: str  # as typed, cleaned
    lowered: str
    compact: str  # letters and digits only, as search_name keeps names: "smol vlm" → "smolvlm"
    words: tuple[str, ...]

    @property
    def tsquery(self) -> str:
        """Every word required, those of ``MIN_PREFIX`` characters or more as prefixes.

        Shorter words are left out beside longer ones ("speech to text", "whisper l") and are
        whole words when alone ("ai"): a one- or two-letter prefix matches a large part of the
        index and tells little apart, and the name conditions already match names by prefix.
        Only letters and digits reach the tsquery syntax.
        """
        long = [word for word in self.words if len(word) >= MIN_PREFIX]
        if long:
            return " & ".join(f"{word}:*" for word in long)
        return " & ".join(self.words)


@dataclass(frozen=True)
class Target:
    """What search reads of a model: its table and name column, the text beside the name (for
    the substring fallback; on Postgres it is in search_document), and, as SQL, which rows
    readers may see."""

    model: type[models.Model]
    name: str
    text: tuple[str, ...]
    visible: str = ""

    @property
    def table(self) -> str:
        return self.model._meta.db_table


TOOL = Target(Tool, "name", ("vendor", "tagline", "description"), "is_published")
# ComparisonQuerySet.published().curated(), with the time passed in as published() takes it.
COMPARISON = Target(
    Comparison,
    "title",
    ("intro", "verdict"),
    f"status = '{Comparison.Status.PUBLISHED}' AND published_at <= %(now)s"
    f" AND kind = '{Comparison.Kind.CURATED}'",
)
CATEGORY = Target(Category, "name", ("description",))


def clean_query(raw: str | None) -> str:
    """Printable text, whitespace collapsed, bounded in length. NUL bytes never reach Postgres."""
    text = "".join(ch for ch in (raw or "")[: MAX_QUERY * 4] if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY]


def terms_for(raw: str | None) -> Terms | None:
    """The query's terms, or None when nothing in it can match (empty, only punctuation)."""
    query = clean_query(raw)
    lowered = query.lower()
    words = tuple(re.findall(r"[^\W_]+", lowered)[:MAX_WORDS])
    compact = "".join(ch for ch in lowered if ch.isalnum())
    if not words or not compact:
        return None
    return Terms(query, lowered, compact, words)


def search_everything(raw: str | None) -> Results:
    results = Results(clean_query(raw))
    terms = terms_for(raw)
    if terms is None:
        return results
    results.tools = _search(Tool.objects.published().select_related("category"), terms, TOOL)
    results.comparisons = _search(
        Comparison.objects.published().curated().with_standings(), terms, COMPARISON
    )
    results.categories = _search(Category.objects.with_tool_counts(), terms, CATEGORY)
    if not results.count:
        results.close = close_names(raw)
    return results


def tool_suggestions(raw_query: str | None, limit: int = SUGGESTIONS) -> list[Tool]:
    """At most ``limit`` published tools for a picker, as the reader types; two queries.

    Exact name or slug first, then names that start with the query (two letters are enough),
    then trigram and full-text matches. Each tool comes with its category.
    """
    terms = terms_for(raw_query)
    limit = min(max(limit, 0), MAX_SUGGESTIONS)
    if terms is None or not limit:
        return []
    return _search(Tool.objects.published().select_related("category"), terms, TOOL, limit)


def close_names(raw_query: str | None, limit: int = CLOSE_NAMES) -> list[Tool]:
    """Published tools whose names are near the query, nearest first: what a search that found
    nothing offers instead. One query; each tool has its name and slug."""
    terms = terms_for(raw_query)
    if terms is None or len(terms.compact) < MIN_CLOSE:
        return []
    if connection.vendor != "postgresql":
        rows = Tool.objects.published().only("pk", "name", "slug").order_by("pk")[:FUZZY_ROWS]
        by_pk = {tool.pk: tool for tool in rows}
        ranked = fuzzy.close(
            _fuzzy_query(terms),
            (fuzzy.Row(tool.pk, tool.name, tool.slug) for tool in by_pk.values()),
            limit,
        )
        return [by_pk[pk] for pk in ranked]
    return close_tools(terms, limit)


def _search(shown: QuerySet, terms: Terms, target: Target, limit: int = LIMIT) -> list:
    """The best ``limit`` matches, as rows of ``shown`` (which says what to load with them)."""
    if connection.vendor == "postgresql":
        ids = best_ids(terms, target, limit)
    else:
        ids = _fuzzy_ids(shown, terms, target, limit)
    if not ids:
        return []
    rows = {row.pk: row for row in shown.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


# --- Postgres ---------------------------------------------------------------------------------


def parameters(terms: Terms, limit: int) -> dict:
    return {
        "lowered": terms.lowered,
        "compact": terms.compact,
        "prefix": terms.compact + "%",  # letters and digits only: nothing to escape
        "tsquery": terms.tsquery,
        "threshold": NAME_THRESHOLD,
        "candidates": CANDIDATES,
        "limit": limit,
        "now": timezone.now(),
    }


def branches(terms: Terms, target: Target) -> dict[str, str]:
    """Each indexed condition's SELECT of candidate ids, by name; parameters from parameters()."""
    table, name = target.table, target.name
    select = f"SELECT id FROM {table} WHERE " + (f"{target.visible} AND " if target.visible else "")
    found = {
        "exact": f"{select}(search_name = %(compact)s OR slug = %(lowered)s)",
        "prefix": f"{select}search_name LIKE %(prefix)s ORDER BY search_name",
        "text": f"{select}search_document @@ to_tsquery('simple', %(tsquery)s)",
    }
    if len(terms.compact) >= MIN_WORD_SIMILAR:
        found["word"] = f"{select}{name} %%> %(lowered)s"
    if len(terms.compact) >= MIN_SIMILAR:
        found["similar"] = (
            f"{select}search_name %% %(compact)s"
            " AND similarity(search_name, %(compact)s) >= %(threshold)s"
        )
    return {key: f"{sql} LIMIT %(candidates)s" for key, sql in found.items()}


def ranking_sql(terms: Terms, target: Target) -> str:
    """The candidates in rank order, at most %(limit)s of them: one statement."""
    name = target.name
    union = " UNION ".join(f"({sql})" for sql in branches(terms, target).values())
    return f"""
        SELECT id FROM {target.table} WHERE id IN ({union})
        ORDER BY
            CASE
                WHEN lower({name}) = %(lowered)s OR slug = %(lowered)s THEN 3
                WHEN search_name = %(compact)s THEN 2
                WHEN search_name LIKE %(prefix)s THEN 1
                ELSE 0
            END DESC,
            greatest(
                word_similarity(%(lowered)s, {name}), similarity(search_name, %(compact)s)
            ) DESC,
            similarity({name}, %(lowered)s) DESC,
            ts_rank(search_document, to_tsquery('simple', %(tsquery)s)) DESC,
            {name},
            id
        LIMIT %(limit)s
    """


def best_ids(terms: Terms, target: Target, limit: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(ranking_sql(terms, target), parameters(terms, limit))
        return [row[0] for row in cursor.fetchall()]


def close_names_sql() -> str:
    """Tools whose names are near the query: the name and compact-name trigram conditions of
    ``branches()``, each still answered by its index, at the thresholds close_tools() sets."""
    select = f"SELECT id FROM {TOOL.table} WHERE {TOOL.visible} AND "
    return f"""
        SELECT id, name, slug FROM {TOOL.table} WHERE id IN (
            ({select}name %%> %(lowered)s LIMIT %(candidates)s)
            UNION
            ({select}search_name %% %(compact)s LIMIT %(candidates)s)
        )
        ORDER BY
            greatest(word_similarity(%(lowered)s, name), similarity(search_name, %(compact)s)) DESC,
            name,
            id
        LIMIT %(limit)s
    """


def close_tools(terms: Terms, limit: int) -> list[Tool]:
    # The operators read their thresholds from settings. set_config(…, true) lasts until the
    # transaction ends, which inside a caller's transaction is later than this block: the block
    # is rolled back instead (it only reads), and that undoes the settings at once, so the
    # search's own conditions always keep theirs.
    threshold = str(CLOSE_THRESHOLD)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true),"
            " set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [threshold, threshold],
        )
        tools = list(Tool.objects.raw(close_names_sql(), parameters(terms, limit)))
        transaction.set_rollback(True)
    return tools


# --- Elsewhere (SQLite) -----------------------------------------------------------------------


def _fuzzy_query(terms: Terms) -> fuzzy.Query:
    return fuzzy.Query(terms.lowered, terms.compact, terms.words)


def _fuzzy_ids(shown: QuerySet, terms: Terms, target: Target, limit: int) -> list[int]:
    """Rank up to ``FUZZY_ROWS`` visible rows in Python; one query reads their names and slugs,
    and whether their text holds every word (a substring match, SQLite's ``LIKE``). Rows whose
    text matches are read first, so a larger table loses fuzzy name matches before text ones."""
    text_match = Q()
    for word in terms.words:
        word_match = Q(**{f"{target.name}__icontains": word})
        for column in target.text:
            word_match |= Q(**{f"{column}__icontains": word})
        text_match &= word_match
    rows = (
        shown.annotate(
            text_match=Case(
                When(text_match, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-text_match", "pk")
        .values_list("pk", target.name, "slug", "text_match")[:FUZZY_ROWS]
    )
    return fuzzy.rank(_fuzzy_query(terms), (fuzzy.Row(*row) for row in rows), limit)
