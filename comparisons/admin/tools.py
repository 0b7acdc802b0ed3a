from django.contrib import admin

from comparisons.models import Category, PricingTier, Tool
from comparisons.models.tools import PANEL_PERCENT
from compsite.counting import LargeListMixin
from compsite.freshness import STALE_AFTER_DAYS, stale_before
from compsite.numbers import NOT_REVIEWED
from editors.admin_tools import ListInputMixin, MarkdownPreviewMixin
from reviews.models import Scorecard


@admin.register(Category)
class CategoryAdmin(ListInputMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class PricingTierInline(admin.TabularInline):
    model = PricingTier
    extra = 1
    fields = ["position", "name", "price", "unit", "note"]


class ScorecardInline(admin.StackedInline):
    model = Scorecard
    extra = 0
    fields = ["reviewer", "verdict", "quote"]
    # The reviewer is a plain list, not a search box: the panel is small enough to show whole.


class PricesCheckedFilter(admin.SimpleListFilter):
    """When the tiers were last checked: the dashboard's "prices checked over 90 days ago"."""

    title = "prices checked"
    parameter_name = "prices"

    def lookups(self, request, model_admin):
        return [
            ("stale", f"Over {STALE_AFTER_DAYS} days ago"),
            ("recent", f"In the last {STALE_AFTER_DAYS} days"),
            ("never", "Never"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "stale":
                return queryset.filter(prices_checked__lt=stale_before())
            case "recent":
                return queryset.filter(prices_checked__gte=stale_before())
            case "never":
                return queryset.filter(prices_checked__isnull=True)
        return queryset


class ReviewedFilter(admin.SimpleListFilter):
    """Whether the panel has written any scorecard on it (the counter kept on the row)."""

    title = "panel"
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return [("no", NOT_REVIEWED), ("yes", "Reviewed")]

    def queryset(self, request, queryset):
        match self.value():
            case "no":
                return queryset.filter(scorecard_count=0)
            case "yes":
                return queryset.filter(scorecard_count__gt=0)
        return queryset


@admin.register(Tool)
class ToolAdmin(LargeListMixin, ListInputMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["name", "category", "vendor", "entry", "panel", "scorecards", "is_published"]
    list_filter = ["category", "is_published", PricesCheckedFilter, ReviewedFilter]
    search_fields = ["name", "vendor", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PricingTierInline, ScorecardInline]
    # A new tool is a draft (the model's default, so the form's box starts unticked).
    actions = ["publish", "unpublish"]
    markdown_fields = ("description",)
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "vendor", "tagline", "is_published"]}),
        (
            "Details",
            {
                "fields": [
                    "description",
                    "website",
                    "licence",
                    "operating_systems",
                    "prices_checked",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The counts behind Panel ship % are columns on the row (comparisons/counters.py).
        tools = super().get_queryset(request)
        return tools.order_by("name", "pk").prefetch_related("pricing_tiers")

    @admin.action(description="Publish", permissions=["change"])
    def publish(self, request, queryset) -> None:
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool) -> None:
        # One save each, not update(): saving sends the signals that purge the tools' pages.
        changed = [tool for tool in queryset if tool.is_published != published]
        for tool in changed:
            tool.is_published = published
            tool.save(update_fields=["is_published", "updated_at"])
        state = "published" if published else "back to draft"
        self.message_user(
            request, f"{len(changed)} tool{'s' if len(changed) != 1 else ''} {state}."
        )

    @admin.display(description="Entry")
    def entry(self, tool: Tool) -> str:
        return tool.entry_price

    @admin.display(description="Panel ship %", ordering=PANEL_PERCENT)
    def panel(self, tool: Tool) -> str:
        value = tool.panel_ship_percent
        return "—" if value is None else f"{value}%"

    @admin.display(description="Scorecards", ordering="scorecard_count")
    def scorecards(self, tool: Tool) -> int:
        return tool.scorecard_count
