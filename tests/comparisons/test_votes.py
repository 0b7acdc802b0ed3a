import datetime
import re
import threading
import time

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test import Client, TestCase
from django.utils import timezone

from comparisons import counters
from comparisons.models import Comparison, ComparisonEntry, Tool, Vote
from comparisons.voting import READER_COOKIE, Reader, reader_hash, vote_cast, vote_count_drift
from tests.clients import CommittingClient
from tests.factories import ToolFactory, make_comparison

pytestmark = pytest.mark.django_db


def new_reader() -> Client:
    return CommittingClient()


@pytest.fixture
def duel():
    a = ToolFactory.create(name="Alpha", slug="alpha")
    b = ToolFactory.create(name="Bravo", slug="bravo")
    return make_comparison(a, b), a, b


def counts(comparison) -> dict[str, int]:
    return dict(
        ComparisonEntry.objects.filter(comparison=comparison).values_list(
            "tool__slug", "vote_count"
        )
    )


def vote_url(comparison) -> str:
    return f"/compare/{comparison.slug}/vote/"


def cast(client, comparison, tool_slug, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(vote_url(comparison), {"tool": tool_slug}, headers=headers)


def vote_block(response) -> Tag:
    block = BeautifulSoup(response.content, "html.parser").select_one("#vote")
    assert block is not None, "no #vote block"
    return block


def marked_choice(block) -> str:
    """What the block says this reader chose, as its stylesheet shows it ("" for no mark)."""
    mine = block.select_one(".vote-option.is-mine .if-mine")
    return mine.get_text(strip=True) if mine else ""


def test_vote_form_follows_the_markup_contract(client, duel):
    comparison, *_ = duel
    soup = BeautifulSoup(client.get(comparison.get_absolute_url()).content, "html.parser")
    forms = soup.select("#vote form")
    assert len(forms) == 1
    form = forms[0]
    assert form["method"] == "post"
    assert form["action"] == "/compare/alpha-vs-bravo/vote/"
    # No per-visitor token: the page is the same for everyone (the origin is checked instead).
    assert not form.select_one('input[name="csrfmiddlewaretoken"]')
    assert soup.select_one("#vote")["data-comparison"] == str(comparison.pk)
    tools = [option["data-tool"] for option in soup.select("#vote .vote-option")]
    assert tools == [str(entry.tool_id) for entry in comparison.entry_list]
    buttons = form.select('button[type="submit"][name="tool"]')
    assert [button["value"] for button in buttons] == ["alpha", "bravo"]
    assert soup.select_one("#vote h2").get_text() == "Which would you ship?"


def test_a_first_vote_adds_one_and_redirects_to_the_vote_block(client, duel):
    comparison, *_ = duel
    response = cast(client, comparison, "bravo")
    assert response.status_code == 303
    assert response.headers["Location"] == "/compare/alpha-vs-bravo/?voted=1#vote"
    assert counts(comparison) == {"alpha": 0, "bravo": 1}
    page = client.get(response.headers["Location"])
    block = vote_block(page)
    assert marked_choice(block) == "✓ Your vote: Bravo"
    assert "private" in page.headers["Cache-Control"]  # this reader's own copy
    assert "1 vote so far" in block.select_one(".vote-total").get_text()
    numbers = [span.get_text(" ", strip=True) for span in block.select(".vote-numbers")]
    assert numbers == ["0 votes", "1 vote"]  # no "100%" from one vote


def test_the_reader_cookie_is_signed_httponly_lax_and_secure(client, duel):
    comparison, *_ = duel
    response = cast(client, comparison, "alpha")
    cookie = response.cookies[READER_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert ":" in cookie.value  # signed
    reader_id = cookie.value.split(":")[0]
    vote = Vote.objects.get()
    assert vote.reader_hash == reader_hash(reader_id)
    assert reader_id not in vote.reader_hash


def test_the_cookie_is_not_secure_with_debug_on(client, duel, settings):
    settings.DEBUG = True
    comparison, *_ = duel
    assert cast(client, comparison, "alpha").cookies[READER_COOKIE]["secure"] == ""


def test_a_second_vote_from_the_same_reader_changes_not_adds(client, duel):
    comparison, *_ = duel
    cast(client, comparison, "alpha")
    first_time = Vote.objects.get().created_at
    response = cast(client, comparison, "bravo")
    assert response.status_code == 303
    assert READER_COOKIE not in response.cookies  # the reader keeps their id
    assert counts(comparison) == {"alpha": 0, "bravo": 1}
    vote = Vote.objects.get()
    assert vote.tool.slug == "bravo"
    assert vote.created_at == first_time and vote.updated_at > first_time
    cast(client, comparison, "bravo")
    assert counts(comparison) == {"alpha": 0, "bravo": 1}
    assert Vote.objects.count() == 1


def test_htmx_gets_the_updated_vote_block_only(client, duel):
    comparison, *_ = duel
    cast(new_reader(), comparison, "alpha")
    response = cast(client, comparison, "bravo", hx_request="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    block = vote_block(response)
    assert block is not None and block.name == "section"
    assert [s.get_text(" ", strip=True) for s in block.select(".vote-numbers")] == [
        "1 vote",
        "1 vote",
    ]
    assert "✓ Your vote: Bravo" in block.get_text()
    assert "2 votes so far" in block.select_one(".vote-total").get_text()


def test_cards_and_home_show_community_share_and_counts(client, duel):
    comparison, *_ = duel
    for slug in ["alpha", "alpha", "alpha", "bravo", "bravo"]:
        cast(new_reader(), comparison, slug)
    soup = BeautifulSoup(client.get(comparison.get_absolute_url()).content, "html.parser")
    community = [
        card.find("dt", string="Community %").find_next("dd").get_text(" ", strip=True)
        for card in soup.select(".tool-card")
    ]
    assert community == ["60% 3 votes", "40% 2 votes"]
    home = BeautifulSoup(client.get("/").content, "html.parser")
    rows = [
        [c.get_text(strip=True) for c in row.select("td")]
        for row in home.select(".card-numbers tbody tr")
    ]
    assert [row[1] for row in rows] == ["60%", "40%"]
    assert "5 votes" in home.select_one(".comparison-card").get_text()


def test_community_percent_waits_for_five_votes_and_shows_the_count_until_then(client, duel):
    comparison, *_ = duel
    for slug in ["alpha", "alpha", "bravo", "alpha"]:
        cast(new_reader(), comparison, slug)
    soup = BeautifulSoup(client.get(comparison.get_absolute_url()).content, "html.parser")
    community = [
        card.find("dt", string="Community %").find_next("dd").get_text(" ", strip=True)
        for card in soup.select(".tool-card")
    ]
    assert community == ["3 votes 4 votes so far", "1 vote 4 votes so far"]
    assert "%" not in soup.select_one("#vote .vote-options").get_text()
    assert (
        soup.select_one("#vote .vote-total").get_text(" ", strip=True).startswith("4 votes so far")
    )
    assert [bar["width"] for bar in soup.select("#vote .bar-fill")] == ["0", "0"]
    home = BeautifulSoup(client.get("/").content, "html.parser")
    card = home.select_one(".comparison-card")
    assert [row.select("td")[1].get_text() for row in card.select("tbody tr")] == [
        "3 votes",
        "1 vote",
    ]
    assert "4 votes so far" in card.get_text()
    # The open data keeps the raw counts and shares.
    data = client.get(comparison.get_data_url()).json()
    assert [tool["community"]["votes"] for tool in data["tools"]] == [3, 1]

    cast(new_reader(), comparison, "bravo")  # the fifth vote
    soup = BeautifulSoup(client.get(comparison.get_absolute_url()).content, "html.parser")
    numbers = [span.get_text(" ", strip=True) for span in soup.select("#vote .vote-numbers")]
    assert numbers == ["60% · 3 votes", "40% · 2 votes"]


def test_every_later_page_load_shows_the_new_counts(client, duel):
    comparison, *_ = duel
    other = new_reader()
    other.get(comparison.get_absolute_url())
    cast(client, comparison, "alpha")
    page = other.get(comparison.get_absolute_url())
    assert "1 vote" in vote_block(page).select_one(".vote-total").get_text()
    assert marked_choice(vote_block(page)) == ""
    assert "has-mine" not in vote_block(page)["class"]


# --- Bad input changes nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Sec-Fetch-Site nor Origin
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},  # a sibling subdomain is another site's page
        {"sec-fetch-site": "none"},
        {"sec-fetch-site": "cross-site", "origin": "https://testserver"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "http://testserver"},  # the site is https behind its proxy
    ],
)
def test_a_vote_from_anywhere_but_the_sites_pages_is_refused(duel, headers):
    comparison, *_ = duel
    strict = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https", **headers})
    response = strict.post(vote_url(comparison), {"tool": "alpha"})
    assert response.status_code == 403
    assert b"only works from this site" in response.content
    assert Vote.objects.count() == 0
    assert "reader" not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "same-origin"}, {"origin": "https://testserver"}],
)
def test_a_vote_from_the_sites_own_page_needs_no_csrf_token(duel, headers, settings):
    settings.SITE_URL = "https://verdicts.example"  # the request's own origin is accepted too
    comparison, *_ = duel
    browser = {"x-forwarded-proto": "https", "host": "testserver", **headers}
    strict = Client(enforce_csrf_checks=True, headers=browser)
    assert strict.post(vote_url(comparison), {"tool": "alpha"}).status_code == 303
    assert counts(comparison) == {"alpha": 1, "bravo": 0}


