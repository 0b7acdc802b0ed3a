"""Whole-page HTML in the cache, safe to hand to every visitor.

Pages are rendered once with placeholders where a visitor's own values go (the CSRF token and
the CSP nonce); each response swaps in its own. Anything else personal (a reader's vote mark) is
pre-rendered as variants by the caller and swapped the same way. Keys carry version numbers that
edits and votes bump after their transaction commits, so nobody sees stale content; production
never calls ``cache.clear()`` because the broker shares the Redis database.

The cache is an optimisation: when Redis misbehaves, pages render from the database and the
failure is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "aitv-csrf-placeholder-7f3c"
NONCE_PLACEHOLDER = "aitv-nonce-placeholder-9b1d"
PAGE_TTL = 300  # bounds staleness from the clock alone, e.g. a scheduled comparison going live
CONTENT = "content"  # any editorial change: tools, prices, scorecards, comparisons, reviewers


@dataclass
class CachedPage:
    html: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what the caller needs to personalise the page


def placeholders() -> dict[str, str]:
    """Context entries that make a render shareable between visitors."""
    return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}


def may_use_cache(request: HttpRequest) -> bool:
    """Shared pages are the plain addresses for visitors without a session: staff see previews,
    and a query string can change what a page says (the sign-up block's "check your inbox")."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.GET


def key_for(name: str, *versions: str) -> str | None:
    """``name`` plus the current number of each version; None when the cache is unreachable."""
    try:
        numbers = cache.get_many([f"version:{version}" for version in versions])
    except Exception:
        logger.warning("page cache unavailable: rendering %s without it", name, exc_info=True)
        return None
    parts = [str(numbers.get(f"version:{version}", 0)) for version in versions]
    return f"page:{name}:{':'.join(parts)}"


def get(key: str | None) -> CachedPage | None:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:
        logger.warning("page cache read failed for %s", key, exc_info=True)
        return None


def put(key: str | None, page: CachedPage) -> None:
    if key is None:
        return
    try:
        cache.set(key, page, PAGE_TTL)
    except Exception:
        logger.warning("page cache write failed for %s", key, exc_info=True)


def bump(version: str) -> None:
    """Move ``version`` on now and again once the current transaction commits.

    The second bump matters: between the first and the commit another request may cache the old
    content under the new number. The first makes this transaction's own later reads fresh.
    """

    def increment() -> None:
        name = f"version:{version}"
        try:
            try:
                cache.incr(name)
            except ValueError:  # first bump: the counter does not exist yet
                cache.add(name, 1, timeout=None) or cache.incr(name)
        except Exception:
            logger.warning("could not bump page cache version %s", version, exc_info=True)

    increment()
    transaction.on_commit(increment)


def respond(
    request: HttpRequest, page: CachedPage, swaps: dict[str, str] | None = None
) -> HttpResponse:
    """The shared page with this visitor's token, nonce and any other swaps filled in."""
    html = page.html
    for old, new in (swaps or {}).items():
        html = html.replace(old, new, 1)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(request._csp_nonce))
    response = HttpResponse(html, status=page.status)
    for header, value in page.headers.items():
        response.headers[header] = value
    return response


def shared_page(name, versions, personalise=None):
    """Cache a GET view's 200 responses for everyone (see the module docstring).

    ``name(**kwargs)`` and ``versions(**kwargs)`` build the key from the view's arguments. The view
    renders placeholders instead of personal values while ``request.shared_render`` is set (the
    ``site`` context processor does that) and may attach ``response.page_data`` for
    ``personalise(request, page) -> swaps``, which fills in the rest per visitor.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not may_use_cache(request):
                return view(request, *args, **kwargs)
            key = key_for(name(**kwargs), *versions(**kwargs))
            page = get(key)
            if page is None:
                request.shared_render = True
                response = view(request, *args, **kwargs)
                request.shared_render = False
                if response.status_code != 200 or response.streaming:
                    return response
                page = CachedPage(
                    html=response.content.decode(),
                    headers={
                        header: value
                        for header, value in response.headers.items()
                        if header in ("Content-Type", "X-Robots-Tag")
                    },
                    data=getattr(response, "page_data", {}),
                )
                put(key, page)
            swaps = personalise(request, page) if personalise else None
            return respond(request, page, swaps)

        return wrapper

    return decorator
