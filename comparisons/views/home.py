from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comparisons.models import Category, Comparison
from compsite import pagecache

HOME_LATEST = 9
HOME_TRENDING = 5
HOME_CATEGORIES = 24  # the biggest; /categories/ has them all


@require_safe
@pagecache.shared_page(name=lambda: "home", versions=lambda: [pagecache.CONTENT, "votes"])
def home(request: HttpRequest) -> HttpResponse:
    published = Comparison.objects.published()
    context = {
        "comparisons": published.curated().latest_first().with_cards()[:HOME_LATEST],
        "trending": published.trending().with_standings()[:HOME_TRENDING],
        "categories": sorted(
            Category.objects.with_tool_counts().order_by("-tool_count", "name")[:HOME_CATEGORIES],
            key=lambda category: category.name,
        ),
    }
    return render(request, "comparisons/home.html", context)
