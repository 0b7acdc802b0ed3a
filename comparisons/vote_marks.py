"""The reader's own choices in a cookie the page's script can read (static/js/votes.js).

Shared pages are the same for everyone, so the mark on "your vote" is applied in the browser from
this cookie: no origin request per page view. It holds ``comparison-tool`` id pairs, newest
first, and is only ever a display hint: votes are counted from the signed reader cookie.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "voted"
KEPT = 100  # choices remembered: about 1.2 KB, well inside a cookie's 4 KB
AGE = 60 * 60 * 24 * 400  # as the reader cookie
_CHOICE = re.compile(r"(\d{1,12})-(\d{1,12})")


def choices(request: HttpRequest) -> dict[int, int]:
    """``{comparison id: tool id}`` from the cookie; anything malformed is skipped."""
    found: dict[int, int] = {}
    for part in request.COOKIES.get(COOKIE, "").split(".")[:KEPT]:
        if match := _CHOICE.fullmatch(part):
            found.setdefault(int(match[1]), int(match[2]))
    return found


def remember(request: HttpRequest, response: HttpResponse, comparison_id: int, tool_id: int):
    """Put this choice first in the cookie the response sets."""
    kept = [(comparison_id, tool_id)] + [
        pair for pair in choices(request).items() if pair[0] != comparison_id
    ]
    value = ".".join(f"{comparison}-{tool}" for comparison, tool in kept[:KEPT])
    response.set_cookie(
        COOKIE, value, max_age=AGE, samesite="Lax", secure=not settings.DEBUG, httponly=False
    )
