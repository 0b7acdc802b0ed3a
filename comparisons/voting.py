"""Casting community votes: who the reader is, and counting their vote exactly once.

A reader is a random id in a signed cookie; the database only ever sees a keyed hash of it. The
per-tool counts on ``ComparisonEntry``, the tools' community counters and the day's count
(comparisons/counters.py) change in the vote's own transaction with database arithmetic, and the
unique (comparison, reader) constraint settles races between a reader's simultaneous requests.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from comparisons import cache_keys, counters, top_picks
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


def vote_cast(*, comparison: Comparison, tool: Tool, reader: Reader) -> Outcome:
    """Record ``reader``'s choice of ``tool``: a first vote adds one, a change moves one.

    One transaction: the reader's vote row, locked (or inserted, the unique constraint settling
    a race between the same reader's simultaneous requests: the loser finds the winner's row),
    then the counts, moved by database arithmetic. A new reader (an id made in this request) has
    no row anywhere: theirs is inserted without looking.

    Past the reader's own row, the comparison is locked before its entries and tools (the order
    every writer of the counts keeps, ``top_picks.lock``): votes in a comparison then count one
    after another, and a vote waits for an editor's save of it rather than deadlocking with it.
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
        if not created and vote.tool_id == tool.pk:
            return Outcome.UNCHANGED
        stored_picks = top_picks.lock_for_vote(comparison.pk)
        if created:
            entries.filter(tool=tool).update(vote_count=F("vote_count") + 1)
            counters.count_first_vote(comparison.pk, tool.pk)
            outcome = Outcome.CAST
        else:
            # One statement moves the vote, so the two counts never disagree with the rows.
            entries.filter(tool_id__in=[vote.tool_id, tool.pk]).update(
                vote_count=Case(
                    When(tool_id=tool.pk, then=F("vote_count") + 1),
                    default=F("vote_count") - 1,
                )
            )
            counters.count_moved_vote(vote.tool_id, tool.pk)
            vote.tool = tool
            vote.save(update_fields=["tool", "updated_at"])
            outcome = Outcome.MOVED
        # The readers' top pick may have changed, and with it "panel vs crowd".
        top_picks.after_vote(comparison.pk, stored_picks)
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
