"""Following the site's own links from the home page, as a visitor (or a search engine) would."""

from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.test import Client


def crawl(client: Client, start: str = "/", limit: int = 400) -> dict[str, HttpResponse]:
    """Every address reachable from ``start`` by the links pages print (the admin aside), each
    with its answer, which must be a 200: a redirect or an error is a link that is not
    canonical. Feeds and JSON are reached but not followed, nor are ``rel="nofollow"`` links."""
    seen: dict[str, HttpResponse] = {}
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
            if "nofollow" in anchor.get("rel", []):
                continue  # the tool index's filter combinations: not followed by crawlers
            href = anchor["href"]
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


def html_pages(answers: dict[str, HttpResponse]) -> dict[str, bytes]:
    """The HTML documents among ``crawl``'s answers, by address."""
    return {
        path: response.content
        for path, response in answers.items()
        if response["Content-Type"].startswith("text/html")
    }
