"""Open-data addresses answer like an API, whatever answers them: the view, a redirect, the URL
resolver's 404, a middleware's 400 or HTTPS redirect.

- Any site may read every answer from a browser: redirects, 304s and errors carry the CORS header
  too (the views put it on their own 200s, which staff previews must not have). Without it a
  script on another site sees a redirect or an error only as a network failure.
- Errors are JSON (``{"error": {"status": 404, "message": "Not Found"}}``), not the HTML error
  pages, so a client can read what went wrong.
"""

import json

from django.http import HttpRequest, HttpResponse

DATA_PREFIX = "/data/"  # comparisons/urls.py
DATA_SUFFIXES = (".json", ".jsonl")


def is_open_data(path: str) -> bool:
    return path.startswith(DATA_PREFIX) or path.endswith(DATA_SUFFIXES)


class OpenDataMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_open_data(request.path) or response.status_code < 300:
            return response
        response.headers["Access-Control-Allow-Origin"] = "*"
        if response.status_code >= 400 and not response.streaming:
            error = {"status": response.status_code, "message": response.reason_phrase}
            response.content = json.dumps({"error": error}).encode()
            response.headers["Content-Type"] = "application/json"
            response.headers.pop("ETag", None)  # it named the HTML page's body
            if "Content-Length" in response.headers:
                response.headers["Content-Length"] = str(len(response.content))
        return response
