from django.contrib import admin

from comparisons.models import Vote
from editors.admin_tools import ListInputMixin


@admin.register(Vote)
class VoteAdmin(ListInputMixin, admin.ModelAdmin):
    """Readers' votes, to look at only: the per-tool counts live on the comparison's entries and
    change with each vote, so a hand-made, edited or removed row would make them lie."""

    list_display = ["comparison", "tool", "created_at", "updated_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["comparison__title", "tool__name"]
    list_select_related = ["comparison", "tool"]
    date_hierarchy = "created_at"
    # The reader is stored only as a keyed hash; even that is nobody's business here.
    fields = ["comparison", "tool", "created_at", "updated_at"]
    readonly_fields = fields
    actions = None  # not even "delete selected"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
