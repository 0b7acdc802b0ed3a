"""Tools, categories, reviewers, any-pair pages and trending (the picker: test_picker.py)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comparisons.models import Comparison, ComparisonEntry, Tool, Vote
from reviews.models import Verdict
from tests.catalogue import add_tools
from tests.clients import CommittingClient
from tests.crawl import crawl
from tests.factories import (
    CategoryFactory,
    PricingTierFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)
from tests.html import soup_of

pytestmark = pytest.mark.django_db


def reader() -> Client:
    return CommittingClient()


# --- Any pair -------------------------------------------------------------------------------


@pytest.fixture
def pair():
    category = CategoryFactory.create(name="Speech", slug="speech")
    whisper = ToolFactory.create(name="Whisper", slug="whisper", category=category)
    deepgram = ToolFactory.create(name="Deepgram", slug="deepgram", category=category)
    reviewer = ReviewerFactory.create(name="Ada")
    ScorecardFactory.create(
        reviewer=reviewer, tool=whisper, verdict=Verdict.SHIP, quote="Runs anywhere."
    )
    ScorecardFactory.create(
        reviewer=reviewer, tool=deepgram, verdict=Verdict.SKIP, quote="Meters every minute."
    )
    PricingTierFactory.create(tool=deepgram, name="Pay as you go", price="0.0043", unit="min")
    return whisper, deepgram


def test_any_two_published_tools_have_a_generated_page(client, pair):
    soup = soup_of(client.get("/compare/deepgram-vs-whisper/"))
    assert soup.h1.get_text() == "Deepgram vs Whisper"
    assert [card.h3.get_text(strip=True) for card in soup.select(".tool-card")] == [
        "Deepgram",
        "Whisper",
    ]
    assert "Runs anywhere." in soup.select_one("table.split").get_text()
    assert "$0.0043/min" in soup.select_one("#pricing").get_text()
    assert "Editor's verdict" not in soup.get_text()
    assert soup.select_one("#vote form")["action"] == "/compare/deepgram-vs-whisper/vote/"
    assert Comparison.objects.count() == 0  # nothing is stored by looking


def test_a_generated_pair_without_votes_is_noindex(client, pair):
    response = client.get("/compare/deepgram-vs-whisper/")
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert soup_of(response).select_one('meta[name="robots"]')["content"] == "noindex"


def test_reverse_order_redirects_permanently(client, pair):
    response = client.get("/compare/whisper-vs-deepgram/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/compare/deepgram-vs-whisper/"


@pytest.mark.parametrize(
    "address",
    [
        "/compare/whisper-vs-whisper/",
        "/compare/whisper-vs-nothing/",
        "/compare/whisper/",
        "/compare/a-vs-b-vs-c/",
        "/compare/deepgram-vs-whisper-vs-deepgram/",
        "/compare/-vs-/",
    ],
)
def test_addresses_that_are_not_a_pair_are_404(client, pair, address):
    assert client.get(address).status_code == 404


def test_an_unpublished_tool_has_no_pair_page(client, pair):
    whisper, _ = pair
    Tool.objects.filter(pk=whisper.pk).update(is_published=False)
    assert client.get("/compare/deepgram-vs-whisper/").status_code == 404


def test_a_published_curated_comparison_wins_over_generation(client, pair):
    whisper, deepgram = pair
    make_comparison(whisper, deepgram, verdict="Pick Whisper to self-host.")
    response = client.get("/compare/deepgram-vs-whisper/")
    soup = soup_of(response)
    assert soup.h1.get_text() == "Whisper vs Deepgram"  # the editor's order
    assert "Pick Whisper to self-host." in soup.get_text()
    assert "X-Robots-Tag" not in response.headers


def test_the_first_vote_stores_the_pair_as_a_generated_comparison(client, pair):
    response = client.post("/compare/deepgram-vs-whisper/vote/", {"tool": "whisper"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/compare/deepgram-vs-whisper/?voted=1#vote"
    comparison = Comparison.objects.get()
    assert comparison.kind == Comparison.Kind.GENERATED
    assert comparison.is_live and comparison.slug == "deepgram-vs-whisper"
    assert dict(comparison.entries.values_list("tool__slug", "vote_count")) == {
        "deepgram": 0,
        "whisper": 1,
    }
    page = client.get("/compare/deepgram-vs-whisper/")
    assert "X-Robots-Tag" not in page.headers  # it has a vote now: worth indexing
    # The shared page names its stored comparison, for the script that marks a reader's vote…
    assert f'data-comparison="{comparison.pk}"' in page.content.decode()
    # …and the voter's own copy marks it.
    mine = client.get("/compare/deepgram-vs-whisper/?voted=1").content.decode()
    assert 'class="vote-option is-mine"' in mine and "✓ Your vote: Whisper" in mine
    reader().post("/compare/deepgram-vs-whisper/vote/", {"tool": "deepgram"})
    assert Comparison.objects.count() == 1 and Vote.objects.count() == 2


def test_a_bad_vote_on_a_generated_pair_stores_nothing(client, pair):
    assert client.post("/compare/deepgram-vs-whisper/vote/", {"tool": "nope"}).status_code == 400
    assert client.post("/compare/whisper-vs-deepgram/vote/", {"tool": "whisper"}).status_code == 404
    assert Comparison.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_first_votes_racing_on_a_new_pair_make_one_comparison(pair, settings):
    from tests.comparisons.test_votes import run_at_once

    settings.VOTE_RATE = "1000/m"
    statuses = run_at_once(
        12,
        lambda i: (
            reader().post("/compare/deepgram-vs-whisper/vote/", {"tool": "whisper"}).status_code
        ),
    )
    assert statuses == [303] * 12
    assert Comparison.objects.count() == 1
    assert ComparisonEntry.objects.get(tool__slug="whisper").vote_count == 12


# --- Tool, category and reviewer pages ------------------------------------------------------


@pytest.fixture
def catalogue():
    call_command("seed_demo")


def test_tool_page_shows_card_pricing_scorecards_comparisons_alternatives_and_picker(
    client, catalogue
):
    soup = soup_of(client.get("/tools/smolvlm2/"))
    assert soup.h1.get_text() == "SmolVLM2"
    assert len(soup.select(".scorecard")) == 4
    assert "Prices checked" in soup.select_one("#pricing-heading").find_parent("section").get_text()
    comparison_links = [a["href"] for a in soup.select(".comparison-card h3 a")]
    assert "/compare/smolvlm2-vs-smolvlm2-2b/" in comparison_links
    alternatives = [a["href"] for a in soup.select("#alternatives-heading ~ ul a")]
    assert "/tools/smolvlm2-2b/" in alternatives and "/tools/smolvlm2/" not in alternatives
    picker = soup.select_one("form.picker")
    assert picker.select_one('input[type="hidden"][name="a"]')["value"] == "smolvlm2"
    assert picker.select_one('input[type="text"][name="b"]')
    assert not picker.select("select, option")  # the picker never lists the catalogue


def test_unknown_or_unpublished_tool_is_404(client, catalogue):
    assert client.get("/tools/nope/").status_code == 404
    Tool.objects.filter(slug="claude").update(is_published=False)
    assert client.get("/tools/claude/").status_code == 404


def test_category_ranks_by_panel_then_community_share(client):
    category = CategoryFactory.create(slug="cat", name="Cat")
    a, b, c = (
        ToolFactory.create(name=name, slug=name.lower(), category=category)
        for name in ["Able", "Baker", "Charlie"]
    )
    reviewers = [ReviewerFactory.create() for _ in range(2)]
    for tool, verdicts in [(a, "ship skip"), (b, "ship skip"), (c, "ship ship")]:
        for reviewer, verdict in zip(reviewers, verdicts.split(), strict=True):
            ScorecardFactory.create(reviewer=reviewer, tool=tool, verdict=verdict)
    comparison = make_comparison(a, b)
    for choice in ["baker", "baker", "able"]:
        reader().post(f"/compare/{comparison.slug}/vote/", {"tool": choice})
    soup = soup_of(client.get("/categories/cat/"))
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in soup.select("table.ranking tbody tr")
    ]
    assert rows == [
        ["1", "Charlie", "100% 2 of 2 ship", "—", "$20/mo"][:4] + rows[0][4:],
        ["2", "Baker", "50% 1 of 2 ship", "67%", *rows[1][4:]],
        ["3", "Able", "50% 1 of 2 ship", "33%", *rows[2][4:]],
    ]
    assert [a["href"] for a in soup.select(".comparison-card h3 a")] == [
        comparison.get_absolute_url()
    ]


def test_category_index_and_unknown_category(client, catalogue):
    soup = soup_of(client.get("/categories/"))
    assert len(soup.select(".category-cards li")) >= 4
    assert client.get("/categories/nope/").status_code == 404


def test_index_pages_paginate(client):
    category = CategoryFactory.create()
    for index in range(30):
        ToolFactory.create(name=f"Tool {index:02}", slug=f"tool-{index:02}", category=category)
    first = soup_of(client.get("/tools/"))
    assert len(first.select(".tool-index li")) == 24
    assert first.select_one('a[rel="next"]')["href"] == "/tools/?page=2"
    second = soup_of(client.get("/tools/", {"page": 2}))
    assert len(second.select(".tool-index li")) == 6
    assert second.select_one('a[rel="prev"]')["href"] == "/tools/"  # the first page's own address
    for junk in ["0", "999", "abc", "-1", "1e9", "🙂"]:
        assert client.get("/tools/", {"page": junk}).status_code == 200


# --- Home -----------------------------------------------------------------------------------


def test_home_has_latest_trending_categories_and_picker(client, catalogue):
    hot = Comparison.objects.get(slug="smolvlm2-vs-smolvlm2-2b")
    old = Comparison.objects.exclude(pk=hot.pk).first()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=9)):
        for _ in range(5):
            reader().post(f"/compare/{old.slug}/vote/", {"tool": old.ordered_tools[0].slug})
    for _ in range(2):
        reader().post(f"/compare/{hot.slug}/vote/", {"tool": "smolvlm2"})
    soup = soup_of(client.get("/"))
    trending = [a.get_text() for a in soup.select(".trending a")]
    assert trending == ["SmolVLM2-2B vs SmolVLM2"]  # the older votes are outside the 7 days
    assert len(soup.select(".category-chips a")) >= 4
    assert soup.select_one('form.picker input[type="text"][name="a"]') and soup.select_one(
        'form.picker input[type="text"][name="b"]'
    )
    assert len(soup.select(".comparison-card")) >= 6


def test_every_printed_link_is_canonical(client, catalogue):
    """Crawl the site from home: no internal link answers with a redirect or an error."""
    reader().post("/compare/claude-vs-cursor/vote/", {"tool": "claude"})  # a generated pair
    seen = crawl(client)
    assert "/compare/claude-vs-cursor/" in seen
    assert len(seen) > 40


# --- Query counts ---------------------------------------------------------------------------

# comparisons.search.tool_suggestions(): the candidates' ids from the indexes, then their rows.
SUGGESTIONS = 2
PAGE_QUERIES = {
    # latest: comparisons, entries, tools; panel vs crowd (none here); trending: comparisons,
    # entries; categories
    "/": 7,
    "/panel-vs-crowd/": 1,  # the count: none here, so no page, entries or tools to load
    "/tools/": 4,  # count, tools, pricing tiers; the category filter's links
    "/tools/?category=vision-language-models&licence=open&price=free&sort=panel": 5,  # + category
    "/tools/?sort=newest&page=2": 4,
    # tool, tiers, scorecards; comparisons: count, page, entries, tools; alternatives, tiers;
    # readers also compared (its entries and tools once it lists any: see the test below)
    "/tools/smolvlm2/": 10,
    "/tools/smolvlm2/?comparisons_page=2": 10,
    "/comparisons/": 5,  # count, page, entries, tools; the category filter's links
    "/comparisons/?category=vision-language-models&page=2": 6,  # + the category
    "/categories/": 2,  # count, categories
    # category; ranking: count, page, tiers; comparisons: count, page, entries, tools
    "/categories/vision-language-models/": 8,
    "/categories/vision-language-models/?page=2&comparisons_page=3": 8,
    "/reviewers/": 2,
    "/reviewers/tomas-arendt/": 3,  # reviewer; verdicts: count, page
    "/reviewers/tomas-arendt/?page=2": 3,
    # a generated pair: no stored comparison, no old address; tools, tiers, scorecards; related
    "/compare/claude-vs-le-chat/": 6,
    "/compare/": 0,
    "/compare/suggest/?q=sm": SUGGESTIONS,
    "/compare/?a=smolvlm2&b=claude": 2 * SUGGESTIONS,  # each name's suggestions, nothing else
    "/compare/?a=sm&b=qwen": 2 * SUGGESTIONS,  # "did you mean" for the first
}
STATUS = {"/compare/?a=smolvlm2&b=claude": 302}


def page_queries(client) -> dict[str, int]:
    """Each page of PAGE_QUERIES fetched once: its query count (its status checked)."""
    counted = {}
    for path in PAGE_QUERIES:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == STATUS.get(path, 200), path
        counted[path] = len(context)
    return counted


def test_page_query_counts_are_pinned_and_do_not_grow(client, catalogue):
    # Every page before and after one growth of the catalogue (growing it is most of the time).
    reader().post("/compare/smolvlm2-vs-smolvlm2-2b/vote/", {"tool": "smolvlm2"})  # trending exists
    assert page_queries(client) == PAGE_QUERIES
    grow_catalogue()
    assert page_queries(client) == PAGE_QUERIES


def grow_catalogue():
    """Eight tools with votes and three more reviewers, then a thousand tools in bulk: each with
    a comparison against SmolVLM2 and every reviewer's verdict, all in SmolVLM2's category."""
    from comparisons.models import Category

    category = Category.objects.get(slug="vision-language-models")
    tools = list(Tool.objects.filter(category=category))
    extra = [ToolFactory.create(category=category) for _ in range(8)]
    for tool in extra:
        PricingTierFactory.create(tool=tool)
    for reviewer in [ReviewerFactory.create() for _ in range(3)]:
        for tool in tools + extra:
            ScorecardFactory.create(reviewer=reviewer, tool=tool, verdict=Verdict.SKIP)
    for tool in extra:
        make_comparison(Tool.objects.get(slug="smolvlm2"), tool)
        reader().post(
            f"/compare/{comparison_slug_of('smolvlm2', tool.slug)}/vote/", {"tool": tool.slug}
        )
    add_tools(1000, category=category, rival=Tool.objects.get(slug="smolvlm2"))


def comparison_slug_of(*slugs: str) -> str:
    return "-vs-".join(sorted(slugs))
