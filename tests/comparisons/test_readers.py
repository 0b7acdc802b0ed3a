"""What readers meet first and where they can go next: the answer at the top of a comparison,
Panel ship % with its fraction, generated pairs kept out of curated places, the list of all
comparisons and the tool index's filters."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from comparisons.answer import panel_summary
from comparisons.models import Comparison, Tool
from reviews.models import Lens, Verdict
from tests.clients import CommittingClient
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


def vote(slug: str, tool: str) -> None:
    assert CommittingClient().post(f"/compare/{slug}/vote/", {"tool": tool}).status_code == 303


@pytest.fixture
def panel():
    """Four reviewers, one per lens, as on the demo panel."""
    return {
        lens: ReviewerFactory.create(name=f"{lens.label.split(':')[0]} reviewer", lens=lens)
        for lens in Lens
    }


def review(panel, tool, skipped_by=()):
    for lens, reviewer in panel.items():
        verdict = Verdict.SKIP if lens in skipped_by else Verdict.SHIP
        ScorecardFactory.create(reviewer=reviewer, tool=tool, verdict=verdict)


@pytest.fixture
def duel(panel):
    category = CategoryFactory.create(name="Vision", slug="vision")
    big = ToolFactory.create(name="SmolVLM2-2B", slug="smolvlm2-2b", category=category)
    small = ToolFactory.create(name="SmolVLM2", slug="smolvlm2", category=category)
    review(panel, big)
    review(panel, small, skipped_by=[Lens.SKEPTIC])
    return big, small


# --- 1. The answer first --------------------------------------------------------------------


def with_profiles(*tools):
    return [Tool.objects.with_profile().get(pk=tool.pk) for tool in tools]


def test_the_panel_in_a_sentence_names_the_majority_and_who_dissents(panel, duel):
    big, small = duel
    assert panel_summary(with_profiles(big, small)) == (
        "The panel ships both; the skeptic skips SmolVLM2."
    )
    other = ToolFactory.create(name="Moondream")
    review(panel, other, skipped_by=[Lens.SKEPTIC, Lens.BUYER, Lens.BUILDER])
    split = ToolFactory.create(name="Qwen")
    review(panel, split, skipped_by=[Lens.SKEPTIC, Lens.BUYER])
    unseen = ToolFactory.create(name="Unseen")
    assert panel_summary(with_profiles(big, other, split, unseen)) == (
        "The panel ships SmolVLM2-2B, skips Moondream and is split on Qwen; "
        "nobody has reviewed Unseen yet; the futurist ships Moondream."
    )
    assert panel_summary(with_profiles(ToolFactory.create(), ToolFactory.create())) == (
        "The panel hasn't reviewed these tools yet."
    )


def test_reviewers_sharing_a_lens_are_named(panel):
    second_skeptic = ReviewerFactory.create(name="Noor", lens=Lens.SKEPTIC)
    tool, rival = ToolFactory.create(name="A"), ToolFactory.create(name="B")
    review(panel, tool)
    review(panel, rival)
    ScorecardFactory.create(reviewer=second_skeptic, tool=tool, verdict=Verdict.SKIP)
    ScorecardFactory.create(reviewer=second_skeptic, tool=rival, verdict=Verdict.SHIP)
    assert panel_summary(with_profiles(tool, rival)) == "The panel ships both; Noor skips A."


def test_a_generated_page_opens_with_the_panels_answer_before_the_cards(client, duel):
    soup = soup_of(client.get("/compare/smolvlm2-vs-smolvlm2-2b/"))
    answer = soup.select_one("main .answer")
    assert answer.h2.get_text() == "The panel's answer"
    assert "The panel ships both; the skeptic skips SmolVLM2." in answer.get_text()
    assert answer.select_one('a[href="#panel"]')
    # In the document, the answer comes right after the title, before cards, table and vote.
    order = [element.get("id") or element.name for element in soup.select("h1, .answer, #panel")]
    assert order == ["h1", "verdict", "panel"]
    assert soup.select_one(".answer").find_next(class_="tool-cards")


def test_a_curated_page_opens_with_the_editors_verdict(client, duel):
    big, small = duel
    short = make_comparison(big, small, verdict="Ship the **2B** unless you run on a phone.")
    soup = soup_of(client.get(short.get_absolute_url()))
    answer = soup.select_one("main .answer")
    assert answer.h2.get_text() == "Editor's verdict"
    assert answer.select_one(".prose strong").get_text() == "2B"
    assert [a["href"] for a in answer.select("a")] == ["#panel"]
    assert not soup.select("#full-verdict")  # all of it is at the top already


def test_a_long_verdict_opens_with_its_first_sentences_and_follows_in_full(client, duel):
    first = "Pick **SmolVLM2-2B** if answers are shown to users: it reads documents better."
    second = "Pick the 500M **SmolVLM2** for on-device features and offline apps."
    third = "The 256M checkpoint is for tight memory budgets and experiments on your own images."
    fourth = "The two share a prompt format, so switching later costs little."
    comparison = make_comparison(*duel, verdict=f"{first} {second} {third} {fourth}\n\nMore.")
    soup = soup_of(client.get(comparison.get_absolute_url()))
    lead = soup.select_one("main .answer .prose").get_text(" ", strip=True)
    assert lead == f"{first} {second}".replace("**", "")  # two sentences fit, three do not
    assert [a["href"] for a in soup.select("main .answer a")] == ["#full-verdict", "#panel"]
    full = soup.select_one("#full-verdict").get_text(" ", strip=True)
    assert fourth in full and "More." in full


def test_panel_ship_percent_carries_its_fraction_everywhere(client, duel):
    big, small = duel
    comparison = make_comparison(big, small)
    page = soup_of(client.get(comparison.get_absolute_url()))
    cards = [
        card.select_one(".numbers dd").get_text(" ", strip=True)
        for card in page.select(".tool-card")
    ]
    assert cards == ["100% 4 of 4 ship", "75% 3 of 4 ship"]
    home_card = soup_of(client.get("/")).select_one(".comparison-card tbody")
    assert "75% 3 of 4 ship" in home_card.get_text(" ", strip=True)
    rows = soup_of(client.get("/tools/")).select(".tool-row-numbers")
    assert [row.select_one("span").get_text(" ", strip=True) for row in rows] == [
        "Panel 75% 3 of 4 ship",
        "Panel 100% 4 of 4 ship",
    ]
    tool_page = soup_of(client.get("/tools/smolvlm2/"))
    assert "75% 3 of 4 ship" in tool_page.select_one(".numbers").get_text(" ", strip=True)
    ranking = soup_of(client.get("/categories/vision/")).select_one("table.ranking tbody")
    assert "75% 3 of 4 ship" in ranking.get_text(" ", strip=True)


def test_the_edition_email_carries_the_fraction(duel):
    from newsletter import emails
    from newsletter.models import Edition
    from tests.newsletter.factories import SubscriberFactory, make_edition

    edition = make_edition(make_comparison(*duel), status=Edition.Status.SENDING, number=1)
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    message = emails.edition_email(edition, SubscriberFactory.create(), edition.ordered_comparisons)
    assert "SmolVLM2: panel ship 75% (3 of 4 ship)" in message.body
    [(html, _)] = message.alternatives
    assert "Panel ship 75% (3 of 4 ship)" in BeautifulSoup(html, "html.parser").get_text()


def test_a_tool_without_scorecards_is_not_reviewed_yet(client, duel):
    big, _ = duel
    fresh = ToolFactory.create(name="Fresh", slug="fresh", category=big.category)
    page = soup_of(client.get("/compare/fresh-vs-smolvlm2-2b/"))
    card = page.select_one(".tool-card")  # Fresh comes first
    assert card.select_one(".numbers dd").get_text(strip=True) == "Not reviewed yet"
    assert "0 of 0" not in page.get_text()
    assert "Fresh not reviewed yet" in page.select_one(".split-summary").get_text()
    assert (
        "Not reviewed yet"
        in soup_of(client.get(fresh.get_absolute_url())).select_one(".numbers").get_text()
    )


# --- 5. No dead ends -------------------------------------------------------------------------


def test_tool_names_on_a_comparison_page_link_to_their_pages(client, duel):
    soup = soup_of(client.get("/compare/smolvlm2-vs-smolvlm2-2b/"))
    expected = ["/tools/smolvlm2/", "/tools/smolvlm2-2b/"]
    assert [a["href"] for a in soup.select(".tool-card h3 a")] == expected
    assert [a["href"] for a in soup.select("table.split thead a")] == expected
    assert [a["href"] for a in soup.select(".pricing-column h3 a")] == expected
    assert {a["href"] for a in soup.select(".tool-card .eyebrow a")} == {"/categories/vision/"}
    tool_page = soup_of(client.get("/tools/smolvlm2/"))
    assert tool_page.select_one(".page-head .eyebrow a")["href"] == "/categories/vision/"


@pytest.fixture
def catalogue():
    call_command("seed_demo")


def tool_names(response) -> list[str]:
    names = []
    for row in soup_of(response).select(".tool-row"):
        assert row.strong is not None, row
        names.append(row.strong.get_text())
    return names


def test_the_tool_index_sorts_names_whatever_their_case(client, catalogue):
    names = tool_names(client.get("/tools/"))
    assert names == sorted(names, key=str.casefold)
    assert names.index("Le Chat") < names.index("llama.cpp") < names.index("LM Studio")


def test_the_tool_index_filters_and_sorts_by_links(client, catalogue):
    soup = soup_of(client.get("/tools/"))
    links = {a.get_text(): a["href"] for a in soup.select(".filters a")}
    assert links["Open weights"] == "/tools/?licence=open"
    assert links["Free tier"] == "/tools/?price=free"
    assert links["Panel ship %"] == "/tools/?sort=panel"
    assert links["Coding assistants"] == "/tools/?category=coding-assistants"
    # A link keeps the other filters and starts again from the first page.
    soup = soup_of(client.get("/tools/", {"licence": "open", "page": "2"}))
    links = {a.get_text(): a["href"] for a in soup.select(".filters a")}
    assert links["Free tier"] == "/tools/?licence=open&price=free"
    licence_any = soup.find("dt", string="Licence").find_next("a")
    assert licence_any["href"] == "/tools/"  # drops the licence only
    current = [a.get_text() for a in soup.select('.filters a[aria-current="true"]')]
    assert current == ["All", "Open weights", "Any", "Name"]

    coding = tool_names(client.get("/tools/", {"category": "coding-assistants"}))
    assert set(coding) == {"Cursor", "GitHub Copilot", "Poolside"}
    open_weights = tool_names(client.get("/tools/", {"licence": "open"}))
    assert "llama.cpp" in open_weights and "ChatGPT" not in open_weights
    proprietary = tool_names(client.get("/tools/", {"licence": "proprietary"}))
    assert "ChatGPT" in proprietary and not set(open_weights) & set(proprietary)
    assert len(open_weights) + len(proprietary) == Tool.objects.published().count()
    free = tool_names(client.get("/tools/", {"price": "free"}))
    paid = tool_names(client.get("/tools/", {"price": "paid"}))
    assert not set(free) & set(paid) and len(free) + len(paid) == len(open_weights + proprietary)
    for name in free:
        tool = Tool.objects.get(name=name)
        assert tool.pricing_tiers.filter(price=0).exists()

    by_panel = [
        Tool.objects.get(name=name).panel_ship_percent
        for name in tool_names(client.get("/tools/", {"sort": "panel"}))
    ]
    assert by_panel == sorted(by_panel, reverse=True)
    Tool.objects.filter(name="Whisper large-v3-turbo").update(
        created_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert tool_names(client.get("/tools/", {"sort": "newest"}))[0] == "Whisper large-v3-turbo"


@pytest.mark.parametrize(
    "query", [{"sort": "price"}, {"licence": "gpl"}, {"price": "cheap"}, {"sort": ""}]
)
def test_unknown_filter_values_are_ignored(client, catalogue, query):
    assert tool_names(client.get("/tools/", query)) == tool_names(client.get("/tools/"))


def test_an_unknown_category_filter_is_a_404(client, catalogue):
    assert client.get("/tools/", {"category": "nope"}).status_code == 404
    assert client.get("/comparisons/", {"category": "nope"}).status_code == 404


# --- 3. All comparisons ----------------------------------------------------------------------


def test_all_comparisons_lists_every_curated_one_newest_first_in_pages(client, duel):
    big, _ = duel
    other = CategoryFactory.create(name="Speech", slug="speech")
    now = timezone.now()
    made = [
        make_comparison(
            big,
            ToolFactory.create(category=other if index % 2 else big.category),
            published_at=now - datetime.timedelta(days=index + 1),
        )
        for index in range(14)
    ]
    make_comparison(big, ToolFactory.create(), status=Comparison.Status.DRAFT)
    vote("smolvlm2-vs-smolvlm2-2b", "smolvlm2")  # a generated pair: not listed

    first = soup_of(client.get("/comparisons/"))
    titles = [card.h3.a["href"] for card in first.select(".comparison-card")]
    assert titles == [comparison.get_absolute_url() for comparison in made[:12]]
    assert first.select_one('a[rel="next"]')["href"] == "/comparisons/?page=2"
    second = soup_of(client.get("/comparisons/", {"page": 2}))
    assert [card.h3.a["href"] for card in second.select(".comparison-card")] == [
        comparison.get_absolute_url() for comparison in made[12:]
    ]
    speech = soup_of(client.get("/comparisons/", {"category": "speech"}))
    assert [card.h3.a["href"] for card in speech.select(".comparison-card")] == [
        comparison.get_absolute_url() for comparison in made[1::2]
    ]
    assert speech.select_one('.filters a[aria-current="true"]').get_text() == "Speech"
    for junk in ["0", "999", "abc", "-1"]:
        assert client.get("/comparisons/", {"page": junk}).status_code == 200


def test_the_nav_and_home_link_all_comparisons(client, duel):
    make_comparison(*duel)
    home = soup_of(client.get("/"))
    assert home.select_one('nav[aria-label="Main"] a')["href"] == "/comparisons/"
    assert home.find("a", string="All comparisons")["href"] == "/comparisons/"
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/comparisons/</loc>" in sitemap


# --- 2. Reader-voted pairs stay out of curated places ----------------------------------------


def test_a_voted_generated_pair_stays_out_of_curated_places(client, duel):
    big, _ = duel
    curated = make_comparison(big, ToolFactory.create(name="Curated rival", category=big.category))
    vote("smolvlm2-vs-smolvlm2-2b", "smolvlm2")
    generated = Comparison.objects.get(slug="smolvlm2-vs-smolvlm2-2b")
    assert generated.kind == Comparison.Kind.GENERATED and generated.is_live

    def listed(path, selector=".comparison-card h3 a"):
        return [a["href"] for a in soup_of(client.get(path)).select(selector)]

    expected = [curated.get_absolute_url()]
    assert listed("/") == expected
    assert listed("/comparisons/") == expected
    assert listed("/categories/vision/", "#comparisons .comparison-card h3 a") == expected
    assert listed("/tools/smolvlm2-2b/", "#comparisons .comparison-card h3 a") == expected
    feed = ET.fromstring(client.get("/feeds/comparisons/").content)
    atom = {"atom": "http://www.w3.org/2005/Atom"}
    assert [
        entry.findtext("atom:title", namespaces=atom) for entry in feed.findall("atom:entry", atom)
    ] == [curated.title]
    category_feed = client.get("/feeds/categories/vision/").content.decode()
    assert generated.title not in category_feed
    assert generated.slug not in client.get("/sitemap-comparisons.xml").content.decode()
    # Its own list on the tool page: "readers also compared".
    also = soup_of(client.get("/tools/smolvlm2-2b/")).select_one("#readers-compared")
    assert [a["href"] for a in also.select(".comparison-card h3 a")] == [
        generated.get_absolute_url()
    ]


def test_readers_also_compared_is_bounded_and_its_queries_pinned(
    client, duel, django_assert_num_queries
):
    big, _ = duel
    rivals = [ToolFactory.create(category=big.category) for _ in range(8)]
    for index, rival in enumerate(rivals[:3]):
        for _ in range(index + 1):
            vote("-vs-".join(sorted([big.slug, rival.slug])), rival.slug)
    # tool, tiers, scorecards; curated comparisons: count (none); alternatives, tiers;
    # readers also compared, its entries and their tools
    with django_assert_num_queries(9):
        soup = soup_of(client.get(big.get_absolute_url()))
    cards = soup.select("#readers-compared .comparison-card h3 a")
    assert cards[0].get_text().endswith(rivals[2].name)  # most votes first
    for rival in rivals[3:]:
        vote("-vs-".join(sorted([big.slug, rival.slug])), rival.slug)
    with django_assert_num_queries(9):
        soup = soup_of(client.get(big.get_absolute_url()))
    assert len(soup.select("#readers-compared .comparison-card")) == 6


def test_a_tool_page_without_reader_pairs_has_no_such_list(client, duel):
    assert not soup_of(client.get("/tools/smolvlm2/")).select("#readers-compared")


def test_price_not_listed_only_without_tiers(client, duel):
    big, _ = duel
    PricingTierFactory.create(tool=big, name="Enterprise", price=None)
    page = soup_of(client.get("/compare/smolvlm2-vs-smolvlm2-2b/"))
    entries = [
        card.find("dt", string="Entry").find_next("dd").get_text()
        for card in page.select(".tool-card")
    ]
    assert entries == ["Price not listed", "Contact sales"]  # SmolVLM2 has no tier at all
