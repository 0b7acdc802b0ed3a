from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comparisons.models import Comparison, ComparisonRedirect

HOME_LATEST = 12


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    comparisons = Comparison.objects.published().latest_first().with_cards()[:HOME_LATEST]
    return render(request, "comparisons/home.html", {"comparisons": comparisons})


@require_safe
def comparison_detail(request: HttpRequest, slug: str) -> HttpResponse:
    comparison = Comparison.objects.with_page_data().filter(slug=slug).first()
    if comparison is None:
        moved = (
            ComparisonRedirect.objects.select_related("comparison").filter(old_slug=slug).first()
        )
        if moved is None:
            raise Http404("No comparison lives at this address.")
        return HttpResponsePermanentRedirect(moved.comparison.get_absolute_url())

    preview = not comparison.is_live
    if preview and not request.user.is_staff:
        raise Http404("No comparison lives at this address.")

    response = render(
        request,
        "comparisons/detail.html",
        {"comparison": comparison, "related": comparison.related(), "preview": preview},
    )
    if preview:
        response.headers["X-Robots-Tag"] = "noindex"
    return response
