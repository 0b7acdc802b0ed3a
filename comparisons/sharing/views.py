"""A comparison's JSON version and share image (the lookup rules are the page's, ``lookups``), the
open data's JSON Schema and the whole-dataset downloads.

Open-data answers say their licence in a ``Link: rel="license"`` header; redirects and errors at
their addresses are ``OpenDataMiddleware``'s. Django's ``ConditionalGetMiddleware`` gives the JSON
its ETag and 304s; the downloads, streamed, date themselves with ``Last-Modified``.
"""

import json
from functools import cache
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.lookups import comparison_at, is_preview, mark_preview
from comparisons.models import Comparison, Tool
from comparisons.sharing.datasets import DATASETS, csv_lines, in_blocks, json_lines
from comparisons.sharing.image import share_image_png, share_image_version
from comparisons.sharing.open_data import LICENCE_URL, comparison_open_data
from compsite import http_cache
from compsite.urls_absolute import absolute

SCHEMA_FILE = Path(__file__).parent / "schemas" / "comparison.schema.json"
FORMATS = {
    "jsonl": ("application/jsonl; charset=utf-8", json_lines),
    "csv": ("text/csv; charset=utf-8", csv_lines),
}
# What each download shows, for purges (comparisons/cache_keys.py): the tools download carries
# reviewers' names and verdicts, the comparisons download vote counts.
DOWNLOAD_KEYS = {
    "tools": [cache_keys.TOOLS, cache_keys.PANEL],
    "comparisons": [cache_keys.COMPARISONS, cache_keys.VOTES],
}


def _open_data[R: HttpResponseBase](response: R) -> R:
    """Readable from any site (no cookie is ever needed or sent), and licensed."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


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
    response = JsonResponse(
        comparison_open_data(comparison), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    if is_preview(stored, comparison):
        return mark_preview(response)
    return http_cache.tag(_open_data(response), cache_keys.comparison_page(comparison, stored))


@cache
def _schema_document() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


@require_safe
@http_cache.shared(http_cache.DETAIL)  # it changes with a deploy, which purges everything
def data_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of ``/compare/<slug>.json``, named by its own address."""
    document = {
        "$schema": _schema_document()["$schema"],
        "$id": absolute(reverse("comparisons:data_schema")),
        **_schema_document(),
    }
    response = JsonResponse(
        document,
        content_type="application/schema+json",
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    return _open_data(response)


@require_safe
@http_cache.shared(http_cache.LISTING, keys=lambda dataset, fmt: DOWNLOAD_KEYS.get(dataset, []))
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponseBase:
    """A whole dataset, streamed; ``Last-Modified`` its newest change, so a 304 (or a HEAD)
    costs only the queries that date it."""
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404("No dataset lives at this address.")
    data, (content_type, lines) = DATASETS[dataset], FORMATS[fmt]
    changed = data.last_modified()
    timestamp = int(changed.timestamp()) if changed else None
    response: HttpResponseBase | None = get_conditional_response(request, last_modified=timestamp)
    if response is None and request.method == "HEAD":  # the headers, without reading every row
        response = HttpResponse(content_type=content_type)
    elif response is None:
        response = StreamingHttpResponse(in_blocks(lines(data)), content_type=content_type)
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    if response.status_code == 200:
        name = f"ai-tool-verdicts-{dataset}.{fmt}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _open_data(response)


@require_safe
@http_cache.shared(http_cache.DETAIL)
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_share_image_url,
        Comparison.objects.with_cards(),
        Tool.objects.all(),
    )
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
