from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons import cache_keys, listing
from comparisons.models import Category, Comparison
from compsite import http_cache
from compsite.pagination import CARDS_PAGE_SIZE, page_of


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.COMPARISONS, cache_keys.CATEGORIES])
def comparison_list(request: HttpRequest) -> HttpResponse:
    """Every published curated comparison, newest first, 12 a page; ``?category=<slug>`` keeps
    those with a tool in that category (an unknown category is a 404, not an empty list)."""
    category = None
    if slug := request.GET.get("category"):
        category = get_object_or_404(Category, slug=slug)
    comparisons = Comparison.objects.in_category(category) if category else None
    page = page_of(request, listing.curated(comparisons), per_page=CARDS_PAGE_SIZE)
    categories = listing.categories_with_comparisons()
    if category is not None and category not in categories:
        categories = sorted([*categories, category], key=lambda each: each.name)
    context = {"page": page, "category": category, "categories": categories}
    response = render(request, "comparisons/comparison_list.html", context)
    return http_cache.tag(response, cache_keys.comparison_cards(page), categories)
