from django.contrib import admin

from compsite.counting import LargeListMixin
from editors.admin_tools import ListInputMixin
from newsletter.models import MailEvent


@admin.register(MailEvent)
class MailEventAdmin(LargeListMixin, ListInputMixin, admin.ModelAdmin):
    """Every bounce and complaint the mail reported, newest first: read-only, the history
    behind a subscriber's "bounced" or "complained"."""

    list_display = ["received_at", "kind", "recipient", "source", "reason", "subscriber"]
    list_filter = ["kind", "source"]
    search_fields = ["recipient"]
    search_help_text = "Any part of the address."
    sortable_by = []
    list_select_related = ["subscriber"]
    fields = ["kind", "source", "key", "recipient", "subscriber", "reason", "occurred_at"]
    fields += ["received_at"]
    readonly_fields = fields  # type: ignore[assignment]  # plain names: both types allow them

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
