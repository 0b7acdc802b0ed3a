"""A comparison's JSON version and share image (the lookup rules are the page's, ``lookups``), the
open data's JSON Schema and the whole-dataset downloads.

Open-data answers say their licence in a ``Link: rel="license"`` header; redirects and errors at
their addresses are ``OpenDataMiddleware``'s.
"""

import json
from functools import cache
from pathlib import Path

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from comparisons.lookups import comparison_at, is_preview, mark_preview
from comparisons.models import Comparison, Tool
from comparisons.sharing.datasets import DATASETS, csv_lines, in_blocks, json_lines
from comparisons.sharing.image import share_image_png, share_image_version
from comparisons.sharing.open_data import LICENCE_URL, comparison_open_data
from compsite.urls_absolute import absolute

# Vote counts move all the time; five minutes of staleness is fine for data others fetch.
DATA_MAX_AGE = 300
SCHEMA_MAX_AGE = 60 * 60 * 24
SCHEMA_FILE = Path(__file__).parent / "schemas" / "comparison.schema.json"
FORMATS = {
    "jsonl": ("application/jsonl; charset=utf-8", json_lines),
    "csv": ("text/csv; charset=utf-8", csv_lines),
}


def _open_data(response: HttpResponse, max_age: int = DATA_MAX_AGE) -> HttpResponse:
    """Readable from any site (no cookie is ever needed or sent), cacheable, and licensed."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _revalidated(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` with an ETag of its body, or a 304 when the client holds that version."""
    set_response_etag(response)
    return get_conditional_response(request, etag=response.headers["ETag"], response=response)


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
    return _revalidated(request, _open_data(response))


@cache
def _schema_document() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


@require_safe
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
    return _revalidated(request, _open_data(response, SCHEMA_MAX_AGE))


@require_safe
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    """A whole dataset, streamed; ``Last-Modified`` its newest change, so a 304 (or a HEAD)
    costs only the queries that date it."""
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404("No dataset lives at this address.")
    data, (content_type, lines) = DATASETS[dataset], FORMATS[fmt]
    changed = data.last_modified()
    timestamp = int(changed.timestamp()) if changed else None
    response = get_conditional_response(request, last_modified=timestamp)
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
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_share_image_url,
        Comparison.objects.with_cards(),
        Tool.objects.with_panel_counts(),
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
