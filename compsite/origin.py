"""Same-origin forms without a CSRF token, for the anonymous forms on shared pages.

A page a shared cache keeps cannot carry a per-visitor CSRF token, so the vote and the newsletter
sign-up check where the POST comes from instead: browsers say so in ``Sec-Fetch-Site``, and where
they do not (older ones), ``Origin`` must be the site's own. A request with neither is refused:
every browser that can load the page sends one of them with a form POST. Everything else keeps
Django's CSRF middleware.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

REFUSED = "This form only works from this site's own pages. Reload the page and try again."


def site_origins(request: HttpRequest) -> set[str]:
    """SITE_URL's origin, and the request's own as Django's CSRF check derives it (the scheme
    behind a trusted proxy, the Host header)."""
    site = urlsplit(settings.SITE_URL)
    return {f"{site.scheme}://{site.netloc}", f"{request.scheme}://{request.get_host()}"}


def is_same_origin(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin in site_origins(request)


def same_origin_only(view):
    """Refuse (403, nothing done) a POST that did not come from one of the site's pages."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not is_same_origin(request):
            return render(request, "403_origin.html", {"reason": REFUSED}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
