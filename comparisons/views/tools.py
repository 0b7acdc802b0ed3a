from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons.models import Comparison, Tool
from comparisons.views.pagination import CARDS_PAGE_SIZE, page_of
from compsite import pagecache

ALTERNATIVES = 6


@require_safe
def tool_list(request: HttpRequest) -> HttpResponse:
    tools = (
        Tool.objects.published()
        .select_related("category")
        .prefetch_related("pricing_tiers")
        .by_name()
    )
    return render(request, "comparisons/tool_list.html", {"page": page_of(request, tools)})


@require_safe
@pagecache.shared_page(
    name=lambda slug: f"tool:{slug}", versions=lambda slug: [pagecache.CONTENT, "votes"]
)
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The tool's profile; its comparisons have pages of their own (``?comparisons_page=``)."""
    tool = get_object_or_404(Tool.objects.published().with_profile(), slug=slug)
    comparisons = Comparison.objects.published().with_tool(tool).latest_first().with_cards()
    context = {
        "tool": tool,
        "comparisons_page": page_of(
            request, comparisons, per_page=CARDS_PAGE_SIZE, param="comparisons_page"
        ),
        "alternatives": tool.alternatives()[:ALTERNATIVES],
    }
    return render(request, "comparisons/tool_detail.html", context)
