"""JSON-LD: panel verdicts as critic reviews, community votes kept apart, safe against hostile text."""

import json
import re

import pytest
from bs4 import BeautifulSoup

from comparisons.models import Comparison
from comparisons.sharing.structured_data import json_ld_script, tool_json_ld
from tests.factories import ScorecardFactory, ToolFactory, make_comparison
from tests.sharing.conftest import SITE, vote

pytestmark = pytest.mark.django_db


def page_json_ld(client, comparison) -> tuple[dict, str]:
    html = client.get(comparison.get_absolute_url()).content.decode()
    blocks = BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string), html


def walk(node):
    """Every dict inside a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_comparison_json_ld_lists_the_tools_in_order_with_critic_reviews(client, content):
    vote(content.comparison, content.big)
    data, _ = page_json_ld(client, content.comparison)
    assert data["@type"] == "WebPage"
    assert data["name"] == "SmolVLM2-2B vs SmolVLM2"
    assert data["primaryImageOfPage"]["url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/share.png"
    items = data["mainEntity"]["itemListElement"]
    assert [item["position"] for item in items] == [1, 2]
    big, small = (item["item"] for item in items)
    assert (big["@type"], big["name"], big["url"]) == (
        "SoftwareApplication",
        "SmolVLM2-2B",
        f"{SITE}/tools/smolvlm2-2b/",
    )
    assert big["applicationCategory"] == "Vision-language models"
    review = next(r for r in small["review"] if r["author"]["name"] == "Sam Skeptic")
    assert review["@type"] == "Review"
    assert review["author"] == {
        "@type": "Person",
        "name": "Sam Skeptic",
        "url": f"{SITE}/reviewers/sam/",
        "description": "The skeptic: competitors and failure modes",
    }
    assert review["reviewBody"] == "Too small."
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "Skip",
        "ratingValue": 0,
        "bestRating": 1,
        "worstRating": 0,
    }
    assert {r["reviewRating"]["name"] for r in big["review"]} == {"Ship"}
    # Only priced tiers are offers; "contact sales" has no price to state.
    assert [(o["name"], o["price"], o["priceCurrency"]) for o in small["offers"]] == [
        ("Hosted", "9.5", "USD")
    ]
    assert small["offers"][0]["priceSpecification"]["unitText"] == "per month"


def test_community_votes_are_counters_apart_from_the_reviews(client, content):
    vote(content.comparison, content.big)
    vote(content.comparison, content.big)
    vote(content.comparison, content.small)
    data, _ = page_json_ld(client, content.comparison)
    counters = data["interactionStatistic"]
    tool_ids = [item["item"]["@id"] for item in data["mainEntity"]["itemListElement"]]
    assert [c["interactionType"]["actionOption"]["@id"] for c in counters] == tool_ids
    assert [c["interactionType"]["@type"] for c in counters] == ["VoteAction", "VoteAction"]
    assert [c["userInteractionCount"] for c in counters] == [2, 1]
    # No star rating built from votes, and no vote count inside a review.
    assert not any("aggregateRating" in node for node in walk(data))
    for item in data["mainEntity"]["itemListElement"]:
        for review in item["item"]["review"]:
            assert "interactionStatistic" not in review


def test_hostile_names_cannot_break_out_of_the_json_ld_block(client):
    hostile = "Evil</script><script>alert(\"x\")</script> & <!-- 'quoted'"
    a = ToolFactory(name=hostile, slug="evil", tagline="</SCRIPT>tagline")
    b = ToolFactory(name="Bravo", slug="bravo")
    ScorecardFactory(tool=a, quote="</script><img src=x onerror=alert(1)>")
    comparison = make_comparison(a, b)
    data, html = page_json_ld(client, comparison)
    assert data["mainEntity"]["itemListElement"][0]["item"]["name"] == hostile
    assert data["mainEntity"]["itemListElement"][0]["item"]["description"] == "</SCRIPT>tagline"
    review = data["mainEntity"]["itemListElement"][0]["item"]["review"][0]
    assert review["reviewBody"] == "</script><img src=x onerror=alert(1)>"
    # The raw block holds no markup at all, so nothing in it can end the element early.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert json.loads(block) == data
    # The only script elements are the data block and the site's own files.
    scripts = BeautifulSoup(html, "html.parser").find_all("script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    assert "<script>alert" not in html
    assert hostile in BeautifulSoup(html, "html.parser").title.string


def test_json_ld_script_escapes_markup_characters():
    rendered = str(json_ld_script({"name": "</script><!--&"}))
    assert rendered.startswith('<script type="application/ld+json">{')
    assert rendered.count("</script>") == 1 and rendered.endswith("</script>")
    assert "\\u003C/script\\u003E\\u003C!--\\u0026" in rendered


def test_tool_json_ld_is_reusable_for_the_tool_page(content, django_assert_num_queries):
    loaded = Comparison.objects.with_page_data().get(pk=content.comparison.pk)
    tool = loaded.ordered_tools[0]
    with django_assert_num_queries(0):
        data = tool_json_ld(tool)
    assert data["@id"] == f"{SITE}/tools/smolvlm2-2b/#tool"
    assert len(data["review"]) == 2
    assert "@context" not in data  # json_ld_script adds it once, at the top
    assert json.loads(str(json_ld_script(data)).split(">", 1)[1].rsplit("<", 1)[0])["@context"]
