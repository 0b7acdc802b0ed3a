from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path

from editors.admin_tools import ListInputMixin, MarkdownPreviewMixin, log_changes
from newsletter import services
from newsletter.admin import edition_views as views
from newsletter.models import Delivery, Edition, EditionItem, SendProgress


class EditionItemInline(admin.TabularInline):
    model = EditionItem
    extra = 1
    fields = ["position", "comparison", "on_site"]
    readonly_fields = ["on_site"]
    autocomplete_fields = ["comparison"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("comparison")

    @admin.display(description="On the site")
    def on_site(self, item: EditionItem) -> str:
        return item.comparison.publication if item.comparison_id else "—"


def with_progress(editions: list[Edition]) -> None:
    """Give each edition its ``listed_progress``: a sent one's kept counts, the others' counted
    together in one query (none when all of them are sent)."""
    counting = [e for e in editions if not (e.status == Edition.Status.SENT and e.delivery_counts)]
    counts: dict[int, dict[str, int]] = {edition.pk: {} for edition in counting}
    if counting:
        rows = (
            Delivery.objects.filter(edition__in=counting)
            .order_by()
            .values_list("edition_id", "status")
            .annotate(count=Count("pk"))
        )
        for edition_id, status, count in rows:
            counts[edition_id][status] = count
    for edition in editions:
        if edition.pk not in counts:
            edition.listed_progress = edition.progress()  # kept: no query
            continue
        by_status = counts[edition.pk]
        edition.listed_progress = SendProgress(
            total=sum(by_status.values()),
            sent=by_status.get(Delivery.Status.SENT, 0),
            failed=by_status.get(Delivery.Status.FAILED, 0),
            skipped=by_status.get(Delivery.Status.SKIPPED, 0),
        )


@admin.register(Edition)
class EditionAdmin(ListInputMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["__str__", "week", "number", "status", "subject", "sent", "pending", "failed"]
    list_filter = ["status"]
    search_fields = ["subject", "intro"]
    date_hierarchy = "week"
    inlines = [EditionItemInline]
    markdown_fields = ("intro",)
    actions = ["send_now", "send_test", "hold", "release"]
    readonly_fields = ["number", "created_at", "updated_at", "send_started_at", "sent_at"]
    fields = [
        "week",
        "status",
        "subject",
        "intro",
        "number",
        "created_at",
        "updated_at",
        "send_started_at",
        "sent_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Said where the intro is written: copies with only some comparisons go without it.
        kwargs.setdefault(
            "help_texts",
            {
                "intro": "Markdown, shown above the comparisons to everyone who gets all of them. "
                "A subscriber whose categories leave some out gets, instead, a line naming the "
                "comparisons in their copy."
            },
        )
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        # Once it goes out it stays as subscribers got it, and its web page with it: Django then
        # shows the page read-only (the template says why) and refuses a POST. The workflow's
        # buttons (a test, hold, retry) ask for the model's permission, not this object's.
        if obj is not None and obj.has_gone_out:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.has_gone_out:
            return False  # its web page and its delivery ledger stay
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Editors draft or hold an edition; only the send moves it to sending and sent.
        if db_field.name == "status":
            kwargs["choices"] = [
                (value, label)
                for value, label in Edition.Status.choices
                if value in (Edition.Status.DRAFT, Edition.Status.HELD)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # The deliveries by status: kept on a sent edition (Edition.delivery_counts), counted for the
    # others in one query for the page (with_progress), never a join that groups every delivery
    # of every edition.
    def _progress(self, edition: Edition) -> SendProgress:
        if not hasattr(edition, "listed_progress"):
            with_progress([edition])
        return edition.listed_progress

    @admin.display(description="Sent")
    def sent(self, edition: Edition) -> int:
        return self._progress(edition).sent

    @admin.display(description="Pending")
    def pending(self, edition: Edition) -> int:
        return self._progress(edition).pending

    @admin.display(description="Failed")
    def failed(self, edition: Edition) -> int:
        return self._progress(edition).failed

    def view_on_site(self, edition: Edition):
        return edition.get_absolute_url() if edition.number else None

    # --- The workflow: pages and buttons ------------------------------------------------------

    def get_urls(self):
        def route(suffix: str, view, name: str):
            wrapped = self.admin_site.admin_view(lambda request, **kw: view(request, self, **kw))
            return path(suffix, wrapped, name=f"newsletter_edition_{name}")

        return [
            route("next/", views.prepare_next, "prepare_next"),
            route("<int:edition_id>/preview/", views.preview, "preview"),
            route("<int:edition_id>/preview/html/", views.preview_html, "preview_html"),
            route("<int:edition_id>/progress/", views.progress, "progress"),
            route("<int:edition_id>/test/", views.send_test, "send_test"),
            route("<int:edition_id>/send/", views.send, "send"),
            route("<int:edition_id>/hold/", views.hold, "hold"),
            route("<int:edition_id>/release/", views.release, "release"),
            route("<int:edition_id>/retry/", views.retry, "retry"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        if edition is not None:
            extra_context = {**(extra_context or {}), **views.panel_context(self, request, edition)}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upcoming": services.edition_next_send(),
            "can_prepare": self.has_add_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            with_progress(list(changelist.result_list))  # the rows the page then shows
        return response

    # --- Actions on the list ------------------------------------------------------------------

    @admin.action(description="Send now…", permissions=["change"])
    def send_now(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Send one edition at a time.", messages.WARNING)
            return None
        return redirect("admin:newsletter_edition_send", edition_id=queryset.get().pk)

    @admin.action(description="Send me a test", permissions=["change"])
    def send_test(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Pick one edition to test.", messages.WARNING)
            return
        views.send_test_of(self, request, queryset.get())

    @admin.action(description="Hold (it does not go out)", permissions=["change"])
    def hold(self, request, queryset) -> None:
        held = [e for e in queryset if services.edition_hold(edition_id=e.pk)]
        log_changes(self, request, held, "Held.")
        self.message_user(
            request,
            f"Held {len(held)} edition{'s' * (len(held) != 1)}: nothing more goes out until "
            "released.",
        )

    @admin.action(
        description="Release (back to draft, goes out on schedule)", permissions=["change"]
    )
    def release(self, request, queryset) -> None:
        released = [e for e in queryset if services.edition_release(edition_id=e.pk)]
        log_changes(self, request, released, "Released: back to draft.")
        self.message_user(
            request,
            f"Released {len(released)} edition{'s' * (len(released) != 1)}: back to draft, "
            "they go out on schedule.",
        )
