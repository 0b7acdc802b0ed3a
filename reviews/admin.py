from django.contrib import admin

from compsite.counting import LargeListMixin
from editors.admin_tools import ListInputMixin, MarkdownPreviewMixin, ReturnToMixin
from reviews.models import Reviewer, Scorecard


@admin.register(Reviewer)
class ReviewerAdmin(ListInputMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    markdown_fields = ("bio",)
    list_display = ["name", "lens", "question", "ship_rate_display", "position", "is_persona"]
    list_filter = ["lens", "is_persona"]
    search_fields = ["name", "question", "bio"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("position", "name")

    @admin.display(description="Ship rate", ordering="ship_count")
    def ship_rate_display(self, reviewer: Reviewer) -> str:
        value = reviewer.ship_rate
        return "—" if value is None else f"{value}% of {reviewer.scorecard_count}"


@admin.register(Scorecard)
class ScorecardAdmin(ReturnToMixin, LargeListMixin, ListInputMixin, admin.ModelAdmin):
    """A scorecard per reviewer and tool: 200,000 at 50,000 tools, so no full count. Opened from
    a comparison's form (pre-filled with tool and reviewer), saving goes back to it."""

    list_display = ["tool", "reviewer", "verdict", "updated_at"]
    list_filter = ["verdict", "reviewer", "tool__category"]
    search_fields = ["tool__name", "reviewer__name", "quote"]
    list_select_related = ["tool", "reviewer"]
    autocomplete_fields = ["tool", "reviewer"]
