"""Three and four tools on demand: any 2 to 4 published tools have an address, as pairs do.

The sorted address is canonical, any other order answers 301, a published curated comparison of
exactly those tools wins over the generated page, the first vote stores a generated one, and an
editor's draft of the set blocks votes. The picker (test_picker.py for pairs) takes a third and a
fourth box.
"""

import itertools

import pytest
from django.test import TestCase

from comparisons.models import Comparison, ComparisonEntry, Vote
from comparisons.pairs import address_parts, canonical_address, tools_at
from reviews.models import Verdict
from tests.clients import CommittingClient
from tests.comparisons.test_votes import SECOND_VOTE
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

VIEWS = ["/compare/{}/", "/compare/{}.json", "/compare/{}/share.png"]
TRIO = "alpha-vs-bravo-vs-charlie"
QUARTET = "alpha-vs-bravo-vs-charlie-vs-delta"


@pytest.fixture
def tools():
    """Four published tools in two categories, reviewed and priced, and one unpublished."""
    speech = CategoryFactory.create(name="Speech", slug="speech")
    chat = CategoryFactory.create(name="Chat", slug="chat")
    alpha = ToolFactory.create(name="Alpha", slug="alpha", category=speech)
    bravo = ToolFactory.create(name="Bravo", slug="bravo", category=speech)
    charlie = ToolFactory.create(name="Charlie", slug="charlie", category=chat)
    delta = ToolFactory.create(name="Delta", slug="delta", category=chat)
    ToolFactory.create(name="Hidden", slug="hidden", category=chat, is_published=False)
    reviewer = ReviewerFactory.create(name="Ada")
    ScorecardFactory.create(
        reviewer=reviewer, tool=alpha, verdict=Verdict.SHIP, quote="Runs anywhere."
    )
    ScorecardFactory.create(
        reviewer=reviewer, tool=charlie, verdict=Verdict.SKIP, quote="Costs a lot."
    )
    PricingTierFactory.create(tool=charlie, name="Team", price="30", unit="month")
    return alpha, bravo, charlie, delta


def reader():
    return CommittingClient()


def cast(client, slug, tool_slug, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/compare/{slug}/vote/", {"tool": tool_slug}, headers=headers)


def counts(comparison) -> dict[str, int]:
    return dict(comparison.entries.values_list("tool__slug", "vote_count"))


# --- Reading an address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "parts"),
    [
        ("a-vs-b", ["a", "b"]),
        ("c-vs-a-vs-b", ["c", "a", "b"]),
        ("a-vs-b-vs-c-vs-d", ["a", "b", "c", "d"]),
        ("a", None),  # one tool
        ("a-vs-b-vs-c-vs-d-vs-e", None),  # five
        ("a-vs-vs-b", None),  # an empty part (it splits into "a" and "vs-b")
        ("a-vs-b-vs-vs", None),
        ("-vs-a-vs-b", None),
        ("a-vs-b-vs-", None),
        ("a-vs-b-vs-a", None),  # a tool twice
        ("a-vs-a", None),
    ],
)
def test_an_address_names_two_to_four_different_tools(slug, parts):
    assert address_parts(slug) == parts


def test_tools_at_finds_published_tools_in_any_order_sorted(tools, django_assert_num_queries):
    alpha, bravo, charlie, _ = tools
    with django_assert_num_queries(1):
        assert tools_at("charlie-vs-alpha-vs-bravo") == [alpha, bravo, charlie]
    assert canonical_address([charlie, alpha, bravo]) == TRIO
    assert tools_at("alpha-vs-bravo-vs-hidden") is None
    assert tools_at("alpha-vs-bravo-vs-nobody") is None
    with django_assert_num_queries(0):  # junk costs no query
        assert tools_at("alpha-vs-bravo-vs-alpha") is None
        assert tools_at("-vs-".join(["alpha"] * 10_000)) is None


# --- Generated pages -------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "count"), [(TRIO, 3), (QUARTET, 4)])
def test_three_or_four_published_tools_have_a_generated_page(client, tools, slug, count):
    response = client.get(f"/compare/{slug}/")
    soup = soup_of(response)
    names = ["Alpha", "Bravo", "Charlie", "Delta"][:count]
    assert soup.h1.get_text() == " vs ".join(names)
    assert [card.h3.get_text(strip=True) for card in soup.select(".tool-card")] == names
    assert len(soup.select("table.split thead th[scope=col]")) == count + 1
    assert "Runs anywhere." in soup.select_one("table.split").get_text()
    assert "$30" in soup.select_one("#pricing").get_text()
    assert soup.select_one("#vote form")["action"] == f"/compare/{slug}/vote/"
    assert len(soup.select("#vote .vote-button")) == count
    assert soup.select_one('link[rel="canonical"]')["href"].endswith(f"/compare/{slug}/")
    assert response.headers["X-Robots-Tag"] == "noindex"  # no vote yet: thin content
    assert Comparison.objects.count() == 0  # nothing is stored by looking


