"""Sharing a comparison beyond the page: share image, JSON-LD, the JSON version and Atom feeds.

Everything here prints absolute URLs through ``compsite.urls_absolute.absolute`` (from
``SITE_URL``). The builders (JSON-LD, JSON version, drawing) run no query of their own: they read
what the caller loaded with the queryset method their docstring names, so each view's query count
stays fixed however much content there is.
"""

SITE_NAME = "AI Tool Verdicts"
