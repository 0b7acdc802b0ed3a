"""The counters kept on each tool's row (comparisons/counters.py) stay equal to a recount through
every write that changes what they count, and the rankings read them through their indexes."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from comparisons import counters
from comparisons.models import Category, Comparison, ComparisonEntry, DailyVotes, Tool
from compsite.numbers import percent
from reviews.models import Reviewer, Scorecard, Verdict
from tests.catalogue import add_tools
from tests.clients import CommittingClient
from tests.factories import (
    CategoryFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)

pytestmark = pytest.mark.django_db


def panel(tool: Tool) -> tuple[int, int, int | None]:
    tool.refresh_from_db()
    return tool.ship_count, tool.scorecard_count, tool.panel_ship_percent


def community(tool: Tool) -> tuple[int, int]:
    tool.refresh_from_db()
    return tool.community_votes, tool.community_pool


def vote(comparison: Comparison, tool_slug: str, client=None):
    client = client or CommittingClient()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/compare/{comparison.slug}/vote/", {"tool": tool_slug})
    assert response.status_code == 303
    return client


# --- Panel counts -------------------------------------------------------------------------------


def test_scorecards_created_changed_and_deleted_keep_the_panel_counts():
    tool = ToolFactory.create()
    assert panel(tool) == (0, 0, None)
    ships = [ScorecardFactory.create(tool=tool, verdict=Verdict.SHIP) for _ in range(2)]
    skip = ScorecardFactory.create(tool=tool, verdict=Verdict.SKIP)
    assert panel(tool) == (2, 3, 67)
    skip.verdict = Verdict.SHIP
    skip.save()
    assert panel(tool) == (3, 3, 100)
    ships[0].delete()
    assert panel(tool) == (2, 2, 100)
    assert counters.drift() == []


def test_paused_recounts_nothing_until_the_loader_refreshes():
    tool = ToolFactory.create()
    with counters.paused():
        ScorecardFactory.create(tool=tool, verdict=Verdict.SHIP)
        ScorecardFactory.create(tool=tool, verdict=Verdict.SKIP)
        assert panel(tool) == (0, 0, None)
    assert counters.drift() == [
        (tool.pk, "ship_count", 0, 1),
        (tool.pk, "scorecard_count", 0, 2),
    ]
    ScorecardFactory.create(tool=tool, verdict=Verdict.SHIP)  # counted again once out of it
    assert panel(tool) == (2, 3, 67)
    assert counters.refresh([tool.pk]) == 0 and counters.drift() == []


def test_a_queryset_delete_and_a_reviewer_delete_keep_the_panel_counts():
    tool, other = ToolFactory.create(), ToolFactory.create()
    reviewers = [ReviewerFactory.create() for _ in range(4)]
    for reviewer in reviewers:
        ScorecardFactory.create(tool=tool, reviewer=reviewer, verdict=Verdict.SHIP)
        ScorecardFactory.create(tool=other, reviewer=reviewer, verdict=Verdict.SKIP)
    Scorecard.objects.filter(tool=tool, reviewer__in=reviewers[:2]).delete()
    assert panel(tool) == (2, 2, 100)
    Reviewer.objects.filter(pk=reviewers[3].pk).delete()  # its scorecards go with it
    assert panel(tool) == (1, 1, 100) and panel(other) == (0, 3, 0)
    assert counters.drift() == []


def test_deleting_a_tool_deletes_its_scorecards_and_leaves_the_others_counted():
    tool, other = ToolFactory.create(), ToolFactory.create()
    reviewer = ReviewerFactory.create()
    ScorecardFactory.create(tool=tool, reviewer=reviewer, verdict=Verdict.SHIP)
    ScorecardFactory.create(tool=other, reviewer=reviewer, verdict=Verdict.SHIP)
    tool.delete()
    assert not Scorecard.objects.filter(tool_id=tool.pk).exists()
    assert panel(other) == (1, 1, 100)
    assert counters.drift() == []


def test_a_scorecard_moved_to_another_tool_recounts_both():
    first, second = ToolFactory.create(), ToolFactory.create()
    scorecard = ScorecardFactory.create(tool=first, verdict=Verdict.SHIP)
    loaded = Scorecard.objects.get(pk=scorecard.pk)
    loaded.tool = second
    loaded.save()
    assert panel(first) == (0, 0, None) and panel(second) == (1, 1, 100)


def test_saving_a_tool_loaded_earlier_keeps_the_newer_counts():
    tool = ToolFactory.create()
    stale = Tool.objects.get(pk=tool.pk)
    ScorecardFactory.create(tool=tool, verdict=Verdict.SHIP)
    stale.tagline = "Edited after the scorecard arrived"
    stale.save()
    assert panel(tool) == (1, 1, 100)
    assert Tool.objects.get(pk=tool.pk).tagline == "Edited after the scorecard arrived"


# --- Community counts ---------------------------------------------------------------------------


@pytest.fixture
def trio():
    a, b, c = (ToolFactory.create(slug=slug) for slug in ["alpha", "bravo", "charlie"])
    return make_comparison(a, b), a, b, c


def test_votes_cast_and_moved_keep_the_community_counts(trio):
    duel, a, b, c = trio
    other = make_comparison(a, c)
    reader = vote(duel, "alpha")
    vote(duel, "bravo")
    vote(other, "charlie")
    assert [community(tool) for tool in (a, b, c)] == [(1, 3), (1, 2), (1, 1)]
    vote(duel, "bravo", client=reader)  # a change moves the vote, the pool stays
    assert [community(tool) for tool in (a, b, c)] == [(0, 3), (2, 2), (1, 1)]
    vote(duel, "bravo", client=reader)  # the same choice again changes nothing
    assert [community(tool) for tool in (a, b, c)] == [(0, 3), (2, 2), (1, 1)]
    assert counters.drift() == []


def test_a_tool_joining_or_leaving_a_comparison_recounts_its_tools(trio):
    duel, a, b, c = trio
    vote(duel, "alpha")
    vote(duel, "alpha")
    vote(duel, "bravo")
    joined = ComparisonEntry.objects.create(comparison=duel, tool=c, position=2)
    assert community(c) == (0, 3)
    vote(duel, "charlie")
    assert [community(tool) for tool in (a, b, c)] == [(2, 4), (1, 4), (1, 4)]
    joined.delete()  # its vote leaves the pool of the others
    assert [community(tool) for tool in (a, b, c)] == [(2, 3), (1, 3), (0, 0)]
    ComparisonEntry.objects.filter(comparison=duel, tool=b).delete()  # a queryset's delete
    assert [community(tool) for tool in (a, b)] == [(2, 2), (0, 0)]
    assert counters.drift() == []


def test_an_entry_changing_its_tool_recounts_both_tools(trio):
    duel, a, b, c = trio
    vote(duel, "bravo")
    entry = ComparisonEntry.objects.get(comparison=duel, tool=b)
    entry.tool = c
    entry.save()
    assert [community(tool) for tool in (a, b, c)] == [(0, 1), (0, 0), (1, 1)]
    assert counters.drift() == []


def test_deleting_a_comparison_takes_its_votes_out_of_every_count(trio):
    duel, a, b, c = trio
    other = make_comparison(a, c)
    vote(duel, "bravo")
    vote(other, "alpha")
    duel.delete()
    assert [community(tool) for tool in (a, b, c)] == [(1, 1), (0, 0), (0, 1)]
    assert counters.drift() == []


def test_refresh_recounts_what_bulk_inserts_left_uncounted():
    category = CategoryFactory.create()
    reviewer = ReviewerFactory.create()
    tool = ToolFactory.create(category=category)
    Scorecard.objects.bulk_create(
        [Scorecard(tool=tool, reviewer=reviewer, verdict=Verdict.SHIP, quote="Bulk.")]
    )
    assert counters.drift() == [(tool.pk, "ship_count", 0, 1), (tool.pk, "scorecard_count", 0, 1)]
    assert counters.refresh([tool.pk]) == 1
    assert counters.drift() == [] and panel(tool) == (1, 1, 100)


# --- Trending -----------------------------------------------------------------------------------


def test_trending_sums_the_first_votes_of_the_last_seven_days(trio):
    duel, _, b, c = trio
    older = make_comparison(b, c, published_at=timezone.now() - datetime.timedelta(days=9))
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        for _ in range(3):
            vote(older, "charlie")
    reader = vote(duel, "alpha")
    vote(duel, "bravo", client=reader)  # a change: not a new vote
    vote(older, "bravo")
    days = dict(DailyVotes.objects.filter(comparison=older).values_list("day", "votes"))
    assert sorted(days.values()) == [1, 3]
    trending = Comparison.objects.published().trending()
    assert sorted((row.slug, row.recent_votes) for row in trending) == sorted(
        [(duel.slug, 1), (older.slug, 1)]
    )
    counters.refresh()  # rebuilt from the vote rows: the same counts
    assert dict(DailyVotes.objects.filter(comparison=older).values_list("day", "votes")) == days


# --- Rankings -----------------------------------------------------------------------------------


def expected_ranking(tools: list[Tool]) -> list[str]:
    """The category ranking computed in Python from the rows: Panel ship % as shown, then the
    community share, then the name whatever its case, then the id."""

    def key(tool: Tool):
        scorecards = list(tool.scorecards.all())
        shown = percent(sum(card.ships for card in scorecards), len(scorecards))
        votes = sum(entry.vote_count for entry in tool.entries.all())
        pool = sum(
            entry.vote_count
            for mine in tool.entries.all()
            for entry in mine.comparison.entries.all()
        )
        share = votes / pool if pool else None
        return (
            shown is None,
            -(shown or 0),
            share is None,
            -(share or 0),
            tool.name.lower(),
            tool.pk,
        )

    return [tool.name for tool in sorted(tools, key=key)]


def test_the_ranking_reads_the_counters_in_the_order_it_always_had():
    category = CategoryFactory.create(slug="ranked")
    reviewers = [ReviewerFactory.create() for _ in range(3)]
    tools = [
        ToolFactory.create(name=name, category=category)
        for name in ["delta", "Echo", "alpha", "Bravo", "charlie", "Foxtrot", "golf"]
    ]
    verdicts = ["ssk", "ssk", "sss", "kkk", "ssk", "", "s"]
    for tool, letters in zip(tools, verdicts, strict=True):
        for reviewer, letter in zip(reviewers, letters, strict=False):
            verdict = Verdict.SHIP if letter == "s" else Verdict.SKIP
            ScorecardFactory.create(tool=tool, reviewer=reviewer, verdict=verdict)
    for pair, choices in [((0, 1), "aab"), ((1, 4), "bb"), ((0, 4), "a")]:
        comparison = make_comparison(tools[pair[0]], tools[pair[1]])
        for choice in choices:
            vote(comparison, tools[pair[0] if choice == "a" else pair[1]].slug)
    ranked = [tool.name for tool in Tool.objects.ranked_in(category)]
    assert ranked == expected_ranking(tools)
    assert ranked[:3] == ["alpha", "golf", "delta"]  # 100%, 100%, then 67% with the best share


def plan(queryset) -> str:
    """The plan with sequential scans and sorts off (``SET LOCAL``, inside the test's
    transaction): on a test's few rows Postgres would rightly read the table and sort it, and
    the statistics are not refreshed (ANALYZE would leave its row estimates to later tests).
    Then an index that gives the order is used, and without one the plan still shows a Sort."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def indexes_used(text: str) -> set[str]:
    return set(re.findall(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)", text))


@pytest.fixture
def catalogue():
    category = CategoryFactory.create(slug="big")
    add_tools(50, category=category, reviewers=[ReviewerFactory.create()])
    return category


def test_a_page_of_the_category_ranking_is_read_from_its_index(catalogue):
    page = Tool.objects.ranked_in(catalogue)[24:48]
    text = plan(page)
    assert "tool_ranking" in indexes_used(text), text
    assert "Sort" not in text, text  # read in order: a page costs a page


def test_alternatives_are_read_from_the_ranking_index(catalogue):
    tool = Tool.objects.filter(category=catalogue).first()
    text = plan(tool.alternatives()[:6])
    assert "tool_ranking" in indexes_used(text), text


def test_a_page_of_the_tool_index_is_read_from_its_index(catalogue):
    page = Tool.objects.published().by_name()[24:48]
    text = plan(page)
    assert "tool_by_name" in indexes_used(text), text
    assert "Sort" not in text, text


def test_trending_reads_daily_counts_not_votes(trio):
    duel, *_ = trio
    vote(duel, "alpha")
    text = plan(Comparison.objects.published().trending()[:5])
    assert "comparisons_vote" not in text and "comparisons_dailyvotes" in text, text


def test_the_tool_index_sorts_names_whatever_their_case():
    category = Category.objects.create(name="Mixed", slug="mixed")
    for name in ["bravo", "Alpha", "charlie"]:
        ToolFactory.create(name=name, category=category)
    assert [tool.name for tool in Tool.objects.published().by_name()] == [
        "Alpha",
        "bravo",
        "charlie",
    ]


# --- Reviewers ----------------------------------------------------------------------------------


def test_a_reviewers_counts_follow_their_scorecards_and_survive_an_edit():
    reviewer = ReviewerFactory.create()
    stale = Reviewer.objects.get(pk=reviewer.pk)
    cards = [
        ScorecardFactory.create(reviewer=reviewer, verdict=verdict)
        for verdict in ["ship", "skip", "skip"]
    ]
    stale.bio = "Edited while the verdicts came in."
    stale.save()
    reviewer.refresh_from_db()
    assert (reviewer.ship_count, reviewer.scorecard_count, reviewer.ship_rate) == (1, 3, 33)
    Scorecard.objects.filter(pk=cards[1].pk).delete()
    cards[2].tool.delete()
    reviewer.refresh_from_db()
    assert (reviewer.ship_count, reviewer.scorecard_count, reviewer.bio) == (
        1,
        1,
        "Edited while the verdicts came in.",
    )


def test_a_reviewers_page_counts_only_verdicts_on_published_tools(client):
    reviewer = ReviewerFactory.create(slug="ada")
    for published in [True, True, False]:
        ScorecardFactory.create(reviewer=reviewer, tool=ToolFactory.create(is_published=published))
    reviewer.refresh_from_db()
    assert reviewer.scorecard_count == 3 and reviewer.published_scorecard_count() == 2
    page = client.get("/reviewers/ada/")
    assert page.status_code == 200 and page.content.count(b"<blockquote>") == 2
