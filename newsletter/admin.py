"""Basic admin for the newsletter; the editors' edition workflow is its own issue."""

from django.contrib import admin
from django.db.models import Count, Q

from newsletter.models import Delivery, Edition, EditionItem, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "interests"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    filter_horizontal = ["interests"]
    readonly_fields = [
        "created_at",
        "confirmation_requested_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]


class EditionItemInline(admin.TabularInline):
    model = EditionItem
    extra = 1
    fields = ["position", "comparison"]
    autocomplete_fields = ["comparison"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "week", "number", "status", "subject", "sent", "pending", "failed"]
    list_filter = ["status"]
    search_fields = ["subject", "intro"]
    date_hierarchy = "week"
    inlines = [EditionItemInline]
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

    def get_readonly_fields(self, request, obj=None):
        # Editors draft or hold an edition; only the send moves it to sending and sent.
        if obj is not None and obj.status in (Edition.Status.SENDING, Edition.Status.SENT):
            return [*self.readonly_fields, "week", "status"]
        return self.readonly_fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["choices"] = [
                (value, label)
                for value, label in Edition.Status.choices
                if value in (Edition.Status.DRAFT, Edition.Status.HELD)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        counts = {
            f"{status}_count": Count("deliveries", filter=Q(deliveries__status=status))
            for status in ("sent", "pending", "failed")
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="Sent", ordering="sent_count")
    def sent(self, edition: Edition) -> int:
        return edition.sent_count

    @admin.display(description="Pending", ordering="pending_count")
    def pending(self, edition: Edition) -> int:
        return edition.pending_count

    @admin.display(description="Failed", ordering="failed_count")
    def failed(self, edition: Edition) -> int:
        return edition.failed_count

    def view_on_site(self, edition: Edition):
        return edition.get_absolute_url() if edition.number else None


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["edition", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "edition"]
    search_fields = ["subscriber__email", "error"]
    list_select_related = ["edition", "subscriber"]
    raw_id_fields = ["edition", "subscriber"]
    readonly_fields = [
        "edition",
        "subscriber",
        "status",
        "attempts",
        "error",
        "created_at",
        "queued_at",
        "sent_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