def test_a_vote_with_the_site_urls_origin_passes(duel, settings):
    settings.SITE_URL = "https://verdicts.example"
    settings.ALLOWED_HOSTS = ["verdicts.example", "internal.example"]
    comparison, *_ = duel
    # Behind a proxy that rewrites Host, the browser's Origin is SITE_URL's.
    browser = Client(headers={"x-forwarded-proto": "https", "origin": "https://verdicts.example"})
    answer = browser.post(vote_url(comparison), {"tool": "alpha"}, HTTP_HOST="internal.example")
    assert answer.status_code == 303


@pytest.mark.parametrize("value", ["", "charlie", "ALPHA", "alpha\x00", "🙂" * 500, "x" * 100_000])
def test_a_tool_not_in_the_comparison_is_a_400(client, duel, value):
    comparison, *_ = duel
    ToolFactory.create(slug="charlie")
    response = cast(client, comparison, value)
    assert response.status_code == 400
    assert b"Pick one of the tools in this comparison." in response.content
    assert Vote.objects.count() == 0
    assert counts(comparison) == {"alpha": 0, "bravo": 0}


def test_a_missing_tool_field_is_a_400(client, duel):
    comparison, *_ = duel
    assert client.post(vote_url(comparison), {}).status_code == 400
    assert client.post(vote_url(comparison), {"tool": ["alpha", "bravo"]}).status_code in (200, 303)


