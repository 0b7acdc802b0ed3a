"""The panel on a comparison's tools, on the comparison's form: each reviewer's scorecard for
each chosen tool, with a link to write or edit it.

Django's admin nests no inline inside an inline (tool → scorecards), so the links open the
scorecard's own form, pre-filled with the tool and the reviewer, in the same tab; saving it
comes back to the comparison (``editors.admin_tools.ReturnToMixin``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from comparisons.models import Comparison, Tool
from reviews.models import Reviewer, Scorecard


@dataclass(frozen=True)
class Cell:
    tool: Tool
    scorecard: Scorecard | None
    url: str  # "" where the account may not write it


@dataclass(frozen=True)
class Row:
    reviewer: Reviewer
    cells: list[Cell]  # one per tool, in the comparison's order


@dataclass(frozen=True)
class Panel:
    tools: list[Tool]
    rows: list[Row]


def panel_for(request, comparison: Comparison) -> Panel | None:
    """Three queries whatever the size of the panel: the tools, the reviewers, the scorecards."""
    tools = [
        entry.tool for entry in comparison.entries.select_related("tool").order_by("position", "id")
    ]
    if not tools:
        return None
    reviewers = list(Reviewer.objects.order_by("position", "name"))
    scorecards = {
        (scorecard.tool_id, scorecard.reviewer_id): scorecard
        for scorecard in Scorecard.objects.filter(tool__in=tools)
    }
    back = urlencode({"next": reverse("admin:comparisons_comparison_change", args=[comparison.pk])})
    may_add = request.user.has_perm("reviews.add_scorecard")
    may_change = request.user.has_perm("reviews.change_scorecard")

    def cell(tool: Tool, reviewer: Reviewer) -> Cell:
        scorecard = scorecards.get((tool.pk, reviewer.pk))
        if scorecard is not None:
            url = reverse("admin:reviews_scorecard_change", args=[scorecard.pk]) + f"?{back}"
            return Cell(tool, scorecard, url if may_change else "")
        prefill = urlencode({"tool": tool.pk, "reviewer": reviewer.pk})
        url = reverse("admin:reviews_scorecard_add") + f"?{prefill}&{back}"
        return Cell(tool, None, url if may_add else "")

    rows = [Row(reviewer, [cell(tool, reviewer) for tool in tools]) for reviewer in reviewers]
    return Panel(tools, rows)
