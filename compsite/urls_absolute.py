"""Absolute URLs, always from ``SITE_URL`` (docs/addresses.md: never from the request).

Canonical links, OpenGraph tags, JSON-LD, the JSON version, feeds, the sitemap and robots.txt all
print absolute URLs. Building them from the request's Host header would let whoever sends the
request choose the host that search engines and social sites record, so every one of them comes
through this module.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.encoding import iri_to_uri


def absolute(path: str) -> str:
    """``SITE_URL`` + ``path``, where ``path`` is a site path such as ``reverse()`` returns."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"Expected a path on this site starting with one '/', got {path!r}.")
    # reverse() already percent-encodes; a request's path may hold non-ASCII letters.
    return settings.SITE_URL + iri_to_uri(path)


def site_host() -> str:
    """The host readers see (``verdicts.example``): printed on share images."""
    return urlsplit(settings.SITE_URL).netloc
