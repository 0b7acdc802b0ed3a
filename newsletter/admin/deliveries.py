from django.contrib import admin

from compsite.counting import LargeListMixin
from editors.admin_tools import ListInputMixin, log_changes
from newsletter import services
from newsletter.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(LargeListMixin, ListInputMixin, admin.ModelAdmin):
    """The send ledger: read-only, except that failed deliveries can be sent again.

    Ten million rows: newest first (the primary key), an edition's deliveries of one status off
    ``delivery_edition_status``, the search by the subscriber's address through their trigram
    index, totals estimated (``LargeListMixin``); no sorting by other columns, and the error text
    is not searched (no index could serve it; an edition's failed ones are one filter away).
    """

    list_display = ["edition", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "edition"]
    search_fields = ["subscriber__email"]
    search_help_text = "Any part of the subscriber's address, at least three characters."
    sortable_by = []
    list_select_related = ["edition", "subscriber"]
    actions = ["retry"]
    fields = [
        "edition",
        "subscriber",
        "status",
        "attempts",
        "error",
        "created_at",
        "queued_at",
        "sent_at",
        "esp_message_id",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # plain names: both types allow them

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Retry the selected failed deliveries", permissions=["change"])
    def retry(self, request, queryset) -> None:
        failed = list(queryset.filter(status=Delivery.Status.FAILED))
        queued = set(services.deliveries_retry(delivery_ids=[delivery.pk for delivery in failed]))
        log_changes(self, request, [d for d in failed if d.pk in queued], "Sent again.")
        message = f"Sending {len(queued)} failed deliver{'ies' if len(queued) != 1 else 'y'} again."
        if waiting := len(failed) - len(queued):
            message += f" {waiting} belong to a held edition: release it to send them."
        self.message_user(request, message)
