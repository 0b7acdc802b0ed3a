from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format

from comparisons.admin import scorecard_links
from comparisons.models import (
    MAX_TOOLS,
    MIN_TOOLS,
    Comparison,
    ComparisonEntry,
    ComparisonRedirect,
    comparison_slug,
)
from compsite.numbers import percent
from editors.admin_tools import ListInputMixin, MarkdownPreviewMixin, log_changes


class EntryForm(forms.ModelForm):
    class Meta:
        model = ComparisonEntry
        fields = ["position", "tool"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the formset numbers it after the others (EntryFormSet.number_blank_rows).
        self.fields["position"].required = False


class EntryFormSet(BaseInlineFormSet):
    """A comparison holds 2 to 4 different tools, and no two comparisons hold the same set."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        self.number_blank_rows()
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

    def number_blank_rows(self) -> None:
        """A tool whose position was left empty goes after the numbered ones, in form order."""
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("tool") and not form.cleaned_data.get("DELETE")
        ]
        last = max((f.cleaned_data["position"] or 0 for f in kept), default=0)
        for form in kept:
            if form.cleaned_data.get("position") is None:
                last += 1
                form.cleaned_data["position"] = form.instance.position = last


def next_positions(comparison: Comparison | None) -> list[dict[str, int]]:
    """The initial positions of the blank rows: 1, 2, 3… on a new comparison, and after the
    last tool's on one that has tools."""
    last = 0
    if comparison is not None and comparison.pk:
        last = max((entry.position for entry in comparison.entries.all()), default=0)
    return [{"position": last + number} for number in range(1, MAX_TOOLS + 1)]


class ComparisonEntryInline(admin.TabularInline):
    model = ComparisonEntry
    form = EntryForm
    formset = EntryFormSet
    # As many blank rows as it may hold tools, each numbered (next_positions): no "Add another"
    # row, whose copy could not be numbered without a script of our own. Blank rows are ignored.
    extra = MAX_TOOLS
    max_num = MAX_TOOLS
    fields = ["position", "tool"]
    autocomplete_fields = ["tool"]


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Comparison.Status.DRAFT)
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


def publication_time(comparison: Comparison) -> str:
    """When it is (or was) published, with the time zone: "2 Mar 2026, 15:00 UTC"."""
    return date_format(timezone.localtime(comparison.published_at), "j M Y, H:i T")


@admin.register(Comparison)
class ComparisonAdmin(ListInputMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["__str__", "publication", "kind", "published_at", "panel", "votes"]
    list_filter = [PublicationFilter, "kind"]
    search_fields = ["title", "slug", "intro"]
    date_hierarchy = "published_at"
    readonly_fields = ["slug", "title", "created_at", "updated_at"]
    inlines = [ComparisonEntryInline]
    actions = ["publish", "unpublish"]
    markdown_fields = ("intro", "pricing_read", "verdict")
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", "kind", "status", "published_at"],
                "description": "Published with a time in the future: it appears on the site "
                "by itself at that time. Drafts are visible to editors only (View on site).",
            },
        ),
        ("Content (markdown)", {"fields": ["intro", "pricing_read", "verdict"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_cards()

    @admin.display(description="Status")
    def publication(self, comparison: Comparison) -> str:
        label = comparison.publication
        return f"Scheduled for {publication_time(comparison)}" if label == "Scheduled" else label

    @admin.display(description="Panel ship % per tool")
    def panel(self, comparison: Comparison) -> str:
        parts = []
        for tool in comparison.ordered_tools:
            value = percent(tool.ship_count, tool.scorecard_count)
            parts.append(f"{tool.name} {'—' if value is None else f'{value}%'}")
        return " · ".join(parts)

    @admin.display(description="Votes")
    def votes(self, comparison: Comparison) -> int:
        return comparison.vote_total

    @admin.action(description="Publish (scheduled ones keep their time)", permissions=["change"])
    def publish(self, request, queryset) -> None:
        drafts = [c for c in queryset if c.status == Comparison.Status.DRAFT]
        ready = [comparison for comparison in drafts if comparison.slug]
        for comparison in ready:
            comparison.publish()  # saving moves the page cache on (comparisons/signals.py)
        log_changes(self, request, ready, "Published.")
        live = sum(comparison.is_live for comparison in ready)
        if live:
            self.message_user(request, f"Published {live} comparison{'s' * (live != 1)}.")
        for comparison in ready:
            if not comparison.is_live:
                self.message_user(
                    request,
                    f"“{comparison}” is scheduled: it appears on {publication_time(comparison)}.",
                )
        if skipped := len(drafts) - len(ready):
            self.message_user(
                request,
                f"{skipped} draft{'s have' if skipped != 1 else ' has'} no tools yet "
                "and stayed a draft.",
                messages.WARNING,
            )
        if not drafts:
            self.message_user(request, "Nothing to do: those are published already.")

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        changed = [c for c in queryset if c.status == Comparison.Status.PUBLISHED]
        for comparison in changed:
            comparison.unpublish()
        log_changes(self, request, changed, "Unpublished: back to draft.")
        self.message_user(
            request,
            f"{len(changed)} comparison{'s' * (len(changed) != 1)} back to draft: "
            "readers no longer see them.",
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ComparisonEntryInline):
            # The same on GET and POST: a blank row is one still showing its initial position.
            kwargs["initial"] = next_positions(obj)
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comparison = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "panel": scorecard_links.panel_for(request, comparison) if comparison else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_delete_form(self, request, context):
        # Votes are readers' own: deleting a comparison deletes them for good. Unpublishing
        # takes it off the site and keeps them (the confirmation page says so, and offers it).
        comparison = context["object"]
        context["votes"] = comparison.entries.aggregate(total=Sum("vote_count"))["total"] or 0
        context["can_unpublish"] = (
            comparison.status == Comparison.Status.PUBLISHED
            and self.has_change_permission(request, comparison)
        )
        return super().render_delete_form(request, context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.refresh_identity()

    def view_on_site(self, comparison: Comparison):
        # Editors are staff: a draft opens as a private preview with a "Draft preview" banner.
        return comparison.get_absolute_url() if comparison.slug else None


@admin.register(ComparisonRedirect)
class ComparisonRedirectAdmin(ListInputMixin, admin.ModelAdmin):
    list_display = ["old_slug", "comparison", "created_at"]
    search_fields = ["old_slug"]
    list_select_related = ["comparison"]
    autocomplete_fields = ["comparison"]