def test_a_400_for_htmx_is_the_block_with_the_message(client, duel):
    comparison, *_ = duel
    response = cast(client, comparison, "nope", hx_request="true")
    assert response.status_code == 400
    assert "Pick one of the tools" in vote_block(response).select_one('[role="alert"]').get_text()


def test_get_is_405(client, duel):
    comparison, *_ = duel
    assert client.get(vote_url(comparison)).status_code == 405
    assert Vote.objects.count() == 0


def test_drafts_block_votes_and_unknown_comparisons_are_404(client, duel):
    draft = make_comparison(
        ToolFactory.create(slug="d1"), ToolFactory.create(slug="d2"), ToolFactory.create(slug="d3"),
        status=Comparison.Status.DRAFT,
    )  # fmt: skip
    assert cast(client, draft, "d1").status_code == 409  # its generated page takes no votes
    assert client.post("/compare/nothing-vs-here/vote/", {"tool": "nothing"}).status_code == 404
    hidden = ToolFactory.create(slug="hidden", is_published=False)
    assert client.post("/compare/alpha-vs-hidden/vote/", {"tool": "alpha"}).status_code == 404
    assert client.post("/compare/bravo-vs-alpha/vote/", {"tool": "alpha"}).status_code == 404
    assert hidden.pk and Vote.objects.count() == 0


def test_a_scheduled_comparison_takes_votes_only_once_it_is_due(client):
    """The vote by address and the general path agree on what is live."""
    due = timezone.now() + datetime.timedelta(hours=2)
    scheduled = make_comparison(
        ToolFactory.create(slug="s1"),
        ToolFactory.create(slug="s2"),
        ToolFactory.create(slug="s3"),
        published_at=due,
    )
    assert cast(client, scheduled, "s1").status_code == 409  # awaiting the editors
    assert Vote.objects.count() == 0
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        assert cast(client, scheduled, "s1").status_code == 303
    assert counts(scheduled) == {"s1": 1, "s2": 0, "s3": 0}


