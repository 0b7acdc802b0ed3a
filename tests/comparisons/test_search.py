"""Search on Postgres: trigram similarity for names, full-text prefixes for text."""

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comparisons.search import CLOSE_NAMES, MAX_QUERY, clean_query, close_names, search_everything

pytestmark = pytest.mark.django_db


def tool_names(query: str) -> list[str]:
    return [tool.name for tool in search_everything(query).tools]


@pytest.mark.parametrize("query", ["smolvlm", "SmolVLM 2", "smolvml", "SMOLVLM2", "smol vlm"])
def test_smolvlm2_is_found_however_it_is_typed(demo_once, query):
    names = tool_names(query)
    assert names[:2] in (["SmolVLM2", "SmolVLM2-2B"], ["SmolVLM2-2B", "SmolVLM2"])
    assert "ChatGPT" not in names


@pytest.mark.parametrize("query", ["smolvml", "SmolVLM 2", "smol vlm"])
def test_smolvlm2_comes_first_for_its_typos_and_spellings(demo_once, query):
    assert tool_names(query)[0] == "SmolVLM2"


def test_an_exact_name_comes_first(demo_once):
    assert tool_names("SmolVLM2-2B")[0] == "SmolVLM2-2B"
    assert tool_names("smolvlm2")[0] == "SmolVLM2"
    assert tool_names("Claude")[0] == "Claude"


@pytest.mark.parametrize(
    ("typo", "tool"),
    [
        ("claud", "Claude"),
        ("chat gpt", "ChatGPT"),
        ("copilt", "GitHub Copilot"),
        ("olama", "Ollama"),
    ],
)
def test_typos_and_spacing_still_find_the_tool(demo_once, typo, tool):
    assert tool_names(typo)[0] == tool


def test_text_matches_find_tools_comparisons_and_categories(demo_once):
    results = search_everything("speech")
    assert "Speech-to-text" in [category.name for category in results.categories]
    assert {"Whisper Large v3 Turbo", "Deepgram Nova-3"} & {tool.name for tool in results.tools}
    comparisons = search_everything("smolvlm").comparisons
    assert "SmolVLM2-2B vs SmolVLM2" in [comparison.title for comparison in comparisons]


