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
    headers: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what the caller needs to personalise the page
    versions: tuple[int, ...] = ()  # the version numbers it was rendered under


def placeholders() -> dict[str, str]:
    """Context entries that make a render shareable between visitors."""
    return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}


def may_use_cache(request: HttpRequest) -> bool:
    """Shared pages are the plain addresses for visitors without a session: staff see previews,
    and a query string can change what a page says (the sign-up block's "check your inbox")."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.GET


def _version_key(version: str) -> str:
    return f"version:{version}"


def lookup(name: str, versions: list[str]) -> tuple[tuple[int, ...] | None, CachedPage | None]:
    """The current version numbers and the page cached for them, in one round trip.

    ``(None, None)`` when the cache is unreachable: the caller renders and stores nothing.
    """
    keys = [_version_key(version) for version in versions]
    try:
        found = cache.get_many([*keys, f"page:{name}"])
    except Exception:
        logger.warning("page cache unavailable: rendering %s without it", name, exc_info=True)
        return None, None
    current = tuple(found.get(key, 0) for key in keys)
    page = found.get(f"page:{name}")
    return current, (page if page is not None and page.versions == current else None)


def put(name: str, versions: tuple[int, ...] | None, page: CachedPage) -> None:
    if versions is None:
        return
    page.versions = versions
    try:
        cache.set(f"page:{name}", page, PAGE_TTL)
    except Exception:
        logger.warning("page cache write failed for %s", name, exc_info=True)


def bump(*versions: str) -> None:
    """Move ``version`` on now and again once the current transaction commits.

    The second bump matters: between the first and the commit another request may cache the old
    content under the new number. The first makes this transaction's own later reads fresh.
    """

    def increment() -> None:
        if _incr_in_redis(versions):
            return
        for version in versions:
            name = _version_key(version)
            try:
                try:
                    cache.incr(name)
                except ValueError:  # first bump: the counter does not exist yet
                    cache.add(name, 1, timeout=None) or cache.incr(name)
            except Exception:
                logger.warning("could not bump page cache version %s", version, exc_info=True)

    increment()
    transaction.on_commit(increment)


def _incr_in_redis(versions: tuple[str, ...]) -> bool:
    """All the counters in one round trip when the cache is Redis (INCR creates a missing one)."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return False
    try:
        keys = [cache.make_and_validate_key(_version_key(version)) for version in versions]
        pipeline = backend.get_client(keys[0], write=True).pipeline(transaction=False)
        for key in keys:
            pipeline.incr(key)
        pipeline.execute()
    except Exception:
        logger.warning("could not bump page cache versions %s", versions, exc_info=True)
    return True


def respond(
    request: HttpRequest, page: CachedPage, swaps: dict[str, str] | None = None
) -> HttpResponse:
    """The shared page with this visitor's token, nonce and any other swaps filled in."""
    html = page.html
    for old, new in (swaps or {}).items():
        html = html.replace(old, new, 1)
    # Split once on each placeholder and join with this visitor's value: one pass over the page.
    if CSRF_PLACEHOLDER in html:
        html = get_token(request).join(html.split(CSRF_PLACEHOLDER))
    if NONCE_PLACEHOLDER in html:
        html = str(request._csp_nonce).join(html.split(NONCE_PLACEHOLDER))
    response = HttpResponse(html)
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
            page_name = name(**kwargs)
            current, page = lookup(page_name, versions(**kwargs))
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
                put(page_name, current, page)
            swaps = personalise(request, page) if personalise else None
            return respond(request, page, swaps)

        return wrapper

    return decorator
