"""A comparison's JSON version and share image; the lookup rules are the page's (``lookups``)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from comparisons.lookups import comparison_at, is_preview, mark_preview
from comparisons.models import Comparison, Tool
from comparisons.sharing.image import share_image_png, share_image_version
from comparisons.sharing.open_data import comparison_open_data

# Vote counts move all the time; five minutes of staleness is fine for data others fetch.
DATA_MAX_AGE = 300


@require_safe
def comparison_data(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_data_url,
        Comparison.objects.with_page_data(),
        Tool.objects.with_profile(),
    )
    if isinstance(comparison, HttpResponse):
        return comparison
    response = JsonResponse(
        comparison_open_data(comparison), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    if is_preview(stored, comparison):
        return mark_preview(response)
    # Open data: any site may read it from a browser (no cookie is ever needed or sent).
    response.headers["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=DATA_MAX_AGE)
    return response


@require_safe
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_share_image_url,
        Comparison.objects.with_cards(),
        Tool.objects.all(),
    )
    if isinstance(comparison, HttpResponse):
        return comparison
    version = share_image_version(comparison)
    etag = quote_etag(version)
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        share_image_png(comparison, version), content_type="image/png"
    )
    response.headers["ETag"] = etag
    if is_preview(stored, comparison):
        return mark_preview(response)
    # Stored by browsers and CDNs but revalidated on each use: the ETag makes that a cheap 304,
    # and a vote shows up at once.
    patch_cache_control(response, public=True, no_cache=True)
    return response