def test_an_editors_draft_of_the_pair_takes_no_votes_and_goes_live_at_zero(client):
    """The generated page of a pair an editor is writing up does not vote onto the draft."""
    draft = make_comparison(
        ToolFactory.create(slug="p1"), ToolFactory.create(slug="p2"), status=Comparison.Status.DRAFT
    )
    page = BeautifulSoup(client.get("/compare/p1-vs-p2/").content, "html.parser")
    assert not page.select("#vote form")
    assert "voting opens when it is published" in page.select_one("#vote").get_text()
    refused = cast(client, draft, "p2")
    assert refused.status_code == 409
    assert "voting opens when it is published" in refused.content.decode()
    htmx = cast(client, draft, "p2", hx_request="true")
    assert htmx.status_code == 409 and vote_block(htmx) is not None
    assert counts(draft) == {"p1": 0, "p2": 0}
    assert not Vote.objects.exists() and Comparison.objects.count() == 1

    draft.publish()
    live = BeautifulSoup(client.get("/compare/p1-vs-p2/").content, "html.parser")
    assert (
        live.select_one("#vote .vote-total").get_text(" ", strip=True).startswith("0 votes so far")
    )
    assert cast(client, draft, "p2").status_code == 303
    assert counts(draft) == {"p1": 0, "p2": 1}


def test_a_generated_comparison_editors_unpublished_still_keeps_the_pages_votes(client):
    generated = make_comparison(
        ToolFactory.create(slug="p1"),
        ToolFactory.create(slug="p2"),
        status=Comparison.Status.DRAFT,
        kind=Comparison.Kind.GENERATED,
    )
    assert cast(client, generated, "p2").status_code == 303
    assert counts(generated) == {"p1": 0, "p2": 1}
    assert Comparison.objects.count() == 1


def test_a_vote_at_an_old_address_goes_to_the_comparison_and_the_redirect_stays(duel):
    """A page loaded before a third tool joined its pair posts to the pair's old address."""
    comparison, *_ = duel
    old_address = comparison.slug
    charlie = ToolFactory.create(name="Charlie", slug="charlie")
    ComparisonEntry.objects.create(comparison=comparison, tool=charlie, position=2)
    comparison.refresh_identity()
    reader = new_reader()

    response = reader.post(f"/compare/{old_address}/vote/", {"tool": "alpha"})
    assert response.status_code == 308  # the browser repeats the POST at the new address
    assert response.headers["Location"] == f"/compare/{comparison.slug}/vote/"
    followed = reader.post(f"/compare/{old_address}/vote/", {"tool": "alpha"}, follow=True)
    assert followed.redirect_chain[-1] == (f"/compare/{comparison.slug}/?voted=1#vote", 303)

    assert counts(comparison) == {"alpha": 1, "bravo": 0, "charlie": 0}
    assert list(Comparison.objects.values_list("slug", flat=True)) == [comparison.slug]
    assert reader.get(f"/compare/{old_address}/").status_code == 301


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",
        "",
        "a:b:c",
        "x" * 5000,
        # UTF-8 bytes as a WSGI server hands them over (decoded as ISO-8859-1)
        "🙂".encode().decode("iso-8859-1"),
        "abc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_forged_or_malformed_cookie_is_a_new_reader(client, duel, cookie):
    comparison, *_ = duel
    cast(new_reader(), comparison, "alpha")
    client.cookies[READER_COOKIE] = cookie
    response = cast(client, comparison, "alpha")
    assert response.status_code == 303
    assert response.cookies[READER_COOKIE].value != cookie
    assert counts(comparison) == {"alpha": 2, "bravo": 0}


def test_a_cookie_copied_to_another_comparison_still_counts_once_there(client, duel):
    comparison, a, _ = duel
    other = make_comparison(a, ToolFactory.create(slug="zulu"))
    cast(client, comparison, "alpha")
    cast(client, other, "zulu")
    cast(client, other, "zulu")
    assert Vote.objects.count() == 2
    assert counts(other) == {"alpha": 0, "zulu": 1}


def test_past_the_rate_limit_answers_429_and_counts_nothing(client, duel, settings):
    settings.VOTE_RATE = "3/m"
    comparison, *_ = duel
    for _ in range(3):
        assert cast(new_reader(), comparison, "alpha").status_code == 303
    response = cast(new_reader(), comparison, "bravo")
    assert response.status_code == 429
    assert b"voting faster than we can count" in response.content
    assert counts(comparison) == {"alpha": 3, "bravo": 0}
    htmx = cast(new_reader(), comparison, "bravo", hx_request="true")
    assert htmx.status_code == 429 and vote_block(htmx).select_one('[role="alert"]')


# --- Counting exactly, under concurrency --------------------------------------------------------


