"""Casting community votes: who the reader is, and counting their vote exactly once.

A reader is a random id in a signed cookie; the database only ever sees a keyed hash of it. The
per-tool counts on ``ComparisonEntry`` change in the vote's own transaction with database
arithmetic, and the unique (comparison, reader) constraint settles races between a reader's
simultaneous requests.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comparisons import cache_keys
from comparisons.models import Comparison, ComparisonEntry, Tool, Vote
from compsite import purge
from compsite.prepared import prepared_cursor

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


# A first vote at a live stored comparison, from its address alone: on Postgres one statement finds
# the entry, inserts the vote and counts it. Outside a transaction it commits on its own, so the
# hot count row is locked only while the statement runs (no BEGIN/COMMIT round trips around it).
# Anything else (a generated pair, a draft, a scheduled comparison, a tool not in it, a reader who
# already voted) matches or inserts nothing and is left to the general path. It is prepared once
# per connection (compsite.prepared): planning this statement cost more than running it.
# The "live" conditions are Comparison.is_live's, on the application's clock as everywhere else;
# tests pin that both paths agree.
_FIRST_VOTE_BY_ADDRESS_SQL = """
WITH target AS (
    SELECT entry.comparison_id, entry.tool_id
    FROM comparisons_comparisonentry entry
    JOIN comparisons_comparison comparison ON comparison.id = entry.comparison_id
    JOIN comparisons_tool tool ON tool.id = entry.tool_id
    WHERE comparison.slug = %(slug)s AND tool.slug = %(tool)s
      AND comparison.status = %(published)s AND comparison.published_at <= %(now)s
), inserted AS (
    INSERT INTO comparisons_vote (comparison_id, tool_id, reader_hash, created_at, updated_at)
    SELECT comparison_id, tool_id, %(reader)s, %(now)s, %(now)s FROM target
    ON CONFLICT (comparison_id, reader_hash) DO NOTHING
    RETURNING comparison_id, tool_id
)
UPDATE comparisons_comparisonentry entry SET vote_count = entry.vote_count + 1
FROM inserted
WHERE entry.comparison_id = inserted.comparison_id AND entry.tool_id = inserted.tool_id
RETURNING entry.comparison_id, entry.tool_id
"""
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def first_vote_by_address(*, slug: str, tool_slug: str, reader: Reader) -> tuple[int, int] | None:
    """``(comparison id, tool id)`` when this request was the reader's first vote at the live
    comparison stored at ``slug``; None when the general path (``vote_cast``) has to decide."""
    if connection.vendor != "postgresql":
        return None
    if not _SLUG.fullmatch(tool_slug):  # the address's slug is one already (URL converter)
        return None  # not a slug: nothing could match (and Postgres refuses NUL characters)
    with prepared_cursor() as cursor:
        cursor.execute(
            _FIRST_VOTE_BY_ADDRESS_SQL,
            {
                "slug": slug,
                "tool": tool_slug,
                "published": Comparison.Status.PUBLISHED.value,
                "reader": reader.hash,
                "now": timezone.now(),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    purge.after_commit(cache_keys.touched_by_vote(row[0]), coalesce=True)
    return row[0], row[1]


def vote_cast(*, comparison: Comparison, tool: Tool, reader: Reader) -> Outcome:
    """Record ``reader``'s choice of ``tool``: a first vote adds one, a change moves one."""
    with transaction.atomic():
        outcome = _first_vote_in_one_statement(comparison, tool, reader) or _record(
            comparison, tool, reader
        )
        if outcome != Outcome.UNCHANGED:
            # Pages showing these counts leave shared caches (within seconds: votes coalesce).
            purge.after_commit(cache_keys.touched_by_vote(comparison.pk), coalesce=True)
    return outcome


# A reader's first vote is most votes: on Postgres one statement inserts it and counts it. When the
# reader already voted (ON CONFLICT: nothing inserted, nothing counted) the general path decides.
_FIRST_VOTE_SQL = """
WITH inserted AS (
    INSERT INTO comparisons_vote (comparison_id, tool_id, reader_hash, created_at, updated_at)
    VALUES (%(comparison)s, %(tool)s, %(reader)s, %(now)s, %(now)s)
    ON CONFLICT (comparison_id, reader_hash) DO NOTHING
    RETURNING tool_id
)
UPDATE comparisons_comparisonentry SET vote_count = vote_count + 1
WHERE comparison_id = %(comparison)s AND tool_id IN (SELECT tool_id FROM inserted)
RETURNING id
"""


def _first_vote_in_one_statement(
    comparison: Comparison, tool: Tool, reader: Reader
) -> Outcome | None:
    if connection.vendor != "postgresql":
        return None
    with prepared_cursor() as cursor:
        cursor.execute(
            _FIRST_VOTE_SQL,
            {
                "comparison": comparison.pk,
                "tool": tool.pk,
                "reader": reader.hash,
                "now": timezone.now(),
            },
        )
        return Outcome.CAST if cursor.fetchone() else None


def _record(comparison: Comparison, tool: Tool, reader: Reader) -> Outcome:
    """The vote itself; runs inside ``vote_cast``'s transaction."""
    entries = ComparisonEntry.objects.filter(comparison=comparison)
    existing = (
        Vote.objects.select_for_update()
        .filter(comparison=comparison, reader_hash=reader.hash)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                Vote.objects.create(comparison=comparison, tool=tool, reader_hash=reader.hash)
        except IntegrityError:
            # The same reader's concurrent request inserted first: theirs is the vote.
            existing = (
                Vote.objects.select_for_update()
                .filter(comparison=comparison, reader_hash=reader.hash)
                .get()
            )
        else:
            entries.filter(tool=tool).update(vote_count=F("vote_count") + 1)
            return Outcome.CAST
    if existing.tool_id == tool.pk:
        return Outcome.UNCHANGED
    # One statement moves the vote, so the two counts never disagree with the rows.
    entries.filter(tool_id__in=[existing.tool_id, tool.pk]).update(
        vote_count=Case(
            When(tool_id=tool.pk, then=F("vote_count") + 1),
            default=F("vote_count") - 1,
        )
    )
    existing.tool = tool
    existing.save(update_fields=["tool", "updated_at"])
    return Outcome.MOVED


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
