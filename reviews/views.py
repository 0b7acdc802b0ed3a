from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons.views.pagination import page_of
from reviews.models import Reviewer, Scorecard


@require_safe
def reviewer_list(request: HttpRequest) -> HttpResponse:
    reviewers = Reviewer.objects.with_ship_counts().order_by("position", "name", "id")
    return render(request, "reviews/reviewer_list.html", {"page": page_of(request, reviewers)})


@require_safe
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    history = Scorecard.objects.filter(tool__is_published=True).select_related("tool__category")
    reviewer = get_object_or_404(
        Reviewer.objects.with_ship_counts().prefetch_related(
            Prefetch("scorecards", queryset=history.order_by("-updated_at"), to_attr="history")
        ),
        slug=slug,
    )
    return render(request, "reviews/reviewer_detail.html", {"reviewer": reviewer})