def run_at_once(count: int, action) -> list:
    """Start ``count`` threads that wait on one barrier, then act together."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_fifty_readers_at_once_give_exactly_fifty_votes(duel, settings):
    settings.VOTE_RATE = "1000/m"
    comparison, *_ = duel
    statuses = run_at_once(
        50, lambda i: cast(new_reader(), comparison, "alpha" if i % 2 else "bravo").status_code
    )
    assert statuses == [303] * 50
    assert Vote.objects.count() == 50
    assert counts(comparison) == {"alpha": 25, "bravo": 25}
    assert vote_count_drift() == []


@pytest.mark.django_db(transaction=True)
def test_one_reader_twenty_times_at_once_gives_one_vote(duel, settings):
    settings.VOTE_RATE = "1000/m"
    comparison, *_ = duel
    first = new_reader()
    cast(first, comparison, "alpha")  # the reader gets their cookie
    Vote.objects.all().delete()
    ComparisonEntry.objects.update(vote_count=0)
    cookie = first.cookies[READER_COOKIE].value

    def same_reader(index: int) -> int:
        client = new_reader()
        client.cookies[READER_COOKIE] = cookie
        return cast(client, comparison, "bravo").status_code

    assert run_at_once(20, same_reader) == [303] * 20
    assert Vote.objects.count() == 1
    assert counts(comparison) == {"alpha": 0, "bravo": 1}
    assert vote_count_drift() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_switches_move_votes_without_drift(duel, settings):
    settings.VOTE_RATE = "1000/m"
    comparison, *_ = duel
    readers = [new_reader() for _ in range(20)]
    for index, reader in enumerate(readers):
        cast(reader, comparison, "alpha" if index % 2 else "bravo")
    run_at_once(
        20, lambda i: cast(readers[i], comparison, "bravo" if i % 2 else "alpha").status_code
    )
    assert counts(comparison) == {"alpha": 10, "bravo": 10}
    assert Vote.objects.count() == 20
    assert vote_count_drift() == []


@pytest.mark.django_db(transaction=True)
def test_votes_in_comparisons_sharing_tools_at_once_count_exactly(settings):
    """Each first vote locks every tool of its comparison (the pools): in id order, whatever the
    comparison's order, so votes in two comparisons sharing tools never deadlock."""
    settings.VOTE_RATE = "1000/m"
    a, b, c = (ToolFactory.create(slug=slug) for slug in ("alpha", "bravo", "charlie"))
    first, second = make_comparison(a, b, c), make_comparison(c, b)
    ballots = [(first, "alpha"), (second, "charlie"), (first, "bravo"), (second, "bravo")]
    statuses = run_at_once(
        40, lambda i: cast(new_reader(), ballots[i % 4][0], ballots[i % 4][1]).status_code
    )
    assert statuses == [303] * 40
    assert counts(first) == {"alpha": 10, "bravo": 10, "charlie": 0}
    assert counts(second) == {"bravo": 10, "charlie": 10}
    assert vote_count_drift() == [] and counters.drift() == []


def others_waiting_for_a_lock() -> int:
    # pg_locks is read live (pg_stat_activity would be this transaction's first snapshot).
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_vote_waits_for_an_editors_save_and_never_deadlocks(duel) -> None:
    """An editor saving a comparison locks it, then recounts its tools. Here the editor's
    transaction holds the comparison until the vote waits for it, then updates the tools: had
    the vote locked the tools first, Postgres would roll one of the two back to end a deadlock
    (the reader got a 503). A vote locks the comparison first, as every writer does, so it
    waits for the save to commit and is counted after it."""
    comparison, alpha, bravo = duel
    answers: list = []

    def reader() -> None:
        try:
            answers.append(cast(new_reader(), comparison, "alpha").status_code)
        finally:
            connection.close()

    voting = threading.Thread(target=reader)
    with transaction.atomic():
        Comparison.objects.select_for_update().filter(pk=comparison.pk).get()  # the save
        voting.start()
        deadline = time.monotonic() + 10
        while not others_waiting_for_a_lock():  # the vote waits for this row
            assert time.monotonic() < deadline, "the vote never reached the comparison's row"
            time.sleep(0.02)
        Tool.objects.filter(pk__in=[alpha.pk, bravo.pk]).update(ship_count=F("ship_count"))
    voting.join(timeout=30)
    assert answers == [303]
    assert counts(comparison) == {"alpha": 1, "bravo": 0} and Vote.objects.count() == 1
    assert vote_count_drift() == [] and counters.drift() == []


