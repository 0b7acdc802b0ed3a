"""The catalogue's sections of the editors' dashboard (editors/dashboard.py): drafts, what is
scheduled, prices to check again and published tools the panel has not reviewed."""

from django.utils import timezone
from django.utils.formats import date_format

from comparisons.admin.comparisons import publication_time
from comparisons.models import Comparison, Tool
from compsite.freshness import STALE_AFTER_DAYS, PriceCheck
from editors.dashboard import Section, register


def _edited(obj) -> str:
    return f"edited {date_format(timezone.localtime(obj.updated_at), 'j M Y')}"


def _checked(tool: Tool) -> str:
    check = PriceCheck.of(tool.prices_checked)
    assert check is not None  # prices_stale() lists dated checks only
    return f"checked {date_format(check.checked, 'j M Y')} ({check.age})"


register(
    Section(
        title="Draft comparisons",
        model=Comparison,
        rows=lambda: Comparison.objects.drafts(),
        filters=lambda: {"publication": "draft"},
        detail=_edited,
        order=10,
    )
)
register(
    Section(
        title="Draft tools",
        model=Tool,
        # Newest first off the partial index of unpublished tools (``tool_unpublished``).
        rows=lambda: Tool.objects.filter(is_published=False).order_by("-id"),
        filters=lambda: {"is_published__exact": "0"},
        detail=_edited,
        order=20,
    )
)
register(
    Section(
        title="Scheduled comparisons",
        model=Comparison,
        rows=lambda: Comparison.objects.scheduled_soonest(),
        filters=lambda: {"publication": "scheduled"},
        detail=lambda comparison: f"appears {publication_time(comparison)}",
        empty="Nothing scheduled.",
        order=30,
    )
)
register(
    Section(
        title=f"Tools with prices checked over {STALE_AFTER_DAYS} days ago",
        model=Tool,
        rows=lambda: Tool.objects.prices_stale(),
        filters=lambda: {"is_published__exact": "1", "prices": "stale"},
        detail=_checked,
        empty="Every published tool's prices are recent.",
        order=40,
    )
)
register(
    Section(
        title="Published tools without scorecards",
        model=Tool,
        rows=lambda: Tool.objects.unreviewed(),
        filters=lambda: {"is_published__exact": "1", "reviewed": "no"},
        empty="The panel has reviewed every published tool.",
        order=50,
    )
)
