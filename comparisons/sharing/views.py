"""A comparison's JSON version and share image; the lookup rules are the page's (``lookups``)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.lookups import comparison_at, is_preview, mark_preview
from comparisons.models import Comparison, Tool
from comparisons.sharing.image import share_image_png, share_image_version
from comparisons.sharing.open_data import comparison_open_data
from compsite import http_cache
from compsite.http_cache import MISSING_KEY


@require_safe
@http_cache.shared(http_cache.DETAIL)
def comparison_data(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_data_url,
        Comparison.objects.with_page_data(),
        Tool.objects.with_profile(),
    )
    if isinstance(comparison, HttpResponse):
        return http_cache.tag(comparison, MISSING_KEY)
    response = JsonResponse(
        comparison_open_data(comparison), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    if is_preview(stored, comparison):
        return mark_preview(response)
    # Open data: any site may read it from a browser (no cookie is ever needed or sent).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return http_cache.tag(response, cache_keys.comparison_page(comparison, stored))


@require_safe
@http_cache.shared(http_cache.DETAIL)
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_share_image_url,
        Comparison.objects.with_cards(),
        Tool.objects.with_panel_counts(),
    )
    if isinstance(comparison, HttpResponse):
        return http_cache.tag(comparison, MISSING_KEY)
    version = share_image_version(comparison)
    etag = quote_etag(version)
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        share_image_png(comparison, version), content_type="image/png"
    )
    response.headers["ETag"] = etag
    if is_preview(stored, comparison):
        return mark_preview(response)
    # The ETag (the image's version) makes a browser's revalidation a cheap 304.
    return http_cache.tag(response, cache_keys.comparison_page(comparison, stored))
