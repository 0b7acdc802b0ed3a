"""What shared caches (the shipped Varnish, any CDN) may keep, for how long, and under which keys.

A view whose answer is the same for every visitor without a session says so with ``@shared``,
naming how long a shared cache may keep it and which surrogate keys the page shows
(``comparison-12 tool-3 tool-7``, or collection keys such as ``tools``). Purges name the same keys
(compsite/purge.py). ``SharedCacheMiddleware`` turns that into headers once every other layer
has had its say, so the rules hold whatever a view forgot:

- shared: ``Cache-Control: public, max-age=0, s-maxage=N`` (browsers always revalidate, shared
  caches keep N seconds), the grace for shared caches alone in ``CDN-Cache-Control`` (RFC 9213),
  and ``Surrogate-Key``;
- a response that sets a cookie, a request with a session (staff), a page that read the session,
  and anything no view declared shared: ``private, no-store``;
- a 404 at a shared address is kept briefly under the key ``missing``, which every content change
  purges, so a comparison that goes live is never hidden behind a cached "not found".

``ConditionalGetMiddleware`` (Django's) adds the ETag and answers ``If-None-Match`` with a 304.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


@dataclass(frozen=True)
class Lifetime:
    """How long shared caches keep a kind of response, and serve it stale while refetching."""

    s_maxage: int
    grace: int


# Pages about one thing (a comparison, a tool, a reviewer, an edition): purged when it changes, so
# a long life costs nothing; a day bounds relative dates such as "checked 3 months ago".
DETAIL = Lifetime(s_maxage=DAY, grace=HOUR)
# Lists, search, feeds and the sitemap: purged by collection keys; an hour bounds what time alone
# changes (trending's seven-day window).
LISTING = Lifetime(s_maxage=HOUR, grace=10 * MINUTE)
# "Not found" at any address: kept ten minutes at most, and purged by every content change.
MISSING = Lifetime(s_maxage=10 * MINUTE, grace=0)
MISSING_KEY = "missing"
# Every shared response carries it: purging it empties the caches (after a deploy, say).
ALL_KEY = "all"
# Varnish answers 503 past its header limit (8 KB by default); pages stay well below.
SURROGATE_KEY_LIMIT = 4096


def key_of(item: Model | str) -> str:
    """``tool-3`` for a Tool with pk 3; a string is a key already (a collection key)."""
    if isinstance(item, str):
        return item
    return f"{item._meta.model_name}-{item.pk}"


def keys_of(*items: Model | str | Iterable[Model | str] | None) -> set[str]:
    keys: set[str] = set()
    for item in items:
        if item is None:
            continue
        if isinstance(item, Model | str):
            keys.add(key_of(item))
        else:
            keys |= keys_of(*item)
    return keys


def tag(response: HttpResponse, *items: Model | str | Iterable[Model | str] | None) -> HttpResponse:
    """Add the surrogate keys of what ``response`` shows."""
    # An attribute of the site's own on Django's response, read by the middleware below.
    response.surrogate_keys = getattr(response, "surrogate_keys", set()) | keys_of(*items)  # type: ignore[attr-defined]
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response as this visitor's own: no shared cache keeps it."""
    response.shared_lifetime = None  # type: ignore[attr-defined]  # the site's own attribute
    return response


def shared_until(response: HttpResponse, moment: datetime.datetime | None) -> HttpResponse:
    """Let shared caches keep ``response`` no later than ``moment``, when something the page says
    changes by time alone ("checked 3 months ago" becoming "4 months ago"). Without grace: a
    stale copy past that moment would say the wrong thing."""
    if moment is not None:
        response.shared_until = moment  # type: ignore[attr-defined]  # the site's own attribute
    return response


def shared(lifetime: Lifetime, keys: Callable[..., Iterable] | Iterable[str] = (), vary_htmx=False):
    """Declare a GET view's answers the same for every visitor without a session.

    ``keys`` are surrogate keys every answer carries (or a function of the view's arguments that
    returns them); the view adds what it shows with ``tag()``. ``vary_htmx`` for views that answer
    htmx with a fragment at the page's own address.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if not hasattr(response, "shared_lifetime"):
                response.shared_lifetime = lifetime
            tag(response, keys(*args, **kwargs) if callable(keys) else keys)
            if vary_htmx:
                patch_vary_headers(response, ["HX-Request"])
            return response

        return wrapper

    return decorator


def has_session(request: HttpRequest) -> bool:
    """Someone signed in (or who was): their pages are theirs alone. Reading ``request.user``
    without this check would read the session, and make every anonymous page vary on cookies."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class SharedCacheMiddleware:
    """Every response leaves with an explicit Cache-Control (see the module docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lifetime = self._lifetime(request, response)
        if lifetime is None:
            patch_cache_control(response, private=True, no_store=True)
            return response
        keys: set[str] = getattr(response, "surrogate_keys", set())
        if response.status_code == 404:
            keys = {MISSING_KEY}
        header = " ".join(sorted(keys | {ALL_KEY}))
        if len(header) > SURROGATE_KEY_LIMIT:
            # A page showing more than it should: served, but not from a cache that could not
            # purge it. The tests keep every page type below the limit.
            logger.error("%s: %d bytes of surrogate keys; not shared", request.path, len(header))
            patch_cache_control(response, private=True, no_store=True)
            return response
        response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={lifetime.s_maxage}"
        if lifetime.grace:
            response.headers["CDN-Cache-Control"] = (
                f"max-age={lifetime.s_maxage}, stale-while-revalidate={lifetime.grace}"
            )
        response.headers["Surrogate-Key"] = header
        return response

    @staticmethod
    def _lifetime(request: HttpRequest, response: HttpResponse) -> Lifetime | None:
        if request.method not in ("GET", "HEAD") or has_session(request) or response.cookies:
            return None
        if "cookie" in response.headers.get("Vary", "").lower():
            return None  # something read the session or the CSRF cookie: not the same for all
        if response.status_code == 404:
            return MISSING
        if response.status_code not in (200, 301, 304, 308, 410):
            return None
        lifetime = getattr(response, "shared_lifetime", None)
        until = getattr(response, "shared_until", None)
        if lifetime is not None and until is not None:
            left = int((until - timezone.now()).total_seconds())
            if left < lifetime.s_maxage:
                return Lifetime(s_maxage=max(left, 0), grace=0)
        return lifetime
