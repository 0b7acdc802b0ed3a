"""tool_suggestions(): what a picker offers as the reader types, on Postgres."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comparisons.models import Tool
from comparisons.search import MAX_SUGGESTIONS, tool_suggestions
from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def names(query: str, **kwargs) -> list[str]:
    return [tool.name for tool in tool_suggestions(query, **kwargs)]


def test_two_letters_already_suggest_tools_by_prefix(demo_once):
    assert names("sm")[:2] in (["SmolVLM2", "SmolVLM2-2B"], ["SmolVLM2-2B", "SmolVLM2"])
    assert names("cu")[0] == "Cursor"
    assert names("Ol")[0] == "Ollama"


def test_a_prefix_comes_before_a_similar_name(demo_once):
    ToolFactory.create(name="Olamax", slug="olamax")
    assert names("olama")[:2] == ["Olamax", "Ollama"]


def test_exact_name_or_slug_comes_first(demo_once):
    assert names("smolvlm2")[:2] == ["SmolVLM2", "SmolVLM2-2B"]
    assert names("SmolVLM2-2B")[0] == "SmolVLM2-2B"
    ToolFactory.create(name="Zzz Assistant", slug="cl")
    assert names("cl")[0] == "Zzz Assistant"  # the slug, before Claude's prefix
    assert names("Claude")[0] == "Claude"


@pytest.mark.parametrize("query", ["smolvml", "SmolVLM 2", "smol vlm"])
def test_spellings_and_typos_suggest_smolvlm2_first(demo_once, query):
    assert names(query)[0] == "SmolVLM2"


@pytest.mark.parametrize(("typo", "tool"), [("claud", "Claude"), ("olama", "Ollama")])
def test_typos_suggest_the_tool(demo_once, typo, tool):
    assert names(typo)[0] == tool


def test_at_most_limit_tools_and_only_published_ones(demo_once):
    for n in range(15):
        ToolFactory.create(name=f"Zeta {n:02}", slug=f"zeta-{n:02}")
    ToolFactory.create(name="Zeta Hidden", slug="zeta-hidden", is_published=False)
    suggested = names("ze")
    assert len(suggested) == 10
    assert all(name.startswith("Zeta ") for name in suggested)
    assert len(names("zeta", limit=3)) == 3
    assert len(names("zeta", limit=10_000)) == 15 <= MAX_SUGGESTIONS
    assert "Zeta Hidden" not in names("zeta hidden")
    assert names("zeta", limit=0) == []


def test_two_queries_and_the_category_comes_along(demo_once, django_assert_num_queries):
    with django_assert_num_queries(2):
        tools = tool_suggestions("sm")
        assert all(tool.category.name for tool in tools)
    assert all(isinstance(tool, Tool) for tool in tools)
    with django_assert_num_queries(1):
        assert tool_suggestions("zzqxw") == []


@pytest.mark.parametrize(
    "query", [None, "", "   ", "\x00", "%", "_", "%%__", "\\", "'", "%" * 100_000]
)
def test_nothing_to_match_suggests_nothing_without_a_query(
    demo_once, query, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert tool_suggestions(query) == []


def test_a_huge_query_is_cut_short(demo_once):
    assert tool_suggestions("x" * 100_000) == []
    assert names("smolvlm2" + "\x00" * 100_000)[0] == "SmolVLM2"


@pytest.mark.parametrize(
    "query", ["日本語のモデル", "🙂", "a & b | !c <-> d:*", "s%m", "sm_l", "Ünïcödé", "\x00sm\x00"]
)
def test_odd_input_answers_safely(demo_once, query):
    assert len(tool_suggestions(query)) <= 10


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text_is_a_safe_suggestion_query(demo_once, query):
    assert len(tool_suggestions(query)) <= 10
