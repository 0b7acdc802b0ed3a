from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from comparisons.models import (
    MAX_TOOLS,
    MIN_TOOLS,
    Category,
    Comparison,
    ComparisonEntry,
    ComparisonRedirect,
    PricingTier,
    Tool,
    comparison_slug,
)
from comparisons.numbers import percent
from reviews.models import Scorecard


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ["reviewer"]


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "vendor", "entry", "panel", "scorecards", "is_published"]
    list_filter = ["category", "is_published"]
    search_fields = ["name", "vendor", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PricingTierInline, ScorecardInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "vendor", "tagline", "is_published"]}),
        ("Details", {"fields": ["description", "website", "licence", "prices_checked"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_panel_counts().prefetch_related("pricing_tiers")

    @admin.display(description="Entry")
    def entry(self, tool: Tool) -> str:
        return tool.entry_price

    @admin.display(description="Panel ship %", ordering="ship_count")
    def panel(self, tool: Tool) -> str:
        value = tool.panel_ship_percent
        return "—" if value is None else f"{value}%"

    @admin.display(description="Scorecards", ordering="scorecard_count")
    def scorecards(self, tool: Tool) -> int:
        return tool.scorecard_count


class EntryFormSet(BaseInlineFormSet):
    """A comparison holds 2 to 4 different tools, and no two comparisons hold the same set."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        tools = [
            form.cleaned_data["tool"]
            for form in self.forms
            if form.cleaned_data.get("tool") and not form.cleaned_data.get("DELETE")
        ]
        if len(set(tools)) != len(tools):
            raise ValidationError("Each tool can appear only once in a comparison.")
        if not MIN_TOOLS <= len(tools) <= MAX_TOOLS:
            raise ValidationError(
                f"A comparison holds {MIN_TOOLS} to {MAX_TOOLS} tools; this one has {len(tools)}."
            )
        slug = comparison_slug([tool.slug for tool in tools])
        clash = Comparison.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if clash:
            raise ValidationError(
                f"“{clash}” already compares exactly these tools: edit that one instead."
            )


class ComparisonEntryInline(admin.TabularInline):
    model = ComparisonEntry
    formset = EntryFormSet
    extra = 2
    max_num = MAX_TOOLS
    fields = ["position", "tool"]
    autocomplete_fields = ["tool"]


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "kind", "published_at", "panel", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "slug", "intro"]
    date_hierarchy = "published_at"
    readonly_fields = ["slug", "title", "created_at", "updated_at"]
    inlines = [ComparisonEntryInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "published_at"]}),
        ("Content (markdown)", {"fields": ["intro", "pricing_read", "verdict"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_cards()

    @admin.display(description="Panel ship % per tool")
    def panel(self, comparison: Comparison) -> str:
        parts = []
        for tool in comparison.ordered_tools:
            value = percent(tool.ship_count, tool.scorecard_count)
            parts.append(f"{tool.name} {'—' if value is None else f'{value}%'}")
        return " · ".join(parts)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.refresh_identity()

    def view_on_site(self, comparison: Comparison):
        return comparison.get_absolute_url() if comparison.slug else None


@admin.register(ComparisonRedirect)
class ComparisonRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "comparison", "created_at"]
    search_fields = ["old_slug"]
    list_select_related = ["comparison"]
