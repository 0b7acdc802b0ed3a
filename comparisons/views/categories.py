from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons.models import Category, Comparison, Tool
from comparisons.views.pagination import page_of
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
    category = get_object_or_404(Category, slug=slug)
    context = {
        "category": category,
        "ranking": Tool.objects.ranked_in(category),
        "comparisons": Comparison.objects.published()
        .in_category(category)
        .latest_first()
        .with_cards(),
    }
    return render(request, "comparisons/category_detail.html", context)
