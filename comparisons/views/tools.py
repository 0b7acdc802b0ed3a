from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons import cache_keys, listing, tool_filters
from comparisons.models import Comparison, Tool
from comparisons.tool_filters import ToolFilters
from compsite import http_cache
from compsite.freshness import PriceCheck, earliest_change
from compsite.pagination import CARDS_PAGE_SIZE, page_of

ALTERNATIVES = 6


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.TOOLS])
def tool_list(request: HttpRequest) -> HttpResponse:
    """Published tools, filtered and sorted by links (comparisons/tool_filters.py), 24 a page."""
    filters = ToolFilters.from_request(request)
    tools = filters.apply(
        Tool.objects.published().select_related("category").prefetch_related("pricing_tiers")
    )
    context: dict[str, Any] = {
        "page": page_of(request, tools),
        "filters": filters,
        "categories": listing.categories_with_tools(filters.category),
        "licences": tool_filters.LICENCES,
        "prices": tool_filters.PRICES,
        "sorts": tool_filters.SORTS,
    }
    response = render(request, "comparisons/tool_list.html", context)
    return http_cache.tag(response, cache_keys.tool_cards(context["page"]), context["categories"])


@require_safe
@http_cache.shared(http_cache.DETAIL)
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The tool's profile; its comparisons have pages of their own (``?comparisons_page=``)."""
    tool = get_object_or_404(Tool.objects.published().with_profile(), slug=slug)
    comparisons = listing.curated(Comparison.objects.with_tool(tool))
    context = {
        "tool": tool,
        "comparisons_page": page_of(
            request, comparisons, per_page=CARDS_PAGE_SIZE, param="comparisons_page"
        ),
        "alternatives": list(tool.alternatives()[:ALTERNATIVES]),
        "readers_compared": listing.readers_also_compared(tool),
    }
    response = render(request, "comparisons/tool_detail.html", context)
    # "Prices checked … (3 months ago)": no cached copy outlives that wording.
    http_cache.shared_until(response, earliest_change(PriceCheck.of(tool.prices_checked)))
    return http_cache.tag(
        response,
        cache_keys.tool_cards([tool, *context["alternatives"]]),
        cache_keys.tool_comparisons(tool.pk),
        cache_keys.category_lists(tool.category_id),
        cache_keys.PANEL,
        cache_keys.comparison_cards(context["comparisons_page"]),
        # Their votes reorder the list; a new pair joins it by a purge (pairs.py).
        cache_keys.comparison_cards(context["readers_compared"]),
    )
