"""Casting community votes: who the reader is, and counting their vote exactly once.

A reader is a random id in a signed cookie; the database only ever sees a keyed hash of it. The
per-tool counts on ``ComparisonEntry``, the tools' community counters and the day's count
(comparisons/counters.py) change in the vote's own transaction with database arithmetic, and the
unique (comparison, reader) constraint settles races between a reader's simultaneous requests.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comparisons import cache_keys, counters
from comparisons.models import Comparison, ComparisonEntry, Tool, Vote
from compsite import purge

READER_COOKIE = "reader"
READER_COOKIE_SALT = "comparisons.vote.reader-cookie"
READER_HASH_SALT = "comparisons.vote.reader-hash"
READER_COOKIE_AGE = 60 * 60 * 24 * 400  # the longest lifetime browsers accept


@dataclass(frozen=True)
class Reader:
    id: str
    is_new: bool

    @property
    def hash(self) -> str:
        return reader_hash(self.id)


def reader_hash(reader_id: str) -> str:
    """Keyed with SECRET_KEY: the stored value cannot be turned back into a cookie."""
    return salted_hmac(READER_HASH_SALT, reader_id, algorithm="sha256").hexdigest()


def reader_from(request: HttpRequest) -> Reader | None:
    """The reader of a validly signed cookie; a missing, forged or malformed one is None."""
    reader_id = request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_COOKIE_SALT)
    if not reader_id or len(reader_id) > 64:
        return None
    return Reader(reader_id, is_new=False)


def reader_for_vote(request: HttpRequest) -> Reader:
    return reader_from(request) or Reader(secrets.token_urlsafe(24), is_new=True)


def remember_reader(response: HttpResponse, reader: Reader) -> None:
    if reader.is_new:
        response.set_signed_cookie(
            READER_COOKIE,
            reader.id,
            salt=READER_COOKIE_SALT,
            max_age=READER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG,
        )


class Outcome(StrEnum):
    CAST = "cast"
    MOVED = "moved"
    UNCHANGED = "unchanged"


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")

# A first vote at a live stored comparison, whole, in one statement (one round trip, its own
# transaction): the comparison and tool found by their slugs; the vote row inserted, or nothing
# if the reader has one here (the unique constraint decides, as ``vote_cast``'s does); then, only
# for an inserted vote and in this order, as ``vote_cast`` and ``counters.count_first_vote`` do
# it: the entry's count, the comparison's tools locked in id order and their counters, the day's
# count. (Unreferenced, ``pools`` and ``today`` still run, to completion, after the main query.)
# docs/performance.md says why this one write is SQL of its own and not the ORM's.
_FIRST_VOTE = """
WITH entry AS (
    SELECT e.comparison_id, e.tool_id
    FROM comparisons_comparisonentry e
    JOIN comparisons_comparison c ON c.id = e.comparison_id
    JOIN comparisons_tool t ON t.id = e.tool_id
    WHERE c.slug = %(slug)s AND t.slug = %(tool)s
      AND c.status = %(published)s AND c.published_at <= %(now)s
),
vote AS (
    INSERT INTO comparisons_vote (comparison_id, tool_id, reader_hash, created_at, updated_at)
    SELECT comparison_id, tool_id, %(reader)s, %(now)s, %(now)s FROM entry
    ON CONFLICT (comparison_id, reader_hash) DO NOTHING
    RETURNING comparison_id, tool_id
),
counted AS (
    UPDATE comparisons_comparisonentry e SET vote_count = e.vote_count + 1
    FROM vote WHERE e.comparison_id = vote.comparison_id AND e.tool_id = vote.tool_id
    RETURNING e.comparison_id, e.tool_id
),
locked AS MATERIALIZED (
    SELECT t.id FROM comparisons_tool t
    WHERE t.id IN (
        SELECT m.tool_id FROM comparisons_comparisonentry m
        JOIN counted ON m.comparison_id = counted.comparison_id
    )
    ORDER BY t.id
    FOR UPDATE OF t
),
pools AS (
    UPDATE comparisons_tool t
    SET community_pool = t.community_pool + 1,
        community_votes = t.community_votes + CASE WHEN t.id = counted.tool_id THEN 1 ELSE 0 END
    FROM locked, counted
    WHERE t.id = locked.id
    RETURNING t.id
),
today AS (
    INSERT INTO comparisons_dailyvotes (comparison_id, day, votes)
    SELECT comparison_id, %(day)s, 1 FROM counted
    ON CONFLICT (comparison_id, day) DO UPDATE SET votes = comparisons_dailyvotes.votes + 1
    RETURNING comparison_id
)
SELECT entry.comparison_id, entry.tool_id, (SELECT count(*) FROM counted) FROM entry
"""


def first_vote_by_address(*, slug: str, tool_slug: str, reader: Reader) -> tuple[int, int] | None:
    """``(comparison id, tool id)`` once the reader's first vote is counted at the live
    comparison stored at ``slug`` (``_FIRST_VOTE``); None when the general path (``vote_cast``
    after the page's own lookup) has to decide: a generated pair, a draft, a scheduled
    comparison, an old address, a tool not in it, a reader who voted here before."""
    if not _SLUG.fullmatch(tool_slug):  # the address's slug is one already (URL converter)
        return None  # not a slug: nothing could match (and Postgres refuses NUL characters)
    if connection.vendor != "postgresql":
        return None  # make run's SQLite: the ORM's path
    with connection.cursor() as cursor:
        cursor.execute(
            _FIRST_VOTE,
            {
                "slug": slug,
                "tool": tool_slug,
                "published": Comparison.Status.PUBLISHED.value,
                "now": timezone.now(),
                "reader": reader.hash,
                "day": timezone.localdate(),
            },
        )
        row = cursor.fetchone()
    if row is None or not row[2]:
        return None
    comparison_id, tool_id, _ = row
    # Pages showing these counts leave shared caches (within seconds: votes coalesce).
    purge.after_commit(cache_keys.touched_by_vote(comparison_id), coalesce=True)
    return comparison_id, tool_id


def vote_cast(*, comparison: Comparison, tool: Tool, reader: Reader) -> Outcome:
    """Record ``reader``'s choice of ``tool``: a first vote adds one, a change moves one.

    One transaction: the reader's vote row, locked (or inserted, the unique constraint settling
    a race between the same reader's simultaneous requests: the loser finds the winner's row),
    then the counts, moved by database arithmetic. A new reader (an id made in this request) has
    no row anywhere: theirs is inserted without looking.
    """
    entries = ComparisonEntry.objects.filter(comparison=comparison)
    with transaction.atomic():
        if reader.is_new:
            vote = Vote.objects.create(comparison=comparison, reader_hash=reader.hash, tool=tool)
            created = True
        else:
            vote, created = Vote.objects.select_for_update().get_or_create(
                comparison=comparison, reader_hash=reader.hash, defaults={"tool": tool}
            )
        if created:
            entries.filter(tool=tool).update(vote_count=F("vote_count") + 1)
            counters.count_first_vote(comparison.pk, tool.pk)
            outcome = Outcome.CAST
        elif vote.tool_id == tool.pk:
            return Outcome.UNCHANGED
        else:
            # One statement moves the vote, so the two counts never disagree with the rows.
            entries.filter(tool_id__in=[vote.tool_id, tool.pk]).update(
                vote_count=Case(
                    When(tool_id=tool.pk, then=F("vote_count") + 1),
                    default=F("vote_count") - 1,
                )
            )
            counters.count_moved_vote(comparison.pk, vote.tool_id, tool.pk)
            vote.tool = tool
            vote.save(update_fields=["tool", "updated_at"])
            outcome = Outcome.MOVED
        # Pages showing these counts leave shared caches (within seconds: votes coalesce).
        purge.after_commit(cache_keys.touched_by_vote(comparison.pk), coalesce=True)
    return outcome


def vote_of(*, comparison_id: int | None, reader: Reader | None) -> int | None:
    """The id of the tool this reader voted for here, if any (one query, none without a cookie)."""
    if reader is None or reader.is_new or comparison_id is None:
        return None
    return (
        Vote.objects.filter(comparison_id=comparison_id, reader_hash=reader.hash)
        .values_list("tool_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Drift:
    comparison_id: int
    tool_id: int
    stored: int
    counted: int


def vote_count_drift() -> list[Drift]:
    """Recount every entry's votes from the rows and report where the stored count differs."""
    from django.db.models import Count

    counted = {
        (row["comparison_id"], row["tool_id"]): row["n"]
        for row in Vote.objects.values("comparison_id", "tool_id").annotate(n=Count("id"))
    }
    drift = []
    for entry in ComparisonEntry.objects.values("comparison_id", "tool_id", "vote_count"):
        key = (entry["comparison_id"], entry["tool_id"])
        actual = counted.pop(key, 0)
        if actual != entry["vote_count"]:
            drift.append(Drift(*key, stored=entry["vote_count"], counted=actual))
    # Votes for a tool that is no longer in the comparison have no entry to count them.
    drift.extend(Drift(*key, stored=0, counted=n) for key, n in counted.items())
    return drift
