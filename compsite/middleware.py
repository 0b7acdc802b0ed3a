"""Requests no view should see, and a database that is away.

``UnreadableInputMiddleware`` answers 400 to NUL characters and undecodable text in query strings
(and in the admin's forms) before any view runs. ``DatabaseUnavailableMiddleware`` answers 503 with a friendly page while the database is
unreachable (a restart, a failover): Django's own error handling would log a traceback and show
the 500 page, but a database that is coming back is not a bug in a view. Readers get "try again
in a moment" with Retry-After, and the persistent connection is dropped so the next request
opens a fresh one.
"""

import logging
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
ADMIN_PATH = "/admin/"  # compsite/urls.py


class UnreadableInputMiddleware:
    """400 for a query string holding NUL or bytes that are not UTF-8, on every path (the
    admin's included), and for NUL in a form posted to the admin.

    Postgres text cannot hold NUL, so one reaching a lookup was a DataError and a 500 wherever a
    parameter met the database (the picker, admin filters). Undecodable bytes would reach views
    as U+FFFD, text nobody sent. One check here keeps both out of every view.

    Public forms answer NUL themselves, with a message by the field (Django's form fields refuse
    it; the vote says which tools there are). The admin's own views do not always: an action's
    selection goes into a query unchecked. The path is left to the URL patterns, whose
    converters refuse NUL, and to the views behind them (a mangled newsletter link gets its own
    friendly page).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _unreadable(request):
            raise BadRequest("NUL or undecodable text in the request")
        return self.get_response(request)


def _unreadable(request: HttpRequest) -> bool:
    if query := request.META.get("QUERY_STRING", ""):
        try:
            # WSGI hands over the raw bytes as latin-1 text (PEP 3333).
            text = unquote_to_bytes(query.encode("latin-1")).decode("utf-8")
        except UnicodeError:
            return True
        if "\x00" in text:
            return True
    if request.method == "POST" and request.path.startswith(ADMIN_PATH):
        return any(
            "\x00" in key or "\x00" in "".join(values) for key, values in request.POST.lists()
        )
    return False


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s: %s", request.path, exception)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        html = render_to_string("503.html", request=request)
        response = HttpResponse(html, status=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
