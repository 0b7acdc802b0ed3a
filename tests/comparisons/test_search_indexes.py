"""Each condition search asks Postgres can use its index (migration 0005).

On a test's few rows Postgres rightly prefers reading the table, so each plan is asked for with
sequential scans turned off (``SET LOCAL``, inside the test's transaction): a condition that no
index can answer still shows a ``Seq Scan`` then, and one that an index can answer names it.
"""

import re

import pytest
from django.db import connection

from comparisons.models import Category
from comparisons.search import (
    CATEGORY,
    COMPARISON,
    TOOL,
    branches,
    close_names_sql,
    parameters,
    ranking_sql,
    terms_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

TARGETS = {"tools": TOOL, "comparisons": COMPARISON, "categories": CATEGORY}
# The index each condition can use, after the table's name.
INDEXES = {
    "exact": ["search_name_prefix", "slug"],
    "prefix": ["search_name_prefix"],
    "text": ["search_document"],
    "word": ["name_trgm"],
    "similar": ["search_name_trgm"],
}


def plan(sql: str, params: dict | None = None) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def indexes_used(text: str) -> set[str]:
    return set(re.findall(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)", text))


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
@pytest.mark.parametrize("query", ["smolvlm", "sm", "smol vlm 2", "speech to text"])
def test_each_condition_uses_its_index(target, query):
    terms = terms_for(query)
    found = branches(terms, target)
    expected_conditions = {"exact", "prefix", "text"} | (
        {"word", "similar"} if len(terms.compact) >= 4 else {"word"}
    )
    assert set(found) == expected_conditions
    for condition, sql in found.items():
        text = plan(sql, parameters(terms, 10))
        assert "Seq Scan" not in text, (condition, text)
        used = indexes_used(text)
        for index in INDEXES[condition]:
            assert any(name.startswith(f"{target.table}_{index}") for name in used), (
                condition,
                index,
                text,
            )


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_the_ranking_statement_reads_no_table_whole(target):
    terms = terms_for("smolvlm")
    text = plan(ranking_sql(terms, target), parameters(terms, 20))
    assert "Seq Scan" not in text, text
    used = indexes_used(text)
    assert f"{target.table}_pkey" in used  # the ranked rows, fetched by id
    for condition in branches(terms, target):
        for index in INDEXES[condition]:
            assert any(name.startswith(f"{target.table}_{index}") for name in used), text


def test_category_tool_counts_read_the_published_tools_index():
    sql, params = Category.objects.with_tool_counts().query.sql_with_params()
    text = plan(sql, params)
    # Any index led by the category answers a category's count from its own tools: the published
    # tools' (0005), the ranking's (0006) or the foreign key's. On a test's few rows, and with
    # statistics from the tests before it, Postgres picks between them by a hair.
    led_by_category = {"tool_category_published", "tool_ranking"}
    used = indexes_used(text)
    assert led_by_category & used or any(
        name.startswith("comparisons_tool_category_id_") for name in used
    ), text
    assert "Seq Scan on comparisons_tool" not in text, text


def test_close_names_read_the_trigram_indexes():
    terms = terms_for("smlvlm")
    text = plan(close_names_sql(), parameters(terms, 3))
    assert "Seq Scan" not in text, text
    used = indexes_used(text)
    for index in INDEXES["word"] + INDEXES["similar"]:
        assert any(name.startswith(f"{TOOL.table}_{index}") for name in used), text