def test_tools_from_several_categories_say_so(client, tools):
    note = soup_of(client.get(f"/compare/{TRIO}/")).select_one(".cross-category")
    assert note.get_text(" ", strip=True) == (
        "These tools are in different categories: Speech , Chat ."
    )
    assert [link["href"] for link in note.select("a")] == [
        "/categories/speech/",
        "/categories/chat/",
    ]
    pair = soup_of(client.get("/compare/alpha-vs-charlie/")).select_one(".cross-category")
    assert pair is not None  # a pair across categories says it too
    assert soup_of(client.get("/compare/alpha-vs-bravo/")).select_one(".cross-category") is None


def test_a_generated_three_way_page_costs_what_a_pair_costs(
    client, tools, django_assert_num_queries
):
    from tests.comparisons.test_comparison_page import COMPARISON_PAGE_QUERIES

    # Stored comparison (none), old address (none), the tools with their tiers and scorecards,
    # related comparisons: as many as a stored pair's page, whatever the number of tools.
    with django_assert_num_queries(COMPARISON_PAGE_QUERIES):
        client.get("/compare/alpha-vs-bravo/")
    with django_assert_num_queries(COMPARISON_PAGE_QUERIES):
        client.get(f"/compare/{QUARTET}/")


# --- Other orders and addresses that name nothing ----------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_every_other_order_redirects_permanently_to_the_sorted_address(client, tools, view):
    orders = ["-vs-".join(order) for order in itertools.permutations(TRIO.split("-vs-"))]
    assert len(orders) == 6
    for order in orders:
        if order == TRIO:
            continue
        response = client.get(view.format(order))
        assert response.status_code == 301, order
        assert response.headers["Location"] == view.format(TRIO)
    assert client.get(view.format(TRIO)).status_code == 200


def test_four_tools_in_another_order_redirect_too(client, tools):
    response = client.get("/compare/delta-vs-charlie-vs-bravo-vs-alpha/")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/compare/{QUARTET}/"


NOT_COMPARISONS = [
    "alpha-vs-bravo-vs-charlie-vs-delta-vs-echo",  # five tools, four of them real
    "alpha-vs-bravo-vs-alpha",  # the same tool twice
    "alpha-vs-alpha-vs-bravo-vs-charlie",
    "alpha-vs-vs-bravo",  # an empty part
    "alpha-vs-bravo-vs-",
    "-vs-alpha-vs-bravo",
    "alpha-vs-bravo-vs-nobody",  # unknown
    "alpha-vs-bravo-vs-hidden",  # unpublished
    "Alpha-vs-Bravo-vs-Charlie",  # slugs are lower case
    "-vs-".join(["alpha", "bravo", "charlie"] * 500),  # huge
    "alpha-vs-bravo-vs-%C3%BCn%C3%AFc%C3%B6de",  # unicode
    "alpha-vs-bravo-vs-%25%25",  # percent-encoded junk
]


@pytest.mark.parametrize("slug", NOT_COMPARISONS)
def test_addresses_that_name_no_set_of_tools_are_a_clear_404(client, tools, slug):
    page = client.get(f"/compare/{slug}/")
    assert page.status_code == 404
    assert "two to four different published tools" in page.content.decode()
    assert client.get(f"/compare/{slug}.json").status_code == 404
    assert client.get(f"/compare/{slug}/share.png").status_code == 404
    assert client.post(f"/compare/{slug}/vote/", {"tool": "alpha"}).status_code == 404
    assert not Comparison.objects.exists()


def test_only_comparison_addresses_explain_what_they_must_name(client, tools):
    other = client.get("/tools/nobody/")
    assert other.status_code == 404
    assert "two to four different published tools" not in other.content.decode()


@pytest.mark.parametrize("slug", ["alpha-vs-bravo%00-vs-charlie", "alpha-vs-%FF-vs-bravo"])
def test_nul_or_undecodable_bytes_in_the_address_are_a_404_not_a_500(client, tools, slug):
    # No slug holds them, so the URL patterns match nothing: the resolver's 404.
    assert client.get(f"/compare/{slug}/").status_code == 404
    assert client.post(f"/compare/{slug}/vote/", {"tool": "alpha"}).status_code == 404


# --- Curated comparisons of three and four -----------------------------------------------------


