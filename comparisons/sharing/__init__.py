"""Sharing a comparison beyond the page: share image, JSON-LD, the JSON version and Atom feeds.

Everything here prints absolute URLs through ``compsite.urls_absolute.absolute`` (from
``SITE_URL``), and reads only data the caller has loaded with one of the queryset methods named in
each function's docstring, so a view's query count stays fixed however much content there is.
"""

SITE_NAME = "AI Tool Verdicts"
