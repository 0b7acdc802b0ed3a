from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons.models import Category, Comparison, RankedTool, Tool
from comparisons.views.pagination import CARDS_PAGE_SIZE, page_of
from compsite import pagecache


@require_safe
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comparisons/category_list.html",
        {"page": page_of(request, Category.objects.with_tool_counts())},
    )


@require_safe
@pagecache.shared_page(
    name=lambda slug: f"category:{slug}", versions=lambda slug: [pagecache.CONTENT, "votes"]
)
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The ranking and the comparisons, each a list with its own pages (``?page=``,
    ``?comparisons_page=``)."""
    category = get_object_or_404(Category, slug=slug)
    ranking = page_of(
        request,
        Tool.objects.ranked_in(category),
        count=Tool.objects.published().filter(category=category).count(),
    )
    comparisons = Comparison.objects.published().in_category(category).latest_first().with_cards()
    context = {
        "category": category,
        "ranking_page": ranking,
        "ranking": RankedTool.numbered(ranking, start=ranking.start_index()),
        "comparisons_page": page_of(
            request, comparisons, per_page=CARDS_PAGE_SIZE, param="comparisons_page"
        ),
    }
    return render(request, "comparisons/category_detail.html", context)
