from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons import cache_keys, listing
from comparisons.models import Category, Comparison, RankedTool, Tool
from compsite import http_cache
from compsite.pagination import CARDS_PAGE_SIZE, page_of


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.CATEGORIES])
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comparisons/category_list.html",
        {"page": page_of(request, Category.objects.with_tool_counts())},
    )


@require_safe
@http_cache.shared(http_cache.DETAIL, keys=[cache_keys.VOTES])
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The ranking and the comparisons, each a list with its own pages (``?page=``,
    ``?comparisons_page=``)."""
    category = get_object_or_404(Category, slug=slug)
    ranking = page_of(
        request,
        Tool.objects.ranked_in(category),
        count=Tool.objects.published().filter(category=category).count(),
    )
    comparisons = listing.curated(Comparison.objects.in_category(category))
    context: dict[str, Any] = {
        "category": category,
        "ranking_page": ranking,
        "ranking": RankedTool.numbered(ranking, start=ranking.start_index()),
        "comparisons_page": page_of(
            request, comparisons, per_page=CARDS_PAGE_SIZE, param="comparisons_page"
        ),
    }
    response = render(request, "comparisons/category_detail.html", context)
    return http_cache.tag(
        response,
        category,
        cache_keys.category_lists(category.pk),
        cache_keys.tool_cards(row.tool for row in context["ranking"]),
        cache_keys.comparison_cards(context["comparisons_page"]),
    )
