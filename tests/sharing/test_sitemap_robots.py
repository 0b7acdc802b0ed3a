"""The sitemap index, its sections and robots.txt: parsed as XML and text, every address on SITE_URL."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from lxml import etree

from compsite import pages
from compsite.sitemaps import SITEMAPS, SiteUrlSitemap
from newsletter.models import Edition
from reviews.models import Scorecard
from tests.newsletter.factories import make_edition
from tests.services import ROOT
from tests.sharing.conftest import SITE, grow

pytestmark = pytest.mark.django_db

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP = {"sm": NS}
PROTOCOL_LIMIT = 50_000
# The index: for comparisons, categories and reviewers a count and a latest date, for tools a
# count and two latest dates (its own and its verdicts'), for editions a count (none went out),
# for the site's pages their five dates (comparisons, panel vs crowd, tools, verdicts, editions).
INDEX_QUERIES = 15
SECTION_QUERIES = 2  # the paginator's count and the page
PAGES_QUERIES = 5  # the site's pages: their dates
SCHEMAS = ROOT / "tests" / "schemas"
# sitemaps.org's schemas: sitemap.xsd as npm's sitemap package ships it, siteindex.xsd as
# sitemaps.org publishes it.
URLSET_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
INDEX_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
SECTION = re.compile(rf"^{re.escape(SITE)}/sitemap-(\w+)\.xml(?:\?p=(\d+))?$")


def fetch(client, url: str) -> ET.Element:
    """The sitemap document at ``url``, valid against its sitemaps.org schema."""
    assert url.startswith(SITE), url
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    document = etree.fromstring(response.content)
    schema = INDEX_SCHEMA if document.tag == f"{{{NS}}}sitemapindex" else URLSET_SCHEMA
    assert schema.validate(document), (url, schema.error_log)
    return ET.fromstring(response.content)


def loc_and_lastmod(entry: ET.Element) -> tuple[str, str | None]:
    loc = entry.findtext("sm:loc", namespaces=SITEMAP)
    assert loc is not None, "an entry without its address"
    return loc, entry.findtext("sm:lastmod", namespaces=SITEMAP)


def index(client) -> dict[str, str | None]:
    """The index's entries: each section page's address and its lastmod."""
    root = fetch(client, f"{SITE}/sitemap.xml")
    assert root.tag == f"{{{NS}}}sitemapindex"
    entries = [loc_and_lastmod(entry) for entry in root.findall("sm:sitemap", SITEMAP)]
    assert len(entries) == len(dict(entries)), "an address twice"
    return dict(entries)


def section(client, url: str) -> dict[str, str | None]:
    root = fetch(client, url)
    assert root.tag == f"{{{NS}}}urlset"
    urls = [loc_and_lastmod(url) for url in root.findall("sm:url", SITEMAP)]
    assert len(urls) == len(dict(urls)), "an address twice"
    return dict(urls)


def sitemap(client) -> dict[str, str | None]:
    """Every address the sitemap lists, following the index into each section page."""
    urls: dict[str, str | None] = {}
    for url in index(client):
        found = section(client, url)
        assert found, f"{url} lists nothing"
        assert not set(found) & set(urls), "an address in two sections"
        urls.update(found)
    return urls


def test_sitemap_is_an_index_of_sections_on_site_url(client, content):
    entries = index(client)
    sections = {SECTION.match(url).group(1) for url in entries}
    # No edition went out yet: an empty section is left out (a sitemap lists at least one URL).
    assert sections == {"pages", "comparisons", "tools", "categories", "reviewers"}
    for url, lastmod in entries.items():
        assert datetime.datetime.fromisoformat(lastmod).tzinfo is not None, url


def test_sitemap_lists_published_content_on_site_url(client, content):
    urls = sitemap(client)
    for path in [
        "/",
        "/tools/",
        "/categories/",
        "/reviewers/",
        "/newsletter/",
        "/panel-vs-crowd/",
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
    assert not [url for url in urls if "/search/" in url or "/admin/" in url]


def test_sitemap_dates_what_changed(client, content):
    urls = sitemap(client)
    comparison = f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/"
    assert urls[comparison] == content.comparison.updated_at.date().isoformat()
    for path in ["/tools/smolvlm2-2b/", "/categories/vlm/", "/reviewers/ada/"]:
        assert urls[SITE + path], path  # a W3C date
    newest = max(
        content.big.updated_at, *(card.updated_at for card in content.big.scorecards.all())
    )
    assert urls[f"{SITE}/tools/smolvlm2-2b/"] == newest.date().isoformat()


def test_every_page_of_the_site_is_dated_by_what_it_shows(client, content):
    sent = make_edition(
        content.comparison, number=1, status=Edition.Status.SENT, sent_at=timezone.now()
    )
    urls = sitemap(client)
    tools = max(
        tool.updated_at for tool in [content.big, content.small, content.draft.tools.last()]
    )
    verdicts = max(card.updated_at for card in Scorecard.objects.all())
    expected = {
        "/": max(content.comparison.updated_at, tools),
        "/tools/": max(tools, verdicts),
        "/categories/": tools,
        "/reviewers/": verdicts,
        "/newsletter/": sent.updated_at,
        "/about/": pages.ABOUT_REVISED,
        "/privacy/": pages.PRIVACY_REVISED,
    }
    for path, date in expected.items():
        assert urls[SITE + path] == date.date().isoformat(), path


def test_the_index_dates_each_section_by_its_newest_item(client, content):
    entries = index(client)
    comparisons = next(lastmod for url, lastmod in entries.items() if "comparisons" in url)
    assert datetime.datetime.fromisoformat(comparisons) == content.comparison.updated_at


def test_sent_editions_are_listed_and_drafts_are_not(client, content):
    sent = make_edition(
        content.comparison, number=1, status=Edition.Status.SENT, sent_at=timezone.now()
    )
    make_edition(content.comparison)  # a draft: no number, no page
    urls = sitemap(client)
    editions = [url for url in urls if "/newsletter/" in url and url != f"{SITE}/newsletter/"]
    assert editions == [f"{SITE}{sent.get_absolute_url()}"]
    assert urls[editions[0]] == sent.updated_at.date().isoformat()


def test_sections_are_paginated_at_their_limit(client, content, monkeypatch) -> None:
    everything = sitemap(client)
    monkeypatch.setattr(SiteUrlSitemap, "limit", 2)
    entries = index(client)
    pages: dict[str, list[int]] = {}
    for url in entries:
        match = SECTION.match(url)
        assert match is not None, url
        name, page = match.groups()
        pages.setdefault(name, []).append(int(page or 1))
    assert pages["tools"] == [1, 2]  # three published tools
    assert pages["pages"] == [1, 2, 3, 4, 5]  # the site's nine own pages
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in pages.values())
    paged = {}
    for url in entries:
        found = section(client, url)
        assert 1 <= len(found) <= 2, url
        paged.update(found)
    assert paged == everything
    assert client.get("/sitemap-tools.xml?p=3").status_code == 404


def test_no_section_page_lists_more_than_the_protocol_allows():
    assert all(sitemap_class().limit <= PROTOCOL_LIMIT for sitemap_class in SITEMAPS.values())


def test_sitemap_query_counts_are_pinned_and_do_not_grow(
    client, content, django_assert_num_queries
):
    def count_everything():
        with django_assert_num_queries(INDEX_QUERIES):
            entries = index(client)
        urls = {}
        for url in entries:
            queries = PAGES_QUERIES if "/sitemap-pages.xml" in url else SECTION_QUERIES
            with django_assert_num_queries(queries):
                urls.update(section(client, url))
        return urls

    before = count_everything()
    grow(content, times=3)
    after = count_everything()
    assert len(after) > len(before)


def test_unknown_sections_and_pages_answer_404(client, content):
    for path in ["/sitemap-nothing.xml", "/sitemap-tools.xml?p=0", "/sitemap-tools.xml?p=x"]:
        assert client.get(path).status_code == 404, path
    assert client.get("/sitemap-tools.xml?p=2").status_code == 404


def test_robots_names_the_sitemap_index_on_site_url(client, content):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    named = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert [fetch(client, url).tag for url in named] == [f"{{{NS}}}sitemapindex"]


def test_sitemap_and_robots_answer_only_safe_methods(client, content):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/sitemap-tools.xml").status_code == 405
    assert client.post("/robots.txt").status_code == 405
    assert client.post("/feeds/comparisons/").status_code == 405


def test_the_index_reads_the_newest_changes_from_indexes_not_every_row(db):
    """The index's lastmod is each section's newest change: at 50,000 tools an aggregate over
    every tool and scorecard cost most of the index (bench/SCALE.md); the newest is read from
    the top of an index instead."""
    from comparisons.models import Tool
    from reviews.models import Scorecard
    from tests.comparisons.test_counters import indexes_used, plan

    newest_tool = Tool.objects.published().order_by("-updated_at").values("updated_at")[:1]
    newest_verdict = (
        Scorecard.objects.filter(tool__is_published=True)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    assert "tool_newest_change" in indexes_used(plan(newest_tool))
    assert "scorecard_newest_change" in indexes_used(plan(newest_verdict))
