"""Counting rows in the admin without counting millions of them.

A ``COUNT(*)`` reads every row it counts: at a million subscribers or ten million deliveries that
is seconds per page. Postgres' planner already knows about how many rows a query returns (from
``ANALYZE``'s statistics, kept fresh by autovacuum), so above ``EXACT_UP_TO`` rows, as the planner
guesses them, the admin shows its estimate instead, labelled as one ("about 1,000,000"). Below
that, and on other databases (SQLite for ``make run``), it counts: a small count is cheap and
exact.

- ``tally(queryset)``: the count, exact or estimated (``Tally``);
- ``EstimatingPaginator``: a changelist paginator whose ``count`` is a ``tally``;
- ``LargeListMixin``: a ModelAdmin with that paginator, no full count and the list's wording
  ("about 1,000,000 subscribers", "Select all about …") when the count is an estimate.

An estimate can be off by a few percent, more for a search the statistics know little about. A
list paginated on an estimate may end early or show an empty last page; editors narrow it with
its filters and search, which are indexed, long before that matters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows (as the planner guesses) a count is exact: reading that many index
# entries or rows takes Postgres a few milliseconds.
EXACT_UP_TO = 20_000


@dataclass(frozen=True)
class Tally:
    """A number of rows, and whether it is the planner's estimate rather than a count."""

    value: int
    estimated: bool = False

    @property
    def number(self) -> str:
        """The number alone, with thousands separated: "1,000,000"."""
        return f"{self.value:,}"

    def __str__(self) -> str:
        return f"about {self.number}" if self.estimated else self.number

    def __int__(self) -> int:
        return self.value

    def __float__(self) -> float:  # the pluralize filter compares float(value) with 1
        return float(self.value)


def planned_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns; None where there is no planner
    to ask (any database but Postgres)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    if queryset.query.is_empty():
        return 0
    # Django sends nothing for a query it knows matches nothing (an ``__in`` an empty list):
    # there is no plan then, and no rows.
    explained = queryset.order_by().explain(format="json")
    if not explained:
        return 0
    return max(int(json.loads(explained)[0]["Plan"]["Plan Rows"]), 0)


def tally(queryset: QuerySet, *, exact_up_to: int | None = None) -> Tally:
    """How many rows ``queryset`` holds: counted when few, else the planner's estimate."""
    limit = EXACT_UP_TO if exact_up_to is None else exact_up_to
    planned = planned_rows(queryset)
    if planned is None or planned <= limit:
        return Tally(queryset.count())
    return Tally(planned, estimated=True)


class EstimatingPaginator(Paginator):
    """Django's paginator, counting with ``tally``: exact for small results, estimated above."""

    object_list: QuerySet

    @cached_property
    def tally(self) -> Tally:
        return tally(self.object_list)

    @cached_property
    def count(self) -> int:
        return self.tally.value

    @property
    def estimated(self) -> bool:
        return self.tally.estimated


class LargeListMixin:
    """For a ModelAdmin whose table grows to millions of rows: no count of the whole table, an
    estimated count of the filtered list when it is large (``admin/pagination.html``,
    ``admin/search_form.html`` and ``admin/actions.html`` say "about" then)."""

    paginator: type[Paginator] = EstimatingPaginator
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        changelist = context.get("cl") if context else None
        paginator = getattr(changelist, "paginator", None)
        if isinstance(paginator, EstimatingPaginator) and paginator.estimated:
            context["selection_note_all"] = f"All {paginator.tally} selected"
        return response


def fields_an_edit_saves(instance, kept_on_write: Iterable[str]) -> list[str]:
    """``update_fields`` for saving an edit of a loaded row: every loaded field but the key, the
    generated ones and the counters kept on write (``kept_on_write``), which the database moves
    while the row sits in memory: writing back the loaded value would undo those moves."""
    kept = set(kept_on_write)
    return [
        field.name
        for field in instance._meta.concrete_fields
        if not field.primary_key
        and not field.generated
        and field.name not in kept
        and field.attname in instance.__dict__
    ]