def test_check_vote_counts_reports_no_drift_then_finds_drift(duel, capsys):
    comparison, *_ = duel
    cast(new_reader(), comparison, "alpha")
    call_command("check_vote_counts")
    assert "no drift" in capsys.readouterr().out
    ComparisonEntry.objects.filter(tool__slug="bravo").update(vote_count=7)
    with pytest.raises(Exception, match=re.escape("drift in 1 place")):
        call_command("check_vote_counts")
    assert "stored 7, counted 0" in capsys.readouterr().out


# --- Query counts -----------------------------------------------------------------------------


SECOND_VOTE = 9  # a first vote once today's count exists
CHANGE = 9  # a reader changing their vote


def test_vote_post_query_count_is_pinned(duel, django_assert_num_queries):
    comparison, *_ = duel
    # A new reader's first vote at a live comparison: the comparison with its entries and tools,
    # found by the address; [savepoint] (production's BEGIN); the vote, inserted without a
    # lookup; the entry's count; the comparison's tools locked in id order and counted, in one
    # update; today's count: none yet (an update finding nothing, an insert, the update again);
    # the comparison locked and its top picks worked out (comparisons/top_picks.py; written
    # only when they change); [release] (production's COMMIT).
    with django_assert_num_queries(11):
        assert cast(new_reader(), comparison, "alpha").status_code == 303
    reader = new_reader()
    with django_assert_num_queries(SECOND_VOTE):  # today's count exists: one update
        assert cast(reader, comparison, "alpha").status_code == 303
    # A change: the comparison; [savepoint]; the vote, FOR UPDATE; one update moving both
    # entries' counts; the tools locked and the two counted in one update; the vote's update;
    # the top picks; [release].
    with django_assert_num_queries(CHANGE):
        assert cast(reader, comparison, "bravo").status_code == 303
    # htmx also reloads the block it sends back: + comparison, entries.
    with django_assert_num_queries(CHANGE + 2):
        assert cast(reader, comparison, "alpha", hx_request="true").status_code == 200
    # The same choice again changes nothing: the comparison; [savepoint]; the vote; [release].
    with django_assert_num_queries(4):
        assert cast(reader, comparison, "alpha").status_code == 303
    assert vote_count_drift() == [] and counters.drift() == []


def test_the_orm_path_counts_a_first_vote_in_one_transaction(duel, django_assert_num_queries):
    """``vote_cast``, the one vote path: a new reader's row is inserted without a lookup; a
    returning reader's is looked up FOR UPDATE first."""
    comparison, a, _ = duel
    # As the POST above, without its lookup of the comparison.
    with django_assert_num_queries(10):
        assert vote_cast(comparison=comparison, tool=a, reader=Reader("r1", is_new=True)) == "cast"
    with django_assert_num_queries(SECOND_VOTE - 1):  # today's count exists: one update
        assert vote_cast(comparison=comparison, tool=a, reader=Reader("r2", is_new=True)) == "cast"
    # A returning reader's first vote here: the vote, FOR UPDATE, then savepoint, insert,
    # release (get_or_create), instead of the plain insert.
    with django_assert_num_queries(SECOND_VOTE - 1 + 3):
        assert vote_cast(comparison=comparison, tool=a, reader=Reader("r3", is_new=False)) == "cast"
    assert counts(comparison) == {"alpha": 3, "bravo": 0}
    assert vote_count_drift() == [] and counters.drift() == []


def test_the_comparison_page_query_count_is_unchanged_by_ten_thousand_votes(
    duel, django_assert_num_queries
):
    from tests.comparisons.test_comparison_page import COMPARISON_PAGE_QUERIES

    comparison, a, b = duel
    reader = new_reader()
    cast(reader, comparison, "alpha")
    with django_assert_num_queries(COMPARISON_PAGE_QUERIES):  # the shared page: no vote lookup
        reader.get(comparison.get_absolute_url())
    Vote.objects.bulk_create(
        Vote(comparison=comparison, tool=a if i % 3 else b, reader_hash=f"bulk-{i}")
        for i in range(10_000)
    )
    ComparisonEntry.objects.filter(tool=a).update(vote_count=6667)
    ComparisonEntry.objects.filter(tool=b).update(vote_count=3334)
    with django_assert_num_queries(COMPARISON_PAGE_QUERIES):
        response = reader.get(comparison.get_absolute_url())
    assert (
        "10,001 votes" in vote_block(response).get_text()
        or "10001 votes" in vote_block(response).get_text()
    )
    assert vote_count_drift() == []
