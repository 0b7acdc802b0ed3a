"""Following the site's own links from the home page, as a visitor (or a search engine) would."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.test import Client

from tests.html import attr

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def crawl(client: Client, start: str = "/", limit: int = 400) -> dict[str, Response]:
    """Every address reachable from ``start`` by the links pages print (the admin aside), each
    with its answer, which must be a 200: a redirect or an error is a link that is not
    canonical. Feeds and JSON are reached but not followed, nor are ``rel="nofollow"`` links."""
    seen: dict[str, Response] = {}
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop()
        if path in seen:
            continue
        response = seen[path] = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        for anchor in BeautifulSoup(response.content, "html.parser").select("a[href]"):
            if "nofollow" in anchor.get_attribute_list("rel"):
                continue  # the tool index's filter combinations: not followed by crawlers
            href = attr(anchor, "href")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("#"):
                continue
            target = parts.path or path
            if parts.query:
                target += "?" + parts.query
            if target.startswith("/admin/"):
                continue
            queue.append(target if target.startswith("/") else path)
    return seen


def html_pages(answers: dict[str, Response]) -> dict[str, bytes]:
    """The HTML documents among ``crawl``'s answers, by address."""
    return {
        path: response.content
        for path, response in answers.items()
        if response["Content-Type"].startswith("text/html")
    }
