"""Turns ``ComparisonMoved`` into its redirect, as Django turns ``Http404`` into the 404 page."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from comparisons.lookups import ComparisonMoved
from compsite import http_cache


class ComparisonMovedMiddleware:
    """A comparison's page, data and share image at an old or reversed address: 301 to the new.

    The views call ``comparisons.lookups.comparison_at``, which raises ``ComparisonMoved``; this
    one place answers it for all of them.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ComparisonMoved):
            # The same for every reader; it changes only when the content does (a tool
            # unpublished, the address taken by a comparison), which purges ``missing``.
            response = HttpResponsePermanentRedirect(exception.url)
            response.shared_lifetime = http_cache.DETAIL  # type: ignore[attr-defined]  # see http_cache
            return http_cache.tag(response, http_cache.MISSING_KEY)
        return None
