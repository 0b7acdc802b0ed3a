from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.search import search_everything
from compsite import http_cache
from compsite.htmx import HtmxHttpRequest


@require_safe
@http_cache.shared(
    http_cache.LISTING, keys=[cache_keys.TOOLS, cache_keys.COMPARISONS], vary_htmx=True
)
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Full results page; an htmx request (typing in the box) gets just the results partial."""
    results = search_everything(request.GET.get("q"))
    template = "comparisons/search.html#results" if request.htmx else "comparisons/search.html"
    response = render(request, template, {"results": results})
    response.headers["X-Robots-Tag"] = "noindex"
    return response
