"""The editors' dashboard on the admin index: what needs doing, a section per kind of work.

Each app says what its sections are in a ``dashboard`` module (found as the admin finds
``admin`` modules: ``editors.sites``), registering a ``Section``: a queryset of the rows, the
changelist filters that list the same rows, and what to say about each row. This module knows
no app's models: the apps import it, never the other way round.

Every section costs the same few queries however many rows match: a count (exact while small,
the planner's estimate above ``compsite.counting.EXACT_UP_TO``) and the first ``ROWS`` rows.
Each section's queryset must be served by an index (tests/editors/test_dashboard.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import reverse

from compsite.counting import Tally, tally

ROWS = 10


@dataclass(frozen=True)
class Section:
    """One kind of work: ``rows()`` in the order the dashboard lists them."""

    title: str
    model: type[Model]
    rows: Callable[[], QuerySet]
    # The changelist's own query string for the same rows (its list filters).
    filters: Callable[[], dict[str, str]] = dict
    # A few words beside each row (its time, its date, its error); "" for none.
    detail: Callable[[Any], str] = lambda obj: ""  # called with a row of ``model``
    empty: str = "None."
    order: int = 100


@dataclass(frozen=True)
class Row:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class ShownSection:
    title: str
    count: Tally
    rows: list[Row]
    see_all: str
    empty: str
    slug: str  # the id its "See all" link is described by


_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    _SECTIONS.append(section)
    _SECTIONS.sort(key=lambda known: known.order)
    return section


def sections_for(request, site) -> list[ShownSection]:
    """The sections whose rows the signed-in account may view, with their counts and first rows."""
    shown = []
    for number, section in enumerate(_SECTIONS):
        model_admin = site._registry.get(section.model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        opts = section.model._meta
        queryset = section.rows()
        rows = [
            Row(
                str(obj),
                section.detail(obj),
                reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            )
            for obj in queryset[:ROWS]
        ]
        changelist = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
        query = urlencode(section.filters())
        shown.append(
            ShownSection(
                title=section.title,
                count=tally(queryset),
                rows=rows,
                see_all=f"{changelist}?{query}" if query else changelist,
                empty=section.empty,
                slug=f"dashboard-{number}",
            )
        )
    return shown
