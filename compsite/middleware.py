"""When the database is unreachable (a restart, a failover), answer 503 with a friendly page.

Django's own error handling would log a traceback and show the 500 page. A database that is
coming back is not a bug in a view: readers get "try again in a moment" with Retry-After, and
the persistent connection is dropped so the next request opens a fresh one.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


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
