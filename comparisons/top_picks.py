"""The panel's and the readers' top picks, kept on each comparison (docs/product.md, "Panel vs
crowd"), so that the list of comparisons where they differ is read from an index.

- The **panel's pick**: the tool with the highest Panel ship % (as shown, a whole percent), once
  every tool of the comparison has a scorecard; none on a tie.
- The **crowd's pick**: the tool with the most community votes, once the comparison has
  ``COMMUNITY_MIN_VOTES``; none on a tie.
- ``crowd_differs``: both picks exist and are different tools.

Each is worked out from the counters already kept on write (the tools' ship and scorecard counts,
the entries' vote counts; comparisons/counters.py): in SQL for a set of comparisons at once
(``refresh``: a scorecard, every comparison with its tool; a change of tools, the comparison), and
in Python for the one comparison a vote was cast in, in the vote's transaction (``after_vote``).
A comparison whose picks did not change is not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

from comparisons import cache_keys
from compsite import purge
from compsite.numbers import COMMUNITY_MIN_VOTES, percent

if TYPE_CHECKING:
    from comparisons.models import Comparison, Tool
    from comparisons.models.comparisons import Standing


def _entries(entry_model):
    return entry_model.objects.filter(comparison_id=OuterRef("pk")).order_by()


def _first_two(ranked, field: str) -> tuple[Subquery, Subquery]:
    return Subquery(ranked.values(field)[:1]), Subquery(ranked.values(field)[1:2])


def panel_pick(entry_model):
    """The tool whose Panel ship % is highest, alone; NULL when one of the tools has no
    scorecard yet (the panel has not weighed them all) or the first two are equal."""
    entries = _entries(entry_model)
    # numbers.percent() in SQL, as the tools' ranking index has it (models/tools.py).
    shown = ExpressionWrapper(
        (200 * F("tool__ship_count") + F("tool__scorecard_count"))
        / NullIf(2 * F("tool__scorecard_count"), 0),
        output_field=IntegerField(),
    )
    ranked = entries.annotate(shown=shown).order_by(F("shown").desc(), "position", "id")
    first, second = _first_two(ranked, "shown")
    unreviewed = Exists(entries.filter(tool__scorecard_count=0))
    return Case(
        When(~unreviewed & GreaterThan(first, second), then=_first_two(ranked, "tool_id")[0]),
        default=Value(None),
    )


def crowd_pick(entry_model):
    """The tool with the most votes, alone, once the comparison has enough of them."""
    entries = _entries(entry_model)
    ranked = entries.order_by("-vote_count", "position", "id")
    first, second = _first_two(ranked, "vote_count")
    total = Coalesce(
        Subquery(entries.annotate(n=Func(F("vote_count"), function="SUM")).values("n")[:1]), 0
    )
    return Case(
        When(
            GreaterThanOrEqual(total, COMMUNITY_MIN_VOTES) & GreaterThan(first, second),
            then=_first_two(ranked, "tool_id")[0],
        ),
        default=Value(None),
    )


def lock(comparisons) -> None:
    """Lock ``comparisons``' rows, in id order, until the transaction ends.

    Every writer that moves what the picks follow from (a vote, a scorecard, a change of tools, a
    recount) locks the comparisons concerned first, then the tools and entries: one order for
    all, so that none of them can deadlock with another (a vote locking tools, then waiting for
    the comparison an editor's save holds while it waits for the tools)."""
    list(comparisons.order_by("pk").select_for_update(of=("self",)).values_list("pk"))


def refresh(comparisons, entry_model=None) -> int:
    """Recompute the picks of ``comparisons`` (a queryset, of a migration's historical model
    too), writing only the rows that change; the number of comparisons that moved in or out of
    "panel vs crowd" is returned.

    The rows are locked first (``lock``) and the picks worked out in the next statement: whoever
    changed a count of theirs before has committed by then, so two changes at once (two verdicts
    on two tools of one comparison) cannot leave the first one's picks behind. Writers that change
    those counts lock the comparisons before they do (comparisons/counters.py), so here the lock
    is theirs already."""
    if entry_model is None:
        from comparisons.models import ComparisonEntry as entry_model
    with transaction.atomic(savepoint=False):
        lock(comparisons)
        rows = comparisons.order_by().annotate(
            new_panel=panel_pick(entry_model), new_crowd=crowd_pick(entry_model)
        )
        changed, moved = [], 0
        for pk, panel, crowd, differs, new_panel, new_crowd in rows.values_list(
            "pk", "panel_pick_id", "crowd_pick_id", "crowd_differs", "new_panel", "new_crowd"
        ).iterator(chunk_size=2000):
            new_differs = None not in (new_panel, new_crowd) and new_panel != new_crowd
            if (panel, crowd, differs) != (new_panel, new_crowd, new_differs):
                moved += differs != new_differs
                changed.append(
                    comparisons.model(
                        pk=pk,
                        panel_pick_id=new_panel,
                        crowd_pick_id=new_crowd,
                        crowd_differs=new_differs,
                    )
                )
        comparisons.model.objects.bulk_update(
            changed, ["panel_pick", "crowd_pick", "crowd_differs"], batch_size=1000
        )
    if moved:
        # The lists of disagreements gained or lost one. Those they still show carry the
        # comparisons' own keys, which a vote or a scorecard purges anyway. Coalesced: a vote
        # may cause it.
        purge.after_commit({cache_keys.PANEL_VS_CROWD}, coalesce=True)
    return moved


def _alone_first(ranked: list[tuple[int, int]]) -> int | None:
    """The first tool of ``(tool id, score)`` pairs in the editor's order, if its score is
    higher than every other's."""
    ordered = sorted(ranked, key=lambda pair: -pair[1])  # stable: ties keep the editor's order
    if len(ordered) < 2 or ordered[0][1] == ordered[1][1]:
        return None
    return ordered[0][0]


def picks_among(entries: list[tuple[int, int, int, int]]) -> tuple[int | None, int | None]:
    """``panel_pick``'s and ``crowd_pick``'s rules for one comparison's entries, given as
    ``(tool id, votes, ships, scorecards)`` in the editor's order."""
    panel = None
    if all(scorecards for *_, scorecards in entries):
        panel = _alone_first(
            [(tool, percent(ships, scorecards) or 0) for tool, _, ships, scorecards in entries]
        )
    crowd = None
    if sum(votes for _, votes, *_ in entries) >= COMMUNITY_MIN_VOTES:
        crowd = _alone_first([(tool, votes) for tool, votes, *_ in entries])
    return panel, crowd


Stored = tuple[int | None, int | None, bool | None]  # (panel pick, crowd pick, crowd differs)


def lock_for_vote(comparison_id: int) -> Stored:
    """``lock`` for the comparison a vote is cast in, reading its stored picks in the same
    statement (``after_vote`` compares them)."""
    from comparisons.models import Comparison

    return (
        Comparison.objects.filter(pk=comparison_id)
        .select_for_update(of=("self",))
        .values_list("panel_pick_id", "crowd_pick_id", "crowd_differs")
        .get()
    )


def after_vote(comparison_id: int, stored: Stored | None = None) -> None:
    """``refresh`` for the comparison a vote was cast in, worked out in Python from its two to
    four entries. Building ``refresh``'s general query costs more than all of a vote's writes
    (Django compiles it afresh each time), and a vote is the site's one hot write. Both ways are
    checked to agree (tests/comparisons/test_panel_vs_crowd.py). ``stored`` is what
    ``lock_for_vote`` read when the vote began (locked here when not given): every vote in the
    comparison waited for the one before to commit, so the counts read here are all of them."""
    from comparisons.models import Comparison, ComparisonEntry

    if stored is None:
        stored = lock_for_vote(comparison_id)
    comparison = Comparison.objects.filter(pk=comparison_id)
    entries = ComparisonEntry.objects.filter(comparison_id=comparison_id).order_by("position", "id")
    panel, crowd = picks_among(
        list(
            entries.values_list(
                "tool_id", "vote_count", "tool__ship_count", "tool__scorecard_count"
            )
        )
    )
    differs = None not in (panel, crowd) and panel != crowd
    if stored == (panel, crowd, differs):
        return
    comparison.update(panel_pick_id=panel, crowd_pick_id=crowd, crowd_differs=differs)
    if stored[2] != differs:
        purge.after_commit({cache_keys.PANEL_VS_CROWD}, coalesce=True)


def of_comparison(comparison_id: int) -> int:
    from comparisons.models import Comparison

    return refresh(Comparison.objects.filter(pk=comparison_id))


def of_tools(tool_ids) -> int:
    """Every comparison with one of these tools (a tool's Panel ship % changed)."""
    return refresh(with_tools(tool_ids))


def with_tools(tool_ids):
    """The comparisons with one of these tools."""
    from comparisons.models import Comparison, ComparisonEntry

    with_them = ComparisonEntry.objects.filter(tool_id__in=tool_ids).values("comparison_id")
    return Comparison.objects.filter(pk__in=with_them)


@dataclass(frozen=True)
class Disagreement:
    """A comparison where readers and panel pick different tools, with the numbers behind each
    side: "Panel: 3 of 4 ship A; readers: 62% pick B"."""

    comparison: Comparison
    panel: Tool  # the panel's pick
    crowd: Standing  # the readers' pick, with its votes and Community %

    @classmethod
    def of(cls, comparison: Comparison) -> Disagreement | None:
        """From the stored picks and the comparison's entries (``with_cards()`` prefetches
        them); None when the comparison is not one (its picks agree, or one is missing)."""
        if not comparison.crowd_differs:
            return None
        standings: dict[int | None, Standing] = {
            standing.tool.pk: standing for standing in comparison.standings
        }
        panel, crowd = (
            standings.get(comparison.panel_pick_id),
            standings.get(comparison.crowd_pick_id),
        )
        if panel is None or crowd is None:
            return None
        return cls(comparison, panel.tool, crowd)
