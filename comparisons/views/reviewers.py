from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from compsite import http_cache
from compsite.pagination import page_of
from reviews.models import Reviewer, Scorecard

HISTORY_PAGE_SIZE = 20  # verdicts carry their quotes: a shorter page than an index's


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.REVIEWERS])
def reviewer_list(request: HttpRequest) -> HttpResponse:
    reviewers = Reviewer.objects.order_by("position", "name", "id")
    return render(request, "reviews/reviewer_list.html", {"page": page_of(request, reviewers)})


@require_safe
@http_cache.shared(http_cache.DETAIL)
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The reviewer and a page of their verdicts, newest first (``?page=``)."""
    reviewer = get_object_or_404(Reviewer, slug=slug)
    history = (
        Scorecard.objects.filter(reviewer=reviewer, tool__is_published=True)
        .select_related("tool__category")
        .order_by("-updated_at", "-id")
    )
    page = page_of(request, history, HISTORY_PAGE_SIZE, count=reviewer.published_scorecard_count())
    context = {"reviewer": reviewer, "history": page}
    response = render(request, "reviews/reviewer_detail.html", context)
    return http_cache.tag(
        response, reviewer, cache_keys.tool_cards(scorecard.tool for scorecard in page)
    )
