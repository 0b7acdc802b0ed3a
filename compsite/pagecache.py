"""Whole-page HTML in the cache, safe to hand to every visitor.

Pages are rendered once with placeholders where a visitor's own values go (the CSRF token and
the CSP nonce); each response swaps in its own. The placeholders are new random marks for each
render, so editor text on the page cannot hold them: only the template's own slots are filled.
Anything else personal (a reader's vote mark) is pre-rendered as variants by the caller and
swapped the same way. A page is stored with the versions of what it shows (content, a
comparison's votes, ...); edits and votes give those versions new values after their transaction
commits, so nobody sees stale content. Production never calls ``cache.clear()`` because the
broker shares the Redis database.

Each web process also keeps the pages it served last, and the versions are watched keys that a
process knows without asking Redis until a change is announced (compsite/cache.py): a cached
page is usually served without any round trip, under the same freshness rule as the shared copy.
Versions are random tokens rather than counters: a Redis that lost its data (or a version key)
starts from new values, never from numbers an old copy in some process was stored under.

The cache is an optimisation: when Redis misbehaves, pages render from the database and the
failure is logged.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

logger = logging.getLogger(__name__)

PAGE_TTL = 300  # bounds staleness from the clock alone, e.g. a scheduled comparison going live
CONTENT = "content"  # any editorial change: tools, prices, scorecards, comparisons, reviewers
LOCAL_PAGES = 200  # pages each web process keeps (about 40 KB each)


@dataclass
class CachedPage:
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what the caller needs to personalise the page
    versions: tuple[int, ...] = ()  # the versions it was rendered under
    expires: float = 0.0  # when the shared copy expires (time.time()); local copies follow it
    # The render's (csrf, nonce) placeholders. None on a page stored before they were random:
    # lookup treats it as missing.
    marks: tuple[str, str] | None = None


class _LocalPages:
    """The pages this process served last, by cache key (which holds the key prefix)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.lock = threading.Lock()  # runserver and the tests serve from threads

    def get(self, key: str) -> CachedPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if page.expires <= time.time():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


_local = _LocalPages(LOCAL_PAGES)


def new_marks() -> tuple[str, str]:
    """Placeholders for one render's CSRF token and CSP nonce: random, so that no text saved
    before the render (an editor's link, a tagline) can contain them and be filled in too."""
    token = secrets.token_hex(16)
    return f"aitv-csrf-placeholder-{token}", f"aitv-nonce-placeholder-{token}"


def placeholders(request: HttpRequest) -> dict[str, str]:
    """Context entries that make a render shareable between visitors: the marks ``shared_page``
    gave this request, the same for the page and the fragments rendered with it."""
    csrf, nonce = request.page_marks
    return {"csrf_token": csrf, "csp_nonce": nonce}


def may_use_cache(request: HttpRequest) -> bool:
    """Shared pages are the plain addresses for visitors without a session: staff see previews,
    and a query string can change what a page says (the sign-up block's "check your inbox")."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.GET


def _version_key(version: str) -> str:
    return f"version:{version}"


def lookup(name: str, versions: list[str]) -> tuple[tuple[int, ...] | None, CachedPage | None]:
    """The current versions and the page cached for them.

    The versions are watched keys (see compsite/cache.py): usually known in this process
    without a round trip. So is the page when this process served it last; otherwise it comes
    from the shared copy. ``(None, None)`` when the cache is unreachable: the caller renders and
    stores nothing.
    """
    keys = [_version_key(version) for version in versions]
    try:
        page_key = cache.make_and_validate_key(f"page:{name}")
        local = _local.get(page_key)
        found = getattr(cache, "get_many_watched", cache.get_many)(keys)
        if missing := [key for key in keys if key not in found]:
            found |= _start_versions(missing)
        current = tuple(found[key] for key in keys)
        if local is not None and local.versions == current:
            return current, local
        page = cache.get(f"page:{name}")
    except Exception:
        logger.warning("page cache unavailable: rendering %s without it", name, exc_info=True)
        return None, None
    if page is None or page.versions != current or page.marks is None:
        return current, None
    _local.put(page_key, page)
    return current, page


def _start_versions(keys: list[str]) -> dict[str, int]:
    """Values for version keys that do not exist yet (first use, or a Redis that lost them)."""
    for key in keys:
        cache.add(key, _new_version(), timeout=None)  # a concurrent request may win: read back
    return cache.get_many(keys)


def _new_version() -> int:
    return secrets.randbits(62)


def put(name: str, versions: tuple[int, ...] | None, page: CachedPage) -> None:
    if versions is None:
        return
    page.versions = versions
    page.expires = time.time() + PAGE_TTL
    try:
        cache.set(f"page:{name}", page, PAGE_TTL)
        _local.put(cache.make_and_validate_key(f"page:{name}"), page)
    except Exception:
        logger.warning("page cache write failed for %s", name, exc_info=True)


def bump(*versions: str) -> None:
    """Give ``versions`` new values now and again once the current transaction commits.

    The second change matters: between the first and the commit another request may cache the
    old content under the new value. The first makes this transaction's own later reads fresh.
    """
    _renew(versions)
    bump_on_commit(*versions)


def bump_on_commit(*versions: str) -> None:
    """Give ``versions`` new values once the current transaction commits (at once outside one):
    enough for a writer that reads nothing back through the cache, such as a vote."""
    transaction.on_commit(lambda: _renew(versions))


def _renew(versions: tuple[str, ...]) -> None:
    values = {_version_key(version): _new_version() for version in versions}
    try:
        if hasattr(cache, "set_many_announced"):
            cache.set_many_announced(values)  # every process forgets what it knew of them
        else:
            cache.set_many(values, None)
    except Exception:
        logger.warning("could not bump page cache versions %s", versions, exc_info=True)


def respond(
    request: HttpRequest, page: CachedPage, swaps: dict[str, str] | None = None
) -> HttpResponse:
    """The shared page with this visitor's token, nonce and any other swaps filled in."""
    html = page.html
    for old, new in (swaps or {}).items():
        html = html.replace(old, new, 1)
    # Split once on each placeholder and join with this visitor's value: one pass over the page.
    csrf_mark, nonce_mark = page.marks
    if csrf_mark in html:
        html = csrf_token(request).join(html.split(csrf_mark))
    if nonce_mark in html:
        html = str(request._csp_nonce).join(html.split(nonce_mark))
    response = HttpResponse(html)
    for header, value in page.headers.items():
        response.headers[header] = value
    return response


_CSRF_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
_UNBIASED = 256 - 256 % len(CSRF_ALLOWED_CHARS)  # bytes below this map evenly onto the chars


def csrf_token(request: HttpRequest) -> str:
    """What ``get_token`` returns (the cookie's secret under a fresh mask), drawing the mask from
    one read of the OS's random source: Django reads it once per character, which `make bench`
    measured as a sixth of a cached page's cost. A first visit, with no secret yet, goes to
    Django, which creates the secret and the cookie."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: renew the cookie's expiry
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [byte % len(CSRF_ALLOWED_CHARS) for byte in os.urandom(48) if byte < _UNBIASED]
    mask = mask[:CSRF_SECRET_LENGTH]
    chars, count = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    cipher = (chars[(_CSRF_INDEX[s] + m) % count] for s, m in zip(secret, mask, strict=True))
    return "".join(chars[m] for m in mask) + "".join(cipher)


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
                request.shared_render, request.page_marks = True, new_marks()
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
                    marks=request.page_marks,
                )
                put(page_name, current, page)
            swaps = personalise(request, page) if personalise else None
            return respond(request, page, swaps)

        return wrapper

    return decorator
