from django.contrib import admin

from editors.admin_tools import ListInputMixin, log_changes
from editors.csv_export import csv_download
from newsletter import services
from newsletter.models import Subscriber


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


@admin.register(Subscriber)
class SubscriberAdmin(ListInputMixin, admin.ModelAdmin):
    """Readers on the list. Their status changes only through their own links and the
    unsubscribe action here: nobody is confirmed by hand (double opt-in)."""

    list_display = ["email", "status", "interest_list", "created_at", "confirmed_at"]
    list_filter = ["status", "interests"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    filter_horizontal = ["interests"]
    actions = ["export_csv", "unsubscribe"]
    fields = [
        "email",
        "status",
        "interests",
        "created_at",
        "confirmation_requested_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    readonly_fields = [field for field in fields if field != "interests"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("interests")

    @admin.display(description="Interests")
    def interest_list(self, subscriber: Subscriber) -> str:
        return ", ".join(category.name for category in subscriber.interests.all()) or "Everything"

    def changelist_view(self, request, extra_context=None):
        counts = Subscriber.objects.status_counts()
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in Subscriber.Status.choices
            ],
            "subscriber_total": sum(counts.values()),
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description="Export the selected subscribers as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            "email",
            "status",
            "interests",
            "signed up",
            "confirmed",
            "unsubscribed",
        ]
        rows = (
            [
                subscriber.email,
                subscriber.status,
                "; ".join(category.name for category in subscriber.interests.all()),
                _iso(subscriber.created_at),
                _iso(subscriber.confirmed_at),
                _iso(subscriber.unsubscribed_at),
            ]
            for subscriber in queryset.order_by("email").iterator(chunk_size=2000)
        )
        return csv_download("subscribers.csv", header, rows)

    @admin.action(description="Unsubscribe the selected subscribers", permissions=["change"])
    def unsubscribe(self, request, queryset) -> None:
        leaving = list(queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED))
        for subscriber in leaving:
            services.subscriber_unsubscribe(subscriber_id=subscriber.pk)
        log_changes(self, request, leaving, "Unsubscribed by an editor.")
        self.message_user(
            request,
            f"Unsubscribed {len(leaving)} subscriber{'s' * (len(leaving) != 1)}; "
            "they get no more editions.",
        )
