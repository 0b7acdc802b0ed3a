"""Open data: a comparison's JSON version (absolute URLs, fixed query count, its served JSON
Schema, revalidation, readable redirects and errors) and the whole-dataset downloads."""

import csv
import datetime
import io
import json
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from comparisons.models import Tool
from comparisons.sharing import datasets
from reviews.models import Scorecard
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
    four = make_comparison(content.big, content.small, ToolFactory.create(), ToolFactory.create())
    for comparison in [content.comparison, four]:
        with django_assert_num_queries(DATA_QUERIES):
            response = client.get(data_url(comparison))
        assert response.status_code == 200
    assert len(response.json()["tools"]) == 4


# --- The format's schema ----------------------------------------------------------------------


def served_schema(client) -> dict:
    response = client.get("/data/comparison.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    schema = response.json()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{SITE}/data/comparison.schema.json"
    return schema


def assert_valid(schema: dict, document: dict) -> None:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    error = best_match(validator.iter_errors(document))
    assert error is None, (list(error.absolute_path), error.message)


def test_every_kind_of_json_version_matches_the_served_schema(client, content):
    schema = served_schema(client)
    no_votes = client.get(data_url(content.comparison)).json()
    assert no_votes["schema_url"] == f"{SITE}/data/comparison.schema.json"
    assert no_votes["data_licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert_valid(schema, no_votes)
    vote(content.comparison, content.big)
    assert_valid(schema, client.get(data_url(content.comparison)).json())
    generated = client.get("/compare/moondream-2-vs-smolvlm2.json").json()
    assert generated["kind"] == "generated" and generated["published_at"] is None
    assert_valid(schema, generated)
    three = client.get("/compare/moondream-2-vs-smolvlm2-vs-smolvlm2-2b.json").json()
    assert three["kind"] == "generated" and len(three["tools"]) == 3
    assert_valid(schema, three)
    four = make_comparison(content.big, content.small, ToolFactory.create(), ToolFactory.create())
    assert_valid(schema, client.get(data_url(four)).json())


def test_the_schema_refuses_what_the_format_does_not_allow(client, content):
    schema = served_schema(client)
    document = client.get(data_url(content.comparison)).json()
    document["tools"][0]["community"]["percent"] = 120
    with pytest.raises(AssertionError):
        assert_valid(schema, document)


def test_about_links_the_schema_and_the_downloads(client, content):
    soup = BeautifulSoup(client.get("/about/").content, "html.parser")
    links = {a["href"] for a in soup.select("a[href]")}
    assert {
        "/data/comparison.schema.json",
        "/data/tools.jsonl",
        "/data/tools.csv",
        "/data/comparisons.jsonl",
        "/data/comparisons.csv",
        "https://creativecommons.org/licenses/by/4.0/",
    } <= links


# --- Revalidation, redirects and errors --------------------------------------------------------


def test_the_json_version_has_an_etag_and_answers_304_until_it_changes(client, content):
    first = client.get(data_url(content.comparison))
    etag = first["ETag"]
    again = client.get(data_url(content.comparison), headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    vote(content.comparison, content.big)
    changed = client.get(data_url(content.comparison), headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def assert_open_json_error(response, status: int) -> None:
    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["status"] == status


def test_redirects_and_errors_at_json_addresses_are_readable_from_other_sites(client, content):
    moved = client.get("/compare/smolvlm2-vs-moondream-2.json")  # the other order
    assert moved.status_code == 301
    assert moved["Location"] == "/compare/moondream-2-vs-smolvlm2.json"
    assert moved["Access-Control-Allow-Origin"] == "*"
    assert_open_json_error(client.get("/compare/nothing-vs-nowhere.json"), 404)
    assert_open_json_error(client.get("/compare/not a slug.json"), 404)  # no URL pattern
    assert_open_json_error(client.get("/data/nothing.jsonl"), 404)
    assert_open_json_error(client.get("/data/tools.xml"), 404)
    posted = client.post(data_url(content.comparison))
    assert_open_json_error(posted, 405)
    assert posted["Allow"] == "GET, HEAD"
    assert_open_json_error(client.get(data_url(content.comparison), {"q": "\x00"}), 400)
    # Pages keep their HTML error pages.
    assert client.get("/compare/nothing-vs-nowhere/")["Content-Type"].startswith("text/html")


# --- Whole-dataset downloads -------------------------------------------------------------------


def download(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    assert response.streaming
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    return response, b"".join(response.streaming_content).decode()


def test_the_tools_download_holds_every_published_tool(client, content):
    response, body = download(client, "/data/tools.jsonl")
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    records = [json.loads(line) for line in body.splitlines()]
    assert [record["slug"] for record in records] == ["moondream-2", "smolvlm2", "smolvlm2-2b"]
    in_comparison = client.get(data_url(content.comparison)).json()["tools"][1]
    small = records[1]
    assert small == {
        key: value for key, value in in_comparison.items() if key not in ("position", "community")
    }
    response, body = download(client, "/data/tools.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["slug"] for row in rows] == ["moondream-2", "smolvlm2", "smolvlm2-2b"]
    assert rows[1]["url"] == f"{SITE}/tools/smolvlm2/"
    assert (rows[1]["panel_ship_percent"], rows[1]["entry_price"]) == ("50", "$9.5/mo")
    assert rows[0]["panel_ship_percent"] == ""  # nothing to count: an empty cell, not "None"


def test_the_comparisons_download_holds_every_published_curated_comparison(client, content):
    vote(content.comparison, content.big)
    client.post("/compare/moondream-2-vs-smolvlm2/vote/", {"tool": "smolvlm2"})  # generated
    _, body = download(client, "/data/comparisons.jsonl")
    [record] = [json.loads(line) for line in body.splitlines()]  # not the draft, not generated
    assert record["slug"] == "smolvlm2-vs-smolvlm2-2b"
    assert record["url"] == f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/"
    assert record["total_votes"] == 1
    assert [(tool["slug"], tool["votes"], tool["percent"]) for tool in record["tools"]] == [
        ("smolvlm2-2b", 1, 100),
        ("smolvlm2", 0, 0),
    ]
    _, body = download(client, "/data/comparisons.csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["slug"], row["position"], row["tool_slug"]) for row in rows] == [
        ("smolvlm2-vs-smolvlm2-2b", "1", "smolvlm2-2b"),
        ("smolvlm2-vs-smolvlm2-2b", "2", "smolvlm2"),
    ]


def test_downloads_are_dated_by_their_newest_change_and_revalidate(client, content):
    response, _ = download(client, "/data/comparisons.jsonl")
    assert parsedate_to_datetime(
        response["Last-Modified"]
    ) == content.comparison.updated_at.replace(microsecond=0)
    since = response["Last-Modified"]
    unchanged = client.get("/data/comparisons.jsonl", headers={"if-modified-since": since})
    assert unchanged.status_code == 304
    assert unchanged["Access-Control-Allow-Origin"] == "*"
    with time_machine.travel(datetime.timedelta(minutes=5)):
        vote(content.comparison, content.small)  # a vote changes the counts, not the row
    response, _ = download(client, "/data/comparisons.jsonl", **{"if-modified-since": since})
    assert parsedate_to_datetime(response["Last-Modified"]) > parsedate_to_datetime(since)
    tools, _ = download(client, "/data/tools.csv")
    newest = max(
        [tool.updated_at for tool in Tool.objects.filter(is_published=True)]
        + [card.updated_at for card in Scorecard.objects.all()]
    )
    assert parsedate_to_datetime(tools["Last-Modified"]) == newest.replace(microsecond=0)


def test_downloads_stream_in_a_fixed_number_of_queries(client, content, django_assert_num_queries):
    # Its date (two aggregates), then the rows: tools, pricing tiers, scorecards.
    with django_assert_num_queries(5):
        download(client, "/data/tools.jsonl")
    grow(content, times=3)
    with django_assert_num_queries(5):
        _, body = download(client, "/data/tools.jsonl")
    assert len(body.splitlines()) == Tool.objects.filter(is_published=True).count()


def test_downloads_are_written_in_blocks_not_a_line_at_a_time(client, content, monkeypatch):
    monkeypatch.setattr(datasets, "WRITE_SIZE", 200)
    grow(content, times=2)
    response = client.get("/data/tools.csv")
    blocks = list(response.streaming_content)
    assert len(blocks) > 1
    assert all(len(block) >= 200 for block in blocks[:-1])
    assert b"".join(blocks).count(b"\n") == Tool.objects.filter(is_published=True).count() + 1


def test_a_head_of_a_download_reads_no_rows(client, content, django_assert_num_queries):
    with django_assert_num_queries(2):  # the date's two aggregates
        response = client.head("/data/tools.csv")
    assert response.status_code == 200 and not response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Last-Modified"]
    assert response["Content-Disposition"] == 'attachment; filename="ai-tool-verdicts-tools.csv"'


def test_the_csv_download_defuses_formulas_and_the_json_lines_keep_the_text(client, content):
    tagline = '=HYPERLINK("https://evil.example","click")'
    Tool.objects.filter(slug="smolvlm2").update(tagline=tagline, vendor="-Lab")
    _, body = download(client, "/data/tools.csv")
    row = next(row for row in csv.DictReader(io.StringIO(body)) if row["slug"] == "smolvlm2")
    assert row["tagline"] == f"'{tagline}"
    assert row["vendor"] == "'-Lab"
    assert row["panel_ship_percent"] == "50"  # numbers are not text: left alone
    _, body = download(client, "/data/tools.jsonl")
    record = next(json.loads(line) for line in body.splitlines() if '"smolvlm2"' in line)
    assert record["tagline"] == tagline
