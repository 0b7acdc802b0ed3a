"""The counters kept on each tool's row, so that no page counts scorecards or votes.

- ``ship_count`` and ``scorecard_count`` (Panel ship %): recounted from the tool's own scorecards
  whenever one of them is saved or deleted, a queryset's delete and a cascade included (Django
  sends ``post_delete`` for each row it deletes once a receiver listens). A recount reads one
  tool's few scorecards and cannot drift the way an increment could.
- ``community_votes`` and ``community_pool`` (the community share in category rankings): votes
  for the tool in every comparison it is in, and all votes cast in those comparisons, both summed
  from ``ComparisonEntry.vote_count``. A vote moves them in its own transaction
  (``count_first_vote``, ``count_moved_vote``); a comparison gaining or losing a tool has its
  tools recounted.
- ``DailyVotes``: first votes per comparison and day, which trending sums.
- The comparisons' top picks (comparisons/top_picks.py) follow from the counters above: worked
  out again wherever they move (a vote, a scorecard, a change of tools, ``refresh()``).

Bulk inserts send no signals: whoever loads rows with ``bulk_create`` calls ``refresh()``, and a
loader saving many rows one by one may do the same inside ``paused()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from comparisons import top_picks


def _total(rows, function: str, field: str):
    """``function`` (COUNT, SUM) of ``field`` over ``rows``, a subquery correlated with the tool
    it counts for; 0 for no rows. A plain function, not an aggregate: no GROUP BY, one row."""
    return Coalesce(
        Subquery(rows.order_by().annotate(n=Func(F(field), function=function)).values("n")[:1]),
        0,
    )


def panel_counts(scorecard_model) -> dict:
    """The UPDATE's values that recount a tool's scorecards (``scorecard_model`` may be a
    migration's historical model)."""
    own = scorecard_model.objects.filter(tool_id=OuterRef("pk"))
    return {
        "ship_count": _total(own.filter(verdict="ship"), "COUNT", "pk"),
        "scorecard_count": _total(own, "COUNT", "pk"),
    }


def community_counts(entry_model) -> dict:
    """The UPDATE's values that recount a tool's community votes and pool from the entries."""
    own = entry_model.objects.filter(tool_id=OuterRef("pk"))
    pool = entry_model.objects.filter(
        comparison_id__in=entry_model.objects.filter(tool_id=OuterRef(OuterRef("pk"))).values(
            "comparison_id"
        )
    )
    return {
        "community_votes": _total(own, "SUM", "vote_count"),
        "community_pool": _total(pool, "SUM", "vote_count"),
    }


@transaction.atomic(savepoint=False)  # the locks last until the counts are written
def refresh(tool_ids: Iterable[int] | None = None) -> int:
    """Recount every counter of these tools (all tools by default), updating the rows that are
    off (their number is returned), and rebuild the daily vote counts from the vote rows when all
    are asked for: set-based, for loaders that bulk-insert."""
    from comparisons.models import Comparison, ComparisonEntry, DailyVotes, Tool, Vote
    from reviews.models import Reviewer, Scorecard

    tool_ids = None if tool_ids is None else list(tool_ids)
    tools = Tool.objects.all() if tool_ids is None else Tool.objects.filter(pk__in=tool_ids)
    recounts = {**panel_counts(Scorecard), **community_counts(ComparisonEntry)}
    # The comparisons before the tools (top_picks.lock says why).
    top_picks.lock(Comparison.objects.all() if tool_ids is None else top_picks.with_tools(tool_ids))
    # Only the rows that are off: rewriting a right row would leave a dead version behind.
    stale = Q()
    for name, recount in recounts.items():
        stale |= ~Q(**{name: recount})
    updated = tools.filter(stale).update(**recounts)
    # The comparisons' top picks follow from these counters (and the entries' vote counts).
    if tool_ids is None:
        top_picks.refresh(Comparison.objects.all())
    else:
        top_picks.of_tools(tool_ids)
    # A reviewer's counts cover every tool: recounted whatever tools were asked for (a handful
    # of reviewers, each counted from an index).
    Reviewer.objects.update(**reviewer_counts(Scorecard))
    if tool_ids is None:
        rebuild_daily_votes(Vote, DailyVotes)
    return updated


def drift() -> list[tuple[int, str, int, int]]:
    """``(tool id, counter, stored, counted)`` wherever a tool's counter differs from a recount."""
    from comparisons.models import ComparisonEntry, Tool
    from reviews.models import Scorecard

    recounts = {**panel_counts(Scorecard), **community_counts(ComparisonEntry)}
    rows = Tool.objects.annotate(**{f"counted_{name}": value for name, value in recounts.items()})
    found = []
    for tool in rows.order_by("pk"):
        for name in recounts:
            stored, counted = getattr(tool, name), getattr(tool, f"counted_{name}")
            if stored != counted:
                found.append((tool.pk, name, stored, counted))
    return found


def rebuild_daily_votes(vote_model, daily_model) -> None:
    daily_model.objects.all().delete()
    tz = timezone.get_current_timezone()
    days = (
        vote_model.objects.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("comparison_id", "day")
        .annotate(votes=Count("pk"))
        .order_by()
    )
    daily_model.objects.bulk_create(
        (daily_model(**row) for row in days.iterator(chunk_size=5000)), batch_size=5000
    )


# --- Kept on write ------------------------------------------------------------------------------


def count_first_vote(comparison_id: int, tool_id: int) -> None:
    """A first vote for ``tool_id``: one more for it, one more in every pool of the comparison's
    tools, one more today. Runs in the vote's transaction, after the entry's count moved."""
    from comparisons.models import DailyVotes

    _locked(_tools_of(comparison_id)).update(
        community_pool=F("community_pool") + 1,
        community_votes=Case(
            When(pk=tool_id, then=F("community_votes") + 1),
            default=F("community_votes"),
            output_field=IntegerField(),
        ),
    )
    today = DailyVotes.objects.filter(comparison_id=comparison_id, day=timezone.localdate())
    if not today.update(votes=F("votes") + 1):
        # The day's first vote here: a concurrent one may insert the row first, then both add.
        DailyVotes.objects.bulk_create(
            [DailyVotes(comparison_id=comparison_id, day=timezone.localdate())],
            ignore_conflicts=True,
        )
        today.update(votes=F("votes") + 1)


def count_moved_vote(from_tool_id: int, to_tool_id: int) -> None:
    """A vote moved between two tools of one comparison: the pools stay as they are."""
    from comparisons.models import Tool

    _locked(Tool.objects.filter(pk__in=[from_tool_id, to_tool_id])).update(
        community_votes=Case(
            When(pk=to_tool_id, then=F("community_votes") + 1),
            default=F("community_votes") - 1,
            output_field=IntegerField(),
        )
    )


def _tools_of(comparison_id: int):
    from comparisons.models import Tool

    return Tool.objects.filter(entries__comparison_id=comparison_id)


def _locked(tools):
    """``tools`` for an UPDATE that locks them in id order first, in the same statement (the
    ``IN`` subquery's ``SELECT … ORDER BY id FOR UPDATE``): votes in two comparisons that share
    tools would otherwise lock them in whatever order each UPDATE meets them, and could
    deadlock."""
    from comparisons.models import Tool

    # OF self: a plain FOR UPDATE would lock the joined entries too, which other votes update.
    in_order = tools.order_by("pk").select_for_update(of=("self",)).values("pk")
    return Tool.objects.filter(pk__in=in_order)


# --- Signals ------------------------------------------------------------------------------------

_paused: ContextVar[bool] = ContextVar("counters_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Saving or deleting scorecards and entries recounts nothing in here. For a loader that
    saves many rows and then calls ``refresh()`` for their tools once: the demo's 72 scorecards
    would otherwise recount their tool, its comparisons' picks and their reviewer 72 times."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _tools_concerned(instance) -> set[int]:
    """The row's tool, and the one it had when loaded if an edit changed it."""
    loaded = instance.__dict__.get("_loaded_tool_id")
    instance._loaded_tool_id = instance.tool_id  # saved again later: from this tool on
    return {instance.tool_id, loaded} - {None}


def reviewer_counts(scorecard_model) -> dict:
    """The UPDATE's values that recount a reviewer's scorecards (their ship rate)."""
    own = scorecard_model.objects.filter(reviewer_id=OuterRef("pk"))
    return {
        "ship_count": _total(own.filter(verdict="ship"), "COUNT", "pk"),
        "scorecard_count": _total(own, "COUNT", "pk"),
    }


@transaction.atomic(savepoint=False)  # the locks last until the counts are written
def _scorecard_changed(instance, **kwargs) -> None:
    from comparisons.models import Tool
    from reviews.models import Reviewer, Scorecard

    concerned = _tools_concerned(instance)
    if _paused.get():
        return
    top_picks.lock(top_picks.with_tools(concerned))  # before the tools (top_picks.lock)
    Tool.objects.filter(pk__in=concerned).update(**panel_counts(Scorecard))
    top_picks.of_tools(concerned)  # their Panel ship % may have changed the panel's pick
    # A reviewer's recount reads their scorecards from an index (50,000 at directory scale:
    # milliseconds, on an editor's write). A cascade from the reviewer's own delete finds none.
    Reviewer.objects.filter(pk=instance.reviewer_id).update(**reviewer_counts(Scorecard))


@transaction.atomic(savepoint=False)  # the locks last until the counts are written
def _entry_changed(instance, created: bool = True, **kwargs) -> None:
    """A tool joined or left a comparison (or an entry changed its tool): recount the tools of
    that comparison and the tools concerned. Nothing to do when only the position changed."""
    from comparisons.models import Comparison, ComparisonEntry, Tool

    moved = instance.__dict__.get("_loaded_tool_id") not in (None, instance.tool_id)
    concerned = _tools_concerned(instance)
    if (not created and not moved) or _paused.get():
        return
    # The comparison before the tools (top_picks.lock): an editor's save has locked it already.
    top_picks.lock(Comparison.objects.filter(pk=instance.comparison_id))
    members = ComparisonEntry.objects.filter(comparison_id=instance.comparison_id).values("tool_id")
    changed = Tool.objects.filter(Q(pk__in=members) | Q(pk__in=concerned))
    changed.update(**community_counts(ComparisonEntry))
    top_picks.of_comparison(instance.comparison_id)


def _remember_tool(sender, instance, **kwargs) -> None:
    # From the loaded values only: reading a deferred tool_id here would cost a query a row.
    instance._loaded_tool_id = instance.__dict__.get("tool_id")


def connect() -> None:
    from django.db.models.signals import post_init

    from comparisons.models import ComparisonEntry
    from reviews.models import Scorecard

    for model, changed in ((Scorecard, _scorecard_changed), (ComparisonEntry, _entry_changed)):
        name = model.__name__
        post_init.connect(_remember_tool, sender=model, dispatch_uid=f"counters-init-{name}")
        post_save.connect(changed, sender=model, dispatch_uid=f"counters-save-{name}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"counters-delete-{name}")
