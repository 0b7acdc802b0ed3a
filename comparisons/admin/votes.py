from django.contrib import admin
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from comparisons.models import Comparison, Tool, Vote
from compsite.counting import LargeListMixin
from editors.admin_tools import ListInputMixin

# A search word that matches more comparisons or tools than this is looked up by subquery
# rather than by a list of their ids (it matches so many votes that a page fills at once).
MATCHES_LISTED = 1000


@admin.register(Vote)
class VoteAdmin(LargeListMixin, ListInputMixin, admin.ModelAdmin):
    """Readers' votes, to look at only: the per-tool counts live on the comparison's entries and
    change with each vote, so a hand-made, edited or removed row would make them lie.

    Ten million rows: newest first (the primary key), the date filter on the index of
    ``created_at``, totals estimated (``LargeListMixin``), no date hierarchy (it groups every
    row by date) and no sorting by other columns. The search finds the comparisons and tools
    first, then their votes by index (``get_search_results``).
    """

    list_display = ["comparison", "tool", "created_at", "updated_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["comparison__title", "tool__name"]
    search_help_text = "Words of the comparison's title or the tool's name."
    sortable_by = []
    list_select_related = ["comparison", "tool"]
    # The reader is stored only as a keyed hash; even that is nobody's business here.
    fields = ["comparison", "tool", "created_at", "updated_at"]
    readonly_fields = fields  # type: ignore[assignment]  # plain names: both types allow them
    actions = None  # not even "delete selected"

    def get_search_results(self, request, queryset, search_term):
        """Each word in the comparison's title or the tool's name, as Django's search would, but
        as ``comparison_id IN (…) OR tool_id IN (…)`` on the votes' indexes rather than a join
        of every vote with both tables filtered afterwards."""
        for word in smart_split(search_term):
            if word[:1] in "\"'" and word[-1:] == word[:1]:
                word = unescape_string_literal(word)
            comparisons = _matching(Comparison.objects.filter(title__icontains=word))
            tools = _matching(Tool.objects.filter(name__icontains=word))
            queryset = queryset.filter(Q(comparison__in=comparisons) | Q(tool__in=tools))
        return queryset, False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _matching(queryset):
    """The ids of ``queryset``'s rows: a list when there are a few (Postgres reads each one's
    votes off an index), else the subquery itself."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MATCHES_LISTED + 1])
    return ids if len(ids) <= MATCHES_LISTED else queryset.values("pk")
