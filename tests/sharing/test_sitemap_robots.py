"""The sitemap and robots.txt: parsed as XML and text, every address on SITE_URL."""

import xml.etree.ElementTree as ET

import pytest

from tests.sharing.conftest import SITE, grow

pytestmark = pytest.mark.django_db

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# One count and one page query for each of comparisons, tools, categories and reviewers.
SITEMAP_QUERIES = 8


def sitemap(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=SITEMAP): url.findtext("sm:lastmod", namespaces=SITEMAP)
        for url in root.findall("sm:url", SITEMAP)
    }


def test_sitemap_lists_published_content_on_site_url(client, content):
    urls = sitemap(client)
    for path in [
        "/",
        "/reviewers/",
        "/about/",
        "/privacy/",
        "/compare/smolvlm2-vs-smolvlm2-2b/",
        "/tools/smolvlm2-2b/",
        "/tools/smolvlm2/",
        "/tools/moondream-2/",
        "/categories/vlm/",
        "/reviewers/ada/",
        "/reviewers/sam/",
    ]:
        assert SITE + path in urls, path
    assert all(url.startswith(f"{SITE}/") for url in urls)
    assert f"{SITE}{content.draft.get_absolute_url()}" not in urls
    assert f"{SITE}/tools/secret-tool/" not in urls


def test_sitemap_dates_what_changed(client, content):
    urls = sitemap(client)
    comparison = f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/"
    assert urls[comparison] == content.comparison.updated_at.date().isoformat()
    for path in ["/tools/smolvlm2-2b/", "/categories/vlm/", "/reviewers/ada/"]:
        assert urls[SITE + path], path  # a W3C date


def test_sitemap_query_count_is_pinned_and_does_not_grow(
    client, content, django_assert_num_queries
):
    with django_assert_num_queries(SITEMAP_QUERIES):
        before = sitemap(client)
    grow(content, times=3)
    with django_assert_num_queries(SITEMAP_QUERIES):
        after = sitemap(client)
    assert len(after) > len(before)


def test_robots_names_the_sitemap_on_site_url(client, content):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_sitemap_and_robots_answer_only_safe_methods(client, content):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/robots.txt").status_code == 405
    assert client.post("/feeds/comparisons/").status_code == 405
