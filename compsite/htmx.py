"""The request type of views that answer htmx requests, as django-htmx's documentation shows it:
``HtmxMiddleware`` sets ``request.htmx`` on every request."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
