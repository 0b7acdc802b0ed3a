from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comparisons import cache_keys, listing
from comparisons.models import Category, Comparison
from comparisons.top_picks import Disagreement
from compsite import http_cache

HOME_LATEST = 9
HOME_TRENDING = 5
HOME_CATEGORIES = 24  # the biggest; /categories/ has them all
HOME_PANEL_VS_CROWD = 3  # the newest; /panel-vs-crowd/ has them all


@require_safe
@http_cache.shared(
    http_cache.LISTING,
    keys=[
        cache_keys.COMPARISONS,
        cache_keys.CATEGORIES,
        cache_keys.VOTES,
        cache_keys.PANEL_VS_CROWD,
    ],
)
def home(request: HttpRequest) -> HttpResponse:
    published = Comparison.objects.published()
    disagreeing = list(listing.panel_vs_crowd()[:HOME_PANEL_VS_CROWD])
    context = {
        "comparisons": list(listing.curated()[:HOME_LATEST]),
        "trending": list(published.trending().with_standings()[:HOME_TRENDING]),
        "disagreements": [each for each in map(Disagreement.of, disagreeing) if each],
        "categories": sorted(
            Category.objects.with_tool_counts().order_by("-tool_count", "name")[:HOME_CATEGORIES],
            key=lambda category: category.name,
        ),
    }
    response = render(request, "comparisons/home.html", context)
    return http_cache.tag(
        response,
        cache_keys.comparison_cards(context["comparisons"]),
        cache_keys.comparison_cards(disagreeing),
        context["trending"],
    )