def test_a_published_curated_three_way_wins_and_keeps_the_editors_order(client, tools):
    alpha, bravo, charlie, _ = tools
    curated = make_comparison(charlie, alpha, bravo, verdict="Charlie for teams.")
    assert curated.slug == TRIO  # derived from the tools: sorted, whatever the editor's order
    response = client.get("/compare/charlie-vs-alpha-vs-bravo/")  # the editor's order
    assert response.status_code == 301
    assert response.headers["Location"] == f"/compare/{TRIO}/"
    page = client.get(f"/compare/{TRIO}/")
    soup = soup_of(page)
    assert soup.h1.get_text() == "Charlie vs Alpha vs Bravo"
    assert "Charlie for teams." in soup.get_text()
    assert "X-Robots-Tag" not in page.headers
    data = client.get(f"/compare/{TRIO}.json").json()
    assert [tool["slug"] for tool in data["tools"]] == ["charlie", "alpha", "bravo"]
    image = client.get(f"/compare/{TRIO}/share.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_a_curated_comparison_of_other_tools_does_not_stand_in(client, tools):
    """Curated is chosen for exactly the same set: a pair inside a three-way is not it."""
    alpha, bravo, *_ = tools
    make_comparison(alpha, bravo, verdict="Alpha, clearly.")
    soup = soup_of(client.get(f"/compare/{TRIO}/"))
    assert "Alpha, clearly." not in soup.get_text()
    assert soup.select_one("#verdict-heading").get_text() == "The panel's answer"


def test_an_editors_draft_of_the_three_blocks_votes_with_409(client, tools):
    alpha, bravo, charlie, _ = tools
    draft = make_comparison(bravo, alpha, charlie, status=Comparison.Status.DRAFT)
    page = soup_of(client.get(f"/compare/{TRIO}/"))
    assert page.h1.get_text() == "Alpha vs Bravo vs Charlie"  # the generated page, not the draft
    assert not page.select("#vote form")
    assert "voting opens when it is published" in page.select_one("#vote").get_text()
    refused = cast(client, TRIO, "alpha")
    assert refused.status_code == 409
    htmx = cast(client, TRIO, "alpha", hx_request="true")
    assert htmx.status_code == 409
    assert not Vote.objects.exists() and Comparison.objects.count() == 1
    draft.publish()
    assert cast(client, TRIO, "alpha").status_code == 303
    assert counts(draft) == {"alpha": 1, "bravo": 0, "charlie": 0}


# --- Votes ------------------------------------------------------------------------------------


def test_the_first_vote_stores_a_generated_three_way(client, tools):
    response = cast(client, TRIO, "charlie")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/compare/{TRIO}/?voted=1#vote"
    comparison = Comparison.objects.get()
    assert comparison.kind == Comparison.Kind.GENERATED and comparison.is_live
    assert comparison.slug == TRIO and comparison.title == "Alpha vs Bravo vs Charlie"
    assert counts(comparison) == {"alpha": 0, "bravo": 0, "charlie": 1}
    assert list(comparison.entries.values_list("tool__slug", "position")) == [
        ("alpha", 0),
        ("bravo", 1),
        ("charlie", 2),
    ]
    page = client.get(f"/compare/{TRIO}/")
    assert "X-Robots-Tag" not in page.headers  # a vote: worth indexing now
    assert f'data-comparison="{comparison.pk}"' in page.content.decode()
    mine = client.get(f"/compare/{TRIO}/?voted=1").content.decode()
    assert "✓ Your vote: Charlie" in mine

    other = reader()
    assert cast(other, TRIO, "alpha", hx_request="true").status_code == 200
    assert cast(client, TRIO, "bravo").status_code == 303  # a change, not a second vote
    assert counts(comparison) == {"alpha": 1, "bravo": 1, "charlie": 0}
    assert Comparison.objects.count() == 1 and Vote.objects.count() == 2
    data = client.get(f"/compare/{TRIO}.json").json()
    assert [(tool["slug"], tool["community"]["votes"]) for tool in data["tools"]] == [
        ("alpha", 1),
        ("bravo", 1),
        ("charlie", 0),
    ]


def test_a_vote_needs_the_canonical_address_and_a_tool_of_the_set(client, tools):
    assert cast(client, "charlie-vs-alpha-vs-bravo", "alpha").status_code == 404
    assert cast(client, TRIO, "delta").status_code == 400  # not one of the three
    assert cast(client, TRIO, "").status_code == 400
    assert not Comparison.objects.exists()


def test_the_vote_path_costs_what_a_pairs_does(tools, django_assert_num_queries):
    """Pinned as in test_votes.py (``SECOND_VOTE``): a live comparison's first vote, whatever
    its size."""
    alpha, bravo, charlie, delta = tools
    four = make_comparison(alpha, bravo, charlie, delta)
    cast(reader(), four.slug, "alpha")  # today's count exists from here on
    with django_assert_num_queries(SECOND_VOTE):
        assert cast(reader(), four.slug, "delta").status_code == 303
    assert ComparisonEntry.objects.get(comparison=four, tool=delta).vote_count == 1


def test_json_and_share_image_of_a_generated_four_way(client, tools):
    data = client.get(f"/compare/{QUARTET}.json")
    assert data.status_code == 200
    assert [tool["position"] for tool in data.json()["tools"]] == [1, 2, 3, 4]
    image = client.get(f"/compare/{QUARTET}/share.png")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_after_a_vote_the_shared_page_is_byte_identical_for_every_reader(tools):
    cast(reader(), TRIO, "alpha")
    second, third = reader().get(f"/compare/{TRIO}/"), reader().get(f"/compare/{TRIO}/")
    assert second.status_code == 200 and second.content == third.content
    assert b"is-mine" not in second.content.split(b'id="vote"')[1].split(b"</form>")[0]