def test_unpublished_tools_are_not_found(demo_once):
    from comparisons.models import Tool

    Tool.objects.filter(slug="claude").update(is_published=False)
    assert "Claude" not in tool_names("claude")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        "smolvlm " * 700,
        "'; DROP TABLE comparisons_tool; --",
        "a & b | !c <-> d:*",
        "(((",
        "\\",
        "\x01\x7fsmolvlm",  # NUL never gets this far: tests/serving/test_bad_input.py
        "日本語のモデル",
        "🙂🙂🙂",
        "<script>alert(1)</script>",
        "%_%",
        "%",
        "_",
        "x" * 100_000,
        "%" * 100_000,
    ],
)
def test_hostile_and_huge_queries_answer_safely(demo_once, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert len(clean_query(query)) <= MAX_QUERY
    htmx = client.get("/search/", {"q": query}, headers={"hx-request": "true"})
    assert htmx.status_code == 200


@pytest.mark.parametrize(
    "query", ["", "\x00", "\x00smolvlm", "x" * 100_000, "%", "_", "%_%", "日本語"]
)
def test_bad_input_is_an_empty_result_or_a_400(demo_once, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and query not in ("日本語",):
        soup = BeautifulSoup(response.content, "html.parser")
        assert not soup.select("#search-results a"), query


@pytest.mark.parametrize("query", ["", "   ", "\x00", "%", "_", "%%", "__", "%_%", "\\%", "***"])
def test_queries_without_letters_or_digits_match_nothing(demo_once, query):
    # "%" and "_" are LIKE's wildcards: they must never reach a pattern as one.
    assert search_everything(query).count == 0


def test_wildcards_inside_a_query_never_reach_a_pattern(demo_once):
    from comparisons.search import parameters, terms_for

    assert parameters(terms_for("Smol%VLM_2\\"), 20)["prefix"] == "smolvlm2%"
    assert tool_names("smol%") == tool_names("smol")


def test_nul_bytes_never_reach_the_database(demo_once):
    assert next(tool.name for tool in search_everything("\x00smolvlm2\x00").tools) == "SmolVLM2"


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text_is_a_safe_query(demo_once, query):
    results = search_everything(query)
    assert results.count >= 0


def test_full_page_without_javascript_and_partial_for_htmx(demo_once, client):
    page = client.get("/search/", {"q": "smolvlm"})
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#search-q")["value"] == "smolvlm"
    links = [a["href"] for a in soup.select("#search-results a")]
    assert "/tools/smolvlm2/" in links and "/compare/smolvlm2-vs-smolvlm2-2b/" in links
    partial = client.get("/search/", {"q": "smolvlm"}, headers={"hx-request": "true"})
    assert b"<html" not in partial.content and b"/tools/smolvlm2/" in partial.content
    assert page.headers["X-Robots-Tag"] == "noindex"


def test_search_query_count_is_fixed(demo_once, client, django_assert_num_queries):
    # For each of tools, comparisons and categories: the ranked ids, then (when there are
    # any) the rows; the comparisons' entries with their tools are one more.
    with django_assert_num_queries(6):  # no category matches "smolvlm"
        client.get("/search/", {"q": "smolvlm"})
    with django_assert_num_queries(7):
        client.get("/search/", {"q": "vision"})
    # Nothing matched: the three rankings, then the close names, one SELECT after the
    # set_config() of its thresholds, in a transaction of its own that is rolled back (here a
    # savepoint, its rollback and its release, inside the test's transaction).
    with django_assert_num_queries(8):
        client.get("/search/", {"q": "zzqxw"})
    with django_assert_num_queries(0):
        client.get("/search/", {"q": ""})


def test_search_query_count_does_not_grow_with_the_results(
    demo_once, client, django_assert_num_queries
):
    from comparisons.models import Tool
    from tests.factories import ScorecardFactory, ToolFactory, make_comparison

    smol = Tool.objects.get(slug="smolvlm2")
    for n in range(30):
        tool = ToolFactory.create(name=f"SmolVLM variant {n}", description="A vision model.")
        ScorecardFactory.create(tool=tool)
        make_comparison(smol, tool)
    with django_assert_num_queries(6):
        response = client.get("/search/", {"q": "smolvlm"})
    assert response.content.count(b'class="tool-row"') == 20


def test_search_finds_only_what_readers_may_see(demo_once):
    import datetime

    from django.utils import timezone

    from comparisons.models import Comparison, Tool
    from tests.factories import ToolFactory, make_comparison

    smol = Tool.objects.get(slug="smolvlm2")
    make_comparison(smol, ToolFactory.create(name="Draftmodel"), status=Comparison.Status.DRAFT)
    make_comparison(
        smol,
        ToolFactory.create(name="Latermodel"),
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    make_comparison(smol, ToolFactory.create(name="Votedmodel"), kind=Comparison.Kind.GENERATED)
    titles = {comparison.title for comparison in search_everything("smolvlm2").comparisons}
    assert "SmolVLM2-2B vs SmolVLM2" in titles
    for hidden in ["Draftmodel", "Latermodel", "Votedmodel"]:
        assert not any(hidden in title for title in titles), hidden


def test_search_follows_an_edit(demo_once):
    from comparisons.models import Tool

    tool = Tool.objects.get(slug="claude")
    tool.name, tool.description = "Clawde Renamed", "Now about zebrafish."
    tool.save()
    assert tool_names("clawde renamed")[0] == "Clawde Renamed"
    assert tool_names("zebrafish") == ["Clawde Renamed"]


@pytest.mark.parametrize(
    ("typo", "close"),
    [
        ("smlvlm", ["SmolVLM2", "SmolVLM2-2B"]),
        ("copliot", ["GitHub Copilot"]),
        ("stabel difusion", ["Stable Diffusion 3.5 Large"]),
        ("midjrny", ["Midjourney"]),
    ],
)
def test_a_search_that_finds_nothing_offers_close_names(demo_once, client, typo, close):
    results = search_everything(typo)
    assert results.count == 0
    assert [tool.name for tool in results.close] == close
    soup = BeautifulSoup(client.get("/search/", {"q": typo}).content, "html.parser")
    offer = soup.select_one("#search-results .did-you-mean-names")
    assert offer.get_text(" ", strip=True).startswith("Did you mean")
    assert [a.get_text() for a in offer.select("a")] == close
    assert offer.select_one("a")["href"] == results.close[0].get_absolute_url()
    assert "Nothing matched" not in soup.select_one("#search-results").get_text()


@pytest.mark.parametrize("query", ["zzqxw", "banana", "gemini", "gtp", "sora"])
def test_no_names_are_offered_when_none_is_close(demo_once, client, query):
    assert search_everything(query).close == []
    soup = BeautifulSoup(client.get("/search/", {"q": query}).content, "html.parser")
    assert not soup.select(".did-you-mean-names")
    assert "Nothing matched" in soup.select_one("#search-results").get_text()


def test_close_names_only_when_nothing_matched(demo_once):
    assert search_everything("smolvml").count and search_everything("smolvml").close == []


def test_close_names_are_few_published_and_need_three_characters(demo_once):
    from comparisons.models import Tool
    from tests.factories import ToolFactory

    for n in range(6):
        ToolFactory.create(name=f"Smolvlx {n}", slug=f"smolvlx-{n}")
    assert len(close_names("smlvlx")) == CLOSE_NAMES
    Tool.objects.filter(slug="github-copilot").update(is_published=False)
    assert close_names("copliot") == []
    assert close_names("sm") == [] and close_names("s m") == []


def test_close_names_leave_the_search_thresholds_alone(demo_once):
    from django.db import connection

    def thresholds():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('pg_trgm.similarity_threshold'),"
                " current_setting('pg_trgm.word_similarity_threshold')"
            )
            return cursor.fetchone()

    before = thresholds()
    assert close_names("smlvlm")
    assert thresholds() == before == ("0.3", "0.6")


@pytest.mark.parametrize(
    "query",
    ["", "\x01\x7f", "x" * 100_000, "%_%", "'; --", "a & b | !c", "日本語のモデル", "🙂🙂🙂"],
)
def test_close_names_answer_odd_input_safely(demo_once, query):
    assert len(close_names(query)) <= CLOSE_NAMES


def test_the_search_box_replaces_the_address_and_the_header_box_is_live(demo_once, client):
    page = BeautifulSoup(client.get("/search/", {"q": "smol"}).content, "html.parser")
    box = page.select_one("#search-q")
    assert box["data-hx-replace-url"] == "true" and not box.has_attr("data-hx-push-url")
    assert box["data-hx-get"] == "/search/" and box["data-hx-target"] == "#search-results"
    assert "input changed delay:" in box["data-hx-trigger"]
    assert not page.select("[hx-get], [hx-trigger], [hx-target], [hx-push-url]")
    # One search landmark here: the page's own box, not the header's as well.
    assert [form["aria-label"] for form in page.select('[role="search"], search')] == [
        "Tools, comparisons and categories"
    ]
    status = page.select_one("#" + page.select_one("#search-results")["data-search-status"])
    assert status["role"] == "status" and not status.find_parent(id="search-results")

    home = BeautifulSoup(client.get("/").content, "html.parser")
    header = home.select_one('header [role="search"]')
    assert header["aria-label"] == "Site"
    assert (header.name, header["method"], header["action"]) == ("form", "get", "/search/")
    header_box = header.select_one('input[name="q"]')
    assert header_box["data-hx-get"] == "/search/"
    assert header_box["data-hx-target"] == "#header-results"
    assert not header_box.has_attr("data-hx-push-url")
    assert not header_box.has_attr("data-hx-replace-url")  # the page stays where it is
    assert header.select_one("#header-results").has_attr("hidden")
    names = [form["aria-label"] for form in home.select('[role="search"], search')]
    assert len(names) == len(set(names))


def test_the_header_and_the_page_share_one_fragment_apart_from_the_page(demo_once, client):
    fragment = client.get("/search/", {"q": "smol"}, headers={"hx-request": "true"})
    page = client.get("/search/", {"q": "smol"})
    assert b"<html" not in fragment.content and b"<html" in page.content
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]
    # A history restore without HX-Request (base.html's htmx config) gets the whole page.
    restore = client.get("/search/", {"q": "smol"}, headers={"hx-history-restore-request": "true"})
    assert restore.content == page.content
    home = BeautifulSoup(client.get("/").content, "html.parser")
    config = home.select_one('meta[name="htmx-config"]')["content"]
    assert '"historyRestoreAsHxRequest": false' in config
