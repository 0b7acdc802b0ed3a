"""The JSON version of a comparison: open data, absolute URLs, fixed query count."""

import pytest

from tests.factories import ToolFactory, make_comparison
from tests.sharing.conftest import SITE, grow, vote

pytestmark = pytest.mark.django_db

# Comparison, entries, tools (with category and panel counts), pricing tiers, scorecards.
DATA_QUERIES = 5


def data_url(comparison) -> str:
    return f"/compare/{comparison.slug}.json"


def test_json_version_has_tools_numbers_scorecards_and_votes(client, content):
    vote(content.comparison, content.big)
    vote(content.comparison, content.big)
    vote(content.comparison, content.small)
    response = client.get(data_url(content.comparison))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["slug"] == "smolvlm2-vs-smolvlm2-2b"
    assert data["title"] == "SmolVLM2-2B vs SmolVLM2"
    assert data["url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/"
    assert data["json_url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b.json"
    assert data["share_image_url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/share.png"
    assert data["total_votes"] == 3
    big, small = data["tools"]
    assert [big["slug"], small["slug"]] == ["smolvlm2-2b", "smolvlm2"]  # the editor's order
    assert big["url"] == f"{SITE}/tools/smolvlm2-2b/"
    assert big["category"] == {
        "slug": "vlm",
        "name": "Vision-language models",
        "url": f"{SITE}/categories/vlm/",
    }
    assert (big["tagline"], big["website"], big["licence"]) == (
        "Does one thing well",
        "https://example.com/",
        "MIT",
    )
    assert big["entry_price"] == "Free"
    assert small["entry_price"] == "$9.5/mo"
    assert small["pricing_tiers"] == [
        {
            "name": "Hosted",
            "price_usd": "9.5",
            "unit": "mo",
            "display_price": "$9.5/mo",
            "note": "Via a partner",
        },
        {
            "name": "Enterprise",
            "price_usd": None,
            "unit": "",
            "display_price": "Contact sales",
            "note": "",
        },
    ]
    assert big["panel"] == {"ship_percent": 100, "ship": 2, "scorecards": 2}
    assert small["panel"] == {"ship_percent": 50, "ship": 1, "scorecards": 2}
    assert small["scorecards"][1] == {
        "reviewer": {
            "name": "Sam Skeptic",
            "slug": "sam",
            "lens": "skeptic",
            "url": f"{SITE}/reviewers/sam/",
        },
        "verdict": "skip",
        "quote": "Too small.",
    }
    assert big["community"] == {"votes": 2, "percent": 67}
    assert small["community"] == {"votes": 1, "percent": 33}


def test_no_votes_yet_is_null_not_zero_percent(client, content):
    data = client.get(data_url(content.comparison)).json()
    assert data["total_votes"] == 0
    assert [tool["community"] for tool in data["tools"]] == [
        {"votes": 0, "percent": None},
        {"votes": 0, "percent": None},
    ]


def test_every_url_in_the_json_is_on_site_url(client, content):
    body = client.get(data_url(content.comparison)).content.decode()
    assert "testserver" not in body
    assert body.count('"url": "') == body.count(f'"url": "{SITE}/')


def test_unknown_comparisons_have_no_json(client, content):
    assert client.get("/compare/nothing-vs-nowhere.json").status_code == 404


def test_staff_preview_a_drafts_json_privately(staff_client, content):
    response = staff_client.get(data_url(content.draft))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in response


def test_json_address_does_not_collide_with_the_page(client, content):
    assert client.get(content.comparison.get_absolute_url())["Content-Type"].startswith("text/html")
    assert client.get(data_url(content.comparison))["Content-Type"] == "application/json"


def test_json_query_count_is_pinned_and_does_not_grow(client, content, django_assert_num_queries):
    with django_assert_num_queries(DATA_QUERIES):
        client.get(data_url(content.comparison))
    grow(content)
    four = make_comparison(content.big, content.small, ToolFactory(), ToolFactory())
    for comparison in [content.comparison, four]:
        with django_assert_num_queries(DATA_QUERIES):
            response = client.get(data_url(comparison))
        assert response.status_code == 200
    assert len(response.json()["tools"]) == 4
