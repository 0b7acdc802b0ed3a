from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.models import Comparison, Tool
from comparisons.views.pagination import CARDS_PAGE_SIZE, page_of
from compsite import http_cache

ALTERNATIVES = 6


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.TOOLS])
def tool_list(request: HttpRequest) -> HttpResponse:
    tools = (
        Tool.objects.published()
        .select_related("category")
        .prefetch_related("pricing_tiers")
        .by_name()
    )
    page = page_of(request, tools)
    response = render(request, "comparisons/tool_list.html", {"page": page})
    return http_cache.tag(response, cache_keys.tool_cards(page))


@require_safe
@http_cache.shared(http_cache.DETAIL)
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The tool's profile; its comparisons have pages of their own (``?comparisons_page=``)."""
    tool = get_object_or_404(Tool.objects.published().with_profile(), slug=slug)
    comparisons = Comparison.objects.published().with_tool(tool).latest_first().with_cards()
    context = {
        "tool": tool,
        "comparisons_page": page_of(
            request, comparisons, per_page=CARDS_PAGE_SIZE, param="comparisons_page"
        ),
        "alternatives": list(tool.alternatives()[:ALTERNATIVES]),
    }
    response = render(request, "comparisons/tool_detail.html", context)
    return http_cache.tag(
        response,
        cache_keys.tool_cards([tool, *context["alternatives"]]),
        cache_keys.tool_comparisons(tool.pk),
        cache_keys.category_lists(tool.category_id),
        cache_keys.PANEL,
        cache_keys.comparison_cards(context["comparisons_page"]),
    )
