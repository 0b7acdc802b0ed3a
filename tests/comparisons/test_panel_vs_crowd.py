"""Panel vs crowd (docs/product.md): comparisons where readers' top pick is not the panel's,
kept on write (comparisons/top_picks.py) and listed at /panel-vs-crowd/ and on the home page."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comparisons import counters, top_picks
from comparisons.models import Comparison, ComparisonEntry
from comparisons.voting import Reader, vote_cast
from compsite import purge
from reviews.models import Scorecard, Verdict
from tests.catalogue import add_tools
from tests.factories import (
    CategoryFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)
from tests.html import soup_of

pytestmark = pytest.mark.django_db

PAGE = "/panel-vs-crowd/"
_readers = itertools.count()


@pytest.fixture
def panel():
    return [ReviewerFactory.create(name=f"Reviewer {n}", slug=f"panel-{n}") for n in range(4)]


def reviewed(panel, name: str, ships: int, of: int = 4):
    """A tool that ``ships`` of the first ``of`` reviewers ship."""
    tool = ToolFactory.create(name=name, slug=name.lower())
    for index, reviewer in enumerate(panel[:of]):
        verdict = Verdict.SHIP if index < ships else Verdict.SKIP
        ScorecardFactory.create(
            reviewer=reviewer, tool=tool, verdict=verdict, quote=f"{name} {index}."
        )
    return tool


def votes(comparison, tool, count: int) -> None:
    for _ in range(count):
        reader = Reader(f"reader-{next(_readers)}", is_new=True)
        vote_cast(comparison=comparison, tool=tool, reader=reader)


def listed() -> list[Comparison]:
    return list(Comparison.objects.panel_vs_crowd())


@pytest.fixture
def split(panel):
    """The panel ships Alpha (3 of 4) over Bravo (1 of 4); no votes yet."""
    alpha, bravo = reviewed(panel, "Alpha", 3), reviewed(panel, "Bravo", 1)
    return make_comparison(alpha, bravo), alpha, bravo


# --- The rule ---------------------------------------------------------------------------------


def test_listed_once_readers_pick_another_tool_with_enough_votes(split):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 3)
    votes(comparison, alpha, 1)
    assert listed() == []  # 4 votes: below the minimum sample, no crowd pick
    comparison.refresh_from_db()
    assert (comparison.panel_pick_id, comparison.crowd_pick_id) == (alpha.pk, None)
    votes(comparison, bravo, 1)
    assert listed() == [comparison]
    comparison.refresh_from_db()
    assert (comparison.panel_pick_id, comparison.crowd_pick_id) == (alpha.pk, bravo.pk)


def test_a_tie_among_readers_is_no_pick(split):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 3)
    votes(comparison, alpha, 3)
    comparison.refresh_from_db()
    assert comparison.crowd_pick_id is None and listed() == []
    votes(comparison, bravo, 1)
    assert listed() == [comparison]


def test_a_tie_on_the_panel_is_no_pick(panel):
    alpha, bravo = reviewed(panel, "Alpha", 3), reviewed(panel, "Bravo", 3)
    comparison = make_comparison(alpha, bravo)
    votes(comparison, bravo, 6)
    comparison.refresh_from_db()
    assert (comparison.panel_pick_id, comparison.crowd_pick_id) == (None, bravo.pk)
    assert listed() == []


def test_a_tool_the_panel_has_not_reviewed_means_no_panel_pick(panel):
    alpha, fresh = reviewed(panel, "Alpha", 3), ToolFactory.create(name="Fresh", slug="fresh")
    comparison = make_comparison(alpha, fresh)
    votes(comparison, fresh, 6)
    comparison.refresh_from_db()
    assert comparison.panel_pick_id is None and listed() == []
    # Its first scorecard, a skip: now the panel has weighed both, and it is listed.
    ScorecardFactory.create(reviewer=panel[0], tool=fresh, verdict=Verdict.SKIP)
    assert listed() == [comparison]


def test_readers_agreeing_with_the_panel_is_not_a_disagreement(split):
    comparison, alpha, _bravo = split
    votes(comparison, alpha, 5)
    comparison.refresh_from_db()
    assert comparison.panel_pick_id == comparison.crowd_pick_id == alpha.pk
    assert not comparison.crowd_differs and listed() == []


def test_only_published_curated_comparisons_are_listed(panel):
    alpha, bravo = reviewed(panel, "Alpha", 3), reviewed(panel, "Bravo", 1)
    charlie = reviewed(panel, "Charlie", 0)
    later = timezone.now() + datetime.timedelta(days=3)
    draft = make_comparison(alpha, bravo, status=Comparison.Status.DRAFT)
    scheduled = make_comparison(alpha, charlie, published_at=later)
    generated = make_comparison(bravo, charlie, kind=Comparison.Kind.GENERATED)
    votes(draft, bravo, 5)
    votes(scheduled, charlie, 5)
    votes(generated, charlie, 5)
    # The picks are kept on all three; none is shown to readers.
    assert Comparison.objects.filter(crowd_differs=True).count() == 3
    assert listed() == []
    draft.publish()
    assert listed() == [draft]


def test_three_tools_need_one_clear_first_on_each_side(panel):
    alpha, bravo = reviewed(panel, "Alpha", 4), reviewed(panel, "Bravo", 3)
    charlie = reviewed(panel, "Charlie", 3)
    comparison = make_comparison(alpha, bravo, charlie)
    votes(comparison, charlie, 3)
    votes(comparison, bravo, 2)
    votes(comparison, alpha, 2)
    # Alpha alone first on the panel (the tie is for second); Charlie alone first for readers.
    assert listed() == [comparison]
    votes(comparison, bravo, 1)  # Bravo and Charlie now share the readers' first place
    assert listed() == []


def test_changed_votes_move_a_comparison_out(split):
    comparison, alpha, bravo = split
    changers = [Reader(f"changer-{n}", is_new=True) for n in range(4)]
    for reader in changers:
        vote_cast(comparison=comparison, tool=bravo, reader=reader)
    votes(comparison, alpha, 2)
    assert listed() == [comparison]  # 4 for Bravo, 2 for Alpha
    for reader in changers[:2]:
        vote_cast(comparison=comparison, tool=alpha, reader=Reader(reader.id, is_new=False))
    comparison.refresh_from_db()
    assert comparison.crowd_pick_id == alpha.pk  # 2 for Bravo, 4 for Alpha: the panel's pick
    assert listed() == []


def test_verdicts_that_bring_the_panel_round_take_a_comparison_out(split):
    comparison, _alpha, bravo = split
    votes(comparison, bravo, 5)
    assert listed() == [comparison]
    skips = list(Scorecard.objects.filter(tool=bravo, verdict=Verdict.SKIP))
    for scorecard in skips[:2]:  # Bravo 3 of 4, as many as Alpha: a tie, no panel pick
        scorecard.verdict = Verdict.SHIP
        scorecard.save()
    comparison.refresh_from_db()
    assert comparison.panel_pick_id is None and listed() == []
    skips[2].verdict = Verdict.SHIP  # 4 of 4: the panel picks Bravo, as readers do
    skips[2].save()
    comparison.refresh_from_db()
    assert comparison.panel_pick_id == comparison.crowd_pick_id == bravo.pk
    assert listed() == []


def test_a_recount_finds_nothing_to_change(split, panel):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 7)
    other = make_comparison(alpha, reviewed(panel, "Delta", 2))
    votes(other, alpha, 5)
    assert top_picks.refresh(Comparison.objects.all()) == 0
    before = list(Comparison.objects.values_list("pk", "panel_pick", "crowd_pick", "crowd_differs"))
    counters.refresh()
    after = list(Comparison.objects.values_list("pk", "panel_pick", "crowd_pick", "crowd_differs"))
    assert before == after


# --- Purges -----------------------------------------------------------------------------------


@pytest.fixture
def purges(monkeypatch) -> list[set[str]]:
    """The keys each change hands to the purger."""
    handed: list[set[str]] = []
    monkeypatch.setattr(purge, "after_commit", lambda keys, **kwargs: handed.append(set(keys)))
    return handed


def test_the_list_is_purged_when_a_vote_moves_a_comparison_in_or_out(split, purges):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 4)
    assert not any("panel-vs-crowd" in keys for keys in purges)
    votes(comparison, bravo, 1)  # the fifth vote: in
    assert purges[-2:] == [{"panel-vs-crowd"}, {f"comparison-{comparison.pk}", "votes"}]
    purges.clear()
    votes(comparison, bravo, 1)  # still in: its own key purges the pages showing it
    assert purges == [{f"comparison-{comparison.pk}", "votes"}]
    purges.clear()
    votes(comparison, alpha, 6)  # 6 to 6: out
    assert {"panel-vs-crowd"} in purges


def test_the_list_is_purged_when_a_verdict_moves_a_comparison_in(split, purges):
    comparison, alpha, _bravo = split
    votes(comparison, alpha, 5)  # readers agree with the panel
    purges.clear()
    for scorecard in Scorecard.objects.filter(tool=alpha, verdict=Verdict.SHIP):
        scorecard.verdict = Verdict.SKIP  # Alpha 0 of 4 ship: Bravo's 1 of 4 is the panel's pick
        scorecard.save()
    assert listed() == [comparison]
    assert {"panel-vs-crowd"} in purges


# --- The page and the home page's block ------------------------------------------------------


def test_the_page_shows_both_picks_with_their_numbers_and_links_to_the_reasons(client, split):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 5)
    votes(comparison, alpha, 3)
    soup = soup_of(client.get(PAGE))
    [entry] = soup.select("main .disagreement")
    assert entry.select_one("h3 a")["href"] == comparison.get_absolute_url()
    text = " ".join(entry.select_one(".sides").get_text().split())
    assert text == "Panel: 3 of 4 ship Alpha (75%); readers: 63% pick Bravo (5 of 8 votes)"
    links = {a.get_text(strip=True): a["href"] for a in entry.select(".disagreement-links a")}
    url = comparison.get_absolute_url()
    assert links == {
        "Why the panel ships Alpha": f"{url}#panel-on-alpha",
        "What the panel says about Bravo": f"{url}#panel-on-bravo",
        "The readers' vote": f"{url}#vote",
    }
    # The anchors exist on the comparison page: the tools' columns and the vote block.
    target = soup_of(client.get(url))
    assert target.select_one("#panel-on-alpha") and target.select_one("#panel-on-bravo")
    assert target.select_one("#vote")


def test_the_page_says_so_when_readers_and_panel_agree(client, split):
    soup = soup_of(client.get(PAGE))
    assert not soup.select(".disagreement")
    assert "agree on every comparison" in soup.select_one("main").get_text()


def test_the_page_is_shared_and_keyed_by_what_moves_it(client, split):
    comparison, alpha, bravo = split
    votes(comparison, bravo, 5)
    answer = client.get(PAGE)
    assert answer["Cache-Control"] == "public, max-age=0, s-maxage=3600"
    keys = set(answer["Surrogate-Key"].split())
    assert {"panel-vs-crowd", "comparisons", f"comparison-{comparison.pk}"} <= keys
    assert {f"tool-{alpha.pk}", f"tool-{bravo.pk}"} <= keys  # names and Panel ship %
    assert "votes" not in keys  # a vote elsewhere changes nothing here
    home = client.get("/")
    assert {"panel-vs-crowd", f"comparison-{comparison.pk}"} <= set(home["Surrogate-Key"].split())


def test_the_home_page_shows_the_newest_three_and_links_to_all(client, panel):
    alpha = reviewed(panel, "Alpha", 4)
    rivals = [reviewed(panel, f"Rival{n}", 1) for n in range(5)]
    comparisons = []
    for days, rival in enumerate(rivals):
        published = timezone.now() - datetime.timedelta(days=days + 1)
        comparisons.append(make_comparison(alpha, rival, published_at=published))
        votes(comparisons[-1], rival, 5)
    block = soup_of(client.get("/")).select_one("#panel-vs-crowd")
    assert block.select_one("h2").get_text() == "Panel vs crowd"
    titles = [a.get_text() for a in block.select(".disagreement h3 a")]
    assert titles == [comparison.title for comparison in comparisons[:3]]
    assert (
        block.find("a", string="Every comparison where readers and panel disagree")["href"] == PAGE
    )
    # The footer links to it from every page.
    footer = soup_of(client.get("/tools/")).select_one("footer")
    assert footer.find("a", string="Panel vs crowd")["href"] == PAGE


@pytest.fixture
def many_disagreements():
    """``n`` published curated comparisons where readers pick the rival the panel skips."""

    def grow(count: int) -> None:
        reviewer = ReviewerFactory.create()
        category = CategoryFactory.create()
        rival = ToolFactory.create(category=category)
        ScorecardFactory.create(reviewer=reviewer, tool=rival, verdict=Verdict.SKIP)
        # Every third grown tool is skipped too (a tie: not listed); the others shipped.
        add_tools(
            count,
            category=category,
            prefix=f"Grown {category.pk}",
            rival=rival,
            reviewers=[reviewer],
        )
        ComparisonEntry.objects.filter(tool=rival).update(vote_count=5)
        counters.refresh()  # bulk-set counts: what loaders do

    return grow


def test_the_page_is_paged_newest_first_and_its_queries_do_not_grow(
    client, many_disagreements, django_assert_num_queries
):
    many_disagreements(6)  # 4 listed
    with django_assert_num_queries(4):  # the count, the page, its entries and their tools
        few = soup_of(client.get(PAGE))
    assert len(few.select(".disagreement")) == 4
    with CaptureQueriesContext(connection) as home_queries:
        client.get("/")
    home_count = len(home_queries)  # now: the next request clears the log
    many_disagreements(60)  # 40 more
    with django_assert_num_queries(4):
        first = soup_of(client.get(PAGE))
    assert len(first.select(".disagreement")) == 12
    assert "Page 1 of 4" in first.select_one("nav.pagination").get_text()
    listed_order = [c.title for c in Comparison.objects.panel_vs_crowd()]
    titles = [a.get_text() for a in first.select(".disagreement h3 a")]
    assert titles == listed_order[:12]
    last = soup_of(client.get(PAGE, {"page": 4}))
    assert [a.get_text() for a in last.select(".disagreement h3 a")] == listed_order[36:]
    with django_assert_num_queries(home_count):
        home = soup_of(client.get("/"))  # its block is the newest three, whatever the total
    assert len(home.select("#panel-vs-crowd .disagreement")) == 3


@pytest.mark.parametrize("junk", ["0", "-1", "abc", "99999999999999999999", "1e9", "🙂"])
def test_any_page_number_gives_a_page(client, many_disagreements, junk):
    many_disagreements(3)
    assert client.get(PAGE, {"page": junk}).status_code == 200


def test_the_list_reads_its_partial_index(many_disagreements):
    many_disagreements(30)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a small table: make the planner show its plan
        sql, params = Comparison.objects.panel_vs_crowd()[:12].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "comparison_panel_vs_crowd" in plan, plan


def test_a_votes_own_recount_agrees_with_the_general_one(panel):
    # A vote works out the picks in Python (top_picks.after_vote); editors' changes and recounts
    # in SQL (top_picks.refresh). Every split of up to 9 votes over three tools, ties and the
    # five-vote minimum included, on a panel with a clear first, a tie and an unreviewed tool,
    # gives both the same picks.
    for round_, ships in enumerate([(3, 2, 1), (2, 2, 1), (3, 1, None)]):
        check_both_ways_agree(panel, ships, names=[f"{letter}{round_}" for letter in "ABC"])


def check_both_ways_agree(panel, ships, names) -> None:
    tools = [
        reviewed(panel, name, count) if count is not None else ToolFactory.create()
        for name, count in zip(names, ships, strict=True)
    ]
    comparison = make_comparison(*tools)
    entries = list(ComparisonEntry.objects.filter(comparison=comparison).order_by("position"))
    for split_votes in itertools.product(range(4), range(4), range(4)):
        for entry, count in zip(entries, split_votes, strict=True):
            entry.vote_count = count
        ComparisonEntry.objects.bulk_update(entries, ["vote_count"])
        top_picks.after_vote(comparison.pk)
        by_vote = Comparison.objects.values_list("panel_pick", "crowd_pick", "crowd_differs").get(
            pk=comparison.pk
        )
        top_picks.refresh(Comparison.objects.filter(pk=comparison.pk))
        general = Comparison.objects.values_list("panel_pick", "crowd_pick", "crowd_differs").get(
            pk=comparison.pk
        )
        assert by_vote == general, split_votes
