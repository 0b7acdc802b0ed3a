"""Atom feeds: all comparisons, and one per category; parsed as XML, links on SITE_URL."""

import xml.etree.ElementTree as ET

import pytest

from comparisons.models import Category, Comparison, Tool
from tests.factories import CategoryFactory
from tests.sharing.conftest import SITE, grow, vote

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
# Comparisons, their entries, their tools (with categories and panel counts).
FEED_QUERIES = 3
CATEGORY_FEED_QUERIES = FEED_QUERIES + 1  # the category


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def links(element: ET.Element, rel: str) -> list[str]:
    return [link.attrib["href"] for link in element.findall(f"atom:link[@rel='{rel}']", ATOM)]


def test_comparison_feed_is_atom_with_absolute_links(client, content):
    vote(content.comparison, content.big)
    feed = parse(client.get("/feeds/comparisons/"))
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert (
        feed.findtext("atom:title", namespaces=ATOM) == "AI Tool Verdicts: the latest comparisons"
    )
    assert links(feed, "self") == [f"{SITE}/feeds/comparisons/"]
    assert links(feed, "alternate") == [f"{SITE}/"]
    assert feed.findtext("atom:id", namespaces=ATOM) == f"{SITE}/feeds/comparisons/"
    [entry] = feed.findall("atom:entry", ATOM)  # the draft is not in it
    assert entry.findtext("atom:title", namespaces=ATOM) == "SmolVLM2-2B vs SmolVLM2"
    assert links(entry, "alternate") == [f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/"]
    assert entry.findtext("atom:id", namespaces=ATOM).startswith("urn:uuid:")
    assert entry.findtext("atom:published", namespaces=ATOM)
    assert entry.findtext("atom:updated", namespaces=ATOM)
    assert [c.get("term") for c in entry.findall("atom:category", ATOM)] == [
        "Vision-language models"
    ]
    summary = entry.findtext("atom:summary", namespaces=ATOM)
    # One vote is no share yet: the count shows until there are five.
    assert "Panel ship 100% (2 of 2 ship), Community 1 vote" in summary
    assert "1 community vote so far" in summary
    assert "testserver" not in client.get("/feeds/comparisons/").content.decode()


def test_category_feed_has_the_categorys_comparisons_only(client, content):
    grow(content, times=1)
    feed = parse(client.get("/feeds/categories/vlm/"))
    assert feed.findtext("atom:title", namespaces=ATOM) == (
        "AI Tool Verdicts: Vision-language models comparisons"
    )
    assert links(feed, "self") == [f"{SITE}/feeds/categories/vlm/"]
    assert links(feed, "alternate") == [f"{SITE}/categories/vlm/"]
    titles = [
        entry.findtext("atom:title", namespaces=ATOM) for entry in feed.findall("atom:entry", ATOM)
    ]
    # The comparison of the category's two tools, and the one pairing SmolVLM2-2B with another.
    assert len(titles) == 2
    assert "SmolVLM2-2B vs SmolVLM2" in titles
    assert all("SmolVLM2" in title for title in titles)


def test_category_feed_of_an_empty_category_is_valid_and_empty(client, content):
    CategoryFactory.create(slug="empty", name="Empty")
    feed = parse(client.get("/feeds/categories/empty/"))
    assert feed.findall("atom:entry", ATOM) == []


def test_unknown_category_feed_is_a_404(client, content):
    assert client.get("/feeds/categories/no-such-category/").status_code == 404


def test_feed_query_counts_are_pinned_and_do_not_grow(client, content, django_assert_num_queries):
    with django_assert_num_queries(FEED_QUERIES):
        client.get("/feeds/comparisons/")
    with django_assert_num_queries(CATEGORY_FEED_QUERIES):
        client.get("/feeds/categories/vlm/")
    grow(content, times=4)
    with django_assert_num_queries(FEED_QUERIES):
        feed = parse(client.get("/feeds/comparisons/"))
    assert len(feed.findall("atom:entry", ATOM)) == 9
    with django_assert_num_queries(CATEGORY_FEED_QUERIES):
        feed = parse(client.get("/feeds/categories/vlm/"))
    assert len(feed.findall("atom:entry", ATOM)) == 5


def test_feeds_leave_out_control_characters_that_xml_cannot_carry(client, content):
    # A form feed pasted into an intro passes any form; names stored before they were validated
    # may hold the rest. Django refuses to write either into XML (that was a 500).
    Comparison.objects.filter(pk=content.comparison.pk).update(
        intro="Two\x0csizes\x0b.", title="Smol\x01VLM2-2B vs SmolVLM2"
    )
    Tool.objects.filter(pk=content.big.pk).update(name="Smol\x01VLM2-2B")
    Category.objects.filter(pk=content.category.pk).update(
        name="Vision\x1f models", description="Models\x08 that read images."
    )
    for path in ("/feeds/comparisons/", "/feeds/categories/vlm/"):
        feed = parse(client.get(path))
        [entry] = feed.findall("atom:entry", ATOM)
        assert entry.findtext("atom:title", namespaces=ATOM) == "SmolVLM2-2B vs SmolVLM2"
        summary = entry.findtext("atom:summary", namespaces=ATOM)
        assert "<strong>SmolVLM2-2B</strong>" in summary and "Twosizes." in summary
        assert [c.get("term") for c in entry.findall("atom:category", ATOM)] == ["Vision models"]
    assert feed.findtext("atom:title", namespaces=ATOM).endswith(": Vision models comparisons")
    assert feed.findtext("atom:subtitle", namespaces=ATOM) == "Models that read images."
