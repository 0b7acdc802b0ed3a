"""JSON-LD: panel verdicts as critic reviews, community votes kept apart, safe against hostile text."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from comparisons.models import Comparison, Tool
from comparisons.sharing.application_categories import (
    BY_CATEGORY_SLUG,
    GOOGLE_APPLICATION_CATEGORIES,
    application_category,
)
from comparisons.sharing.structured_data import json_ld_script, tool_json_ld, without_nulls
from reviews.models import Scorecard
from tests.factories import ScorecardFactory, ToolFactory, make_comparison
from tests.services import ROOT
from tests.sharing.conftest import SITE, vote

pytestmark = pytest.mark.django_db


SCHEMA = json.loads((ROOT / "tests" / "schemas" / "structured-data.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def page_json_ld(client, path: str) -> tuple[dict, str]:
    """The page's one JSON-LD block, valid against the structured-data schema."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    blocks = BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    text = blocks[0].string
    assert text is not None, "an empty JSON-LD block"
    data = json.loads(text)
    error = best_match(VALIDATOR.iter_errors(data))
    assert error is None, (path, list(error.absolute_path), error.message)
    return data, html


def walk(node):
    """Every dict inside a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_a_tool_page_is_a_software_application_with_offers_and_critic_reviews(client, content):
    data, _ = page_json_ld(client, "/tools/smolvlm2/")
    assert (data["@type"], data["name"], data["url"]) == (
        "SoftwareApplication",
        "SmolVLM2",
        f"{SITE}/tools/smolvlm2/",
    )
    assert data["@id"] == f"{SITE}/tools/smolvlm2/#tool"
    # Google's list, not the site's own words (which stay, as the genre).
    assert data["applicationCategory"] == "DeveloperApplication"
    assert data["genre"] == "Vision-language models"
    # Only priced tiers are offers; "contact sales" has no price to state.
    assert [(o["name"], o["price"], o["priceCurrency"]) for o in data["offers"]] == [
        ("Hosted", "9.5", "USD")
    ]
    assert data["offers"][0]["priceSpecification"]["unitText"] == "per month"
    review = next(r for r in data["review"] if r["author"]["name"] == "Sam Skeptic")
    scorecard = Scorecard.objects.get(tool=content.small, reviewer__slug="sam")
    assert review["@type"] == "Review"
    assert review["author"] == {
        "@type": "Person",
        "name": "Sam Skeptic",
        "url": f"{SITE}/reviewers/sam/",
        "description": "The skeptic: competitors and failure modes",
    }
    assert review["datePublished"] == scorecard.created_at.date().isoformat()
    assert review["reviewBody"] == "Too small."
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "Skip",
        "ratingValue": 0,
        "bestRating": 1,
        "worstRating": 0,
    }
    big, _ = page_json_ld(client, "/tools/smolvlm2-2b/")
    assert {r["reviewRating"]["name"] for r in big["review"]} == {"Ship"}


def test_operating_system_is_stated_only_where_an_editor_gave_it(client, content):
    data, _ = page_json_ld(client, "/tools/smolvlm2/")
    assert "operatingSystem" not in data  # unknown: left out, never guessed
    Tool.objects.filter(pk=content.small.pk).update(operating_systems="Linux, macOS, Windows")
    data, _ = page_json_ld(client, "/tools/smolvlm2/")
    assert data["operatingSystem"] == "Linux, macOS, Windows"


def test_known_categories_map_to_googles_list():
    assert application_category("coding-assistants") == "DeveloperApplication"
    assert application_category("image-generation") == "DesignApplication"
    assert application_category("a-category-nobody-mapped") == "DeveloperApplication"
    assert set(BY_CATEGORY_SLUG.values()) <= GOOGLE_APPLICATION_CATEGORIES


def test_comparison_json_ld_lists_the_tools_by_their_own_pages(client, content):
    vote(content.comparison, content.big)
    data, _ = page_json_ld(client, content.comparison.get_absolute_url())
    assert data["@type"] == "WebPage"
    assert data["name"] == "SmolVLM2-2B vs SmolVLM2"
    assert data["primaryImageOfPage"]["url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/share.png"
    assert data["mainEntity"]["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "name": "SmolVLM2-2B",
            "url": f"{SITE}/tools/smolvlm2-2b/",
        },
        {"@type": "ListItem", "position": 2, "name": "SmolVLM2", "url": f"{SITE}/tools/smolvlm2/"},
    ]
    # The reviews are the tool pages': none is repeated inside the list.
    assert not any(node.get("@type") == "Review" for node in walk(data))


def test_community_votes_are_counters_apart_from_the_reviews(client, content):
    vote(content.comparison, content.big)
    vote(content.comparison, content.big)
    vote(content.comparison, content.small)
    data, _ = page_json_ld(client, content.comparison.get_absolute_url())
    counters = data["interactionStatistic"]
    assert [c["interactionType"]["actionOption"]["@id"] for c in counters] == [
        f"{SITE}/tools/smolvlm2-2b/#tool",
        f"{SITE}/tools/smolvlm2/#tool",
    ]
    assert [c["interactionType"]["@type"] for c in counters] == ["VoteAction", "VoteAction"]
    assert [c["userInteractionCount"] for c in counters] == [2, 1]
    # No star rating built from votes.
    assert not any("aggregateRating" in node for node in walk(data))
    tool, _ = page_json_ld(client, "/tools/smolvlm2/")
    assert not any("interactionStatistic" in node for node in walk(tool))


@pytest.mark.parametrize(
    "path",
    ["/compare/moondream-2-vs-smolvlm2/", "/compare/moondream-2-vs-smolvlm2-vs-smolvlm2-2b/"],
)
def test_a_generated_pair_or_three_way_has_no_null_dates(client, content, path):
    """A generated comparison was never published: the date is left out, never null."""
    data, html = page_json_ld(client, path)
    assert "datePublished" not in data
    assert "null" not in html.split('type="application/ld+json">', 1)[1].split("</script>")[0]


def test_without_nulls_leaves_out_every_null_at_any_depth():
    assert without_nulls({"a": None, "b": [None, {"c": None, "d": 0}], "e": ""}) == {
        "b": [{"d": 0}],
        "e": "",
    }


def test_every_tool_and_comparison_page_of_the_demo_is_valid(client):
    call_command("seed_demo")
    paths = [tool.get_absolute_url() for tool in Tool.objects.published()]
    paths += [comparison.get_absolute_url() for comparison in Comparison.objects.published()]
    paths.append("/compare/claude-vs-cursor/")  # generated
    for path in paths:
        page_json_ld(client, path)
    ollama, _ = page_json_ld(client, "/tools/ollama/")
    assert ollama["operatingSystem"] == "macOS, Windows, Linux"


def test_hostile_names_cannot_break_out_of_the_json_ld_block(client):
    hostile = "Evil</script><script>alert(\"x\")</script> & <!-- 'quoted'"
    a = ToolFactory.create(name=hostile, slug="evil", tagline="</SCRIPT>tagline")
    b = ToolFactory.create(name="Bravo", slug="bravo")
    ScorecardFactory.create(tool=a, quote="</script><img src=x onerror=alert(1)>")
    comparison = make_comparison(a, b)
    data, html = page_json_ld(client, "/tools/evil/")
    assert data["name"] == hostile
    assert data["description"] == "</SCRIPT>tagline"
    assert data["review"][0]["reviewBody"] == "</script><img src=x onerror=alert(1)>"
    assert (
        page_json_ld(client, comparison.get_absolute_url())[0]["mainEntity"]["itemListElement"][0][
            "name"
        ]
        == hostile
    )
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
