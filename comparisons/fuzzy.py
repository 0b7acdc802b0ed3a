"""Fuzzy name matching in Python, with the standard library's ``difflib``: how search ranks names
where the database has no trigram index (SQLite, the database of ``make run``).

SQLite can only match substrings, and a typo is not a substring: "smolvml", "SmolVLM 2" and
"smol vlm" all mean SmolVLM2, and none of them is inside its name. Here each name is compared
with the query as ``comparisons.search`` compares them on Postgres: exactly, by its compact form
(letters and digits only, lower-cased), by prefix, and by closeness. Closeness is the best of the
whole compact name's ``SequenceMatcher`` ratio and the average, over the query's words, of each
word's ratio with its closest word of the name (so "copilt" is close to "GitHub Copilot").

Pure functions of strings: the caller reads the rows (a bounded number, see
``comparisons.search.FUZZY_ROWS``) and loads the winners.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

MATCH = 0.75  # closeness that makes a name a result by itself
CLOSE = 0.65  # closeness that is worth a "did you mean" when nothing matched


class Query(NamedTuple):
    lowered: str
    compact: str
    words: tuple[str, ...]


class Row(NamedTuple):
    """What ranking reads of a row: its id, name and slug, and whether its text (vendor, tagline,
    description…) holds every word of the query, which the database tells."""

    pk: int
    name: str
    slug: str
    text_match: bool = False


def compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def words_of(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def ratio(a: str, b: str) -> float:
    # autojunk would treat frequent characters of long strings as noise; names are short.
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def tier(query: Query, row: Row) -> int:
    """3 the exact name or slug, 2 the same compact name, 1 a name starting with the query."""
    if row.name.lower() == query.lowered or row.slug == query.lowered:
        return 3
    name = compact(row.name)
    if name == query.compact:
        return 2
    return 1 if name.startswith(query.compact) else 0


def closeness(query: Query, name: str) -> tuple[float, float]:
    """(best, whole): the closeness that decides, and the whole name's ratio that breaks ties."""
    whole = ratio(query.compact, compact(name))
    name_words = words_of(name)
    if not name_words or not query.words:
        return whole, whole
    by_word = sum(max(ratio(word, other) for other in name_words) for word in query.words)
    return max(whole, by_word / len(query.words)), whole


def rank(query: Query, rows: Iterable[Row], limit: int) -> list[int]:
    """The ids of the best ``limit`` matches: by tier, then closeness, then name and id."""
    scored = []
    for row in rows:
        level = tier(query, row)
        best, whole = closeness(query, row.name)
        if level or row.text_match or best >= MATCH:
            scored.append(((-level, -best, -whole, row.name.lower(), row.pk), row.pk))
    scored.sort()
    return [pk for _, pk in scored[:limit]]


def close(query: Query, rows: Iterable[Row], limit: int) -> list[int]:
    """The ids of at most ``limit`` names close to the query, closest first."""
    scored = []
    for row in rows:
        best, whole = closeness(query, row.name)
        if best >= CLOSE:
            scored.append(((-best, -whole, row.name.lower(), row.pk), row.pk))
    scored.sort()
    return [pk for _, pk in scored[:limit]]
