"""What the emails say and carry: absolute links from SITE_URL, both parts, the list headers."""

import email
import email.policy
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from newsletter import deliverability, emails, services
from newsletter.models import Edition, Subscriber
from reviews.models import Lens, Verdict
from tests.factories import (
    CategoryFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)
from tests.html import attr
from tests.newsletter.factories import SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

SITE = "https://verdicts.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def html_and_text(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html, message.body


def links(html: str) -> list[str]:
    return [attr(a, "href") for a in BeautifulSoup(html, "html.parser").find_all("a")]


def sent_edition(*comparisons) -> Edition:
    edition = make_edition(*comparisons, status=Edition.Status.SENDING, number=7)
    return Edition.objects.with_contents().get(pk=edition.pk)


@pytest.fixture
def comparisons():
    vision = CategoryFactory.create(slug="vision")
    speech = CategoryFactory.create(slug="speech")
    first = make_comparison(
        ToolFactory.create(name="SmolVLM2-2B", slug="smolvlm2-2b", category=vision),
        ToolFactory.create(name="SmolVLM2", slug="smolvlm2", category=vision),
    )
    second = make_comparison(
        ToolFactory.create(name="Whisper", slug="whisper", category=speech),
        ToolFactory.create(name="Parakeet", slug="parakeet", category=speech),
    )
    return first, second


def test_edition_email_is_multipart_with_the_list_headers(comparisons):
    subscriber = SubscriberFactory.create()
    edition = sent_edition(*comparisons)
    message = emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    mime = message.message()
    assert mime.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mime.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    assert (
        mime["List-Unsubscribe"]
        == f"<{SITE}/newsletter/unsubscribe/{subscriber.unsubscribe_token}/>"
    )
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mime["List-Id"] == "Weekly AI Tool Verdicts <weekly.verdicts.example>"
    assert message.subject == "Weekly AI Tool Verdicts: SmolVLM2-2B vs SmolVLM2 and 1 more"


def test_list_headers_go_out_whole_on_one_line_never_as_encoded_words(comparisons):
    """As the SMTP backend writes them; a long URL must not become an RFC 2047 word."""
    subscriber = SubscriberFactory.create(email="someone.with.a.long.address@example.com")
    edition = sent_edition(*comparisons)
    message = emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    url = f"{SITE}/newsletter/unsubscribe/{subscriber.unsubscribe_token}/"
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert b"=?utf-8?" not in raw
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_edition_html_has_inlined_css_and_only_absolute_links(comparisons):
    subscriber = SubscriberFactory.create()
    edition = sent_edition(*comparisons)
    html, text = html_and_text(
        emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    )
    assert "<style" not in html.lower()
    assert 'style="' in html
    hrefs = links(html)
    assert hrefs and all(href.startswith(f"{SITE}/") for href in hrefs)
    assert f"{SITE}/compare/smolvlm2-vs-smolvlm2-2b/" in hrefs
    assert f"{SITE}/newsletter/7/" in hrefs
    assert f"{SITE}{subscriber.unsubscribe_url()}" in hrefs
    assert f"{SITE}{subscriber.interests_url()}" in hrefs
    # The text part carries the same links, whole.
    for url in re.findall(r"https?://\S+", text):
        assert url.startswith(f"{SITE}/")
    assert f"Unsubscribe: {SITE}{subscriber.unsubscribe_url()}" in text
    assert f"Choose your categories: {SITE}{subscriber.interests_url()}" in text
    assert "SmolVLM2-2B vs SmolVLM2" in text
    assert "Whisper vs Parakeet" in text


def test_site_url_is_used_exactly_as_configured(settings, comparisons):
    settings.SITE_URL = "https://example.org/verdicts"
    subscriber = SubscriberFactory.create()
    edition = sent_edition(*comparisons)
    message = emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://example.org/verdicts/newsletter/unsubscribe/"
    )
    html, _ = html_and_text(message)
    assert all(href.startswith("https://example.org/verdicts/") for href in links(html))


def test_editor_text_is_escaped_in_html_and_whole_in_text(comparisons):
    subscriber = SubscriberFactory.create()
    edition = make_edition(
        *comparisons,
        status=Edition.Status.SENDING,
        number=3,
        subject="Tools & <tricks>",
        intro="This week: **two** duels & a <script>alert(1)</script>.",
    )
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    message = emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    html, text = html_and_text(message)
    assert message.subject == "Tools & <tricks>"
    assert "<script>" not in html
    assert "Tools &amp; &lt;tricks&gt;" in html
    assert "Tools & <tricks>" in text
    assert "<strong>two</strong>" in html


def test_confirmation_email_has_an_absolute_link_and_no_list_headers():
    subscriber = SubscriberFactory.create(status=Subscriber.Status.PENDING)
    # The link is signed with the time in seconds: the clock stands still so both signings agree.
    with time_machine.travel(timezone.now(), tick=False):
        message = emails.confirmation_email(subscriber)
        url = f"{SITE}{subscriber.confirm_url()}"
    html, text = html_and_text(message)
    assert url in text
    assert url in links(html)
    assert "<style" not in html.lower()
    mime = message.message()
    assert mime["List-Unsubscribe"] is None
    assert mime["List-Unsubscribe-Post"] is None
    assert message.subject == "Confirm your subscription to Weekly AI Tool Verdicts"


def test_welcome_email_has_no_list_unsubscribe():
    subscriber = SubscriberFactory.create()
    message = emails.welcome_email(subscriber)
    html, text = html_and_text(message)
    assert message.message()["List-Unsubscribe"] is None
    assert f"{SITE}{subscriber.interests_url()}" in text
    assert all(href.startswith(f"{SITE}/") for href in links(html))


def test_welcome_email_says_how_to_unsubscribe(client):
    subscriber = SubscriberFactory.create()
    html, text = html_and_text(emails.welcome_email(subscriber))
    url = f"{SITE}{subscriber.unsubscribe_url()}"
    assert (
        f"Changed your mind? Unsubscribe here, with one click on the page it opens:\n{url}" in text
    )
    soup = BeautifulSoup(html, "html.parser")
    link = soup.find("a", string="Unsubscribe")
    assert link["href"] == url
    assert "Changed your mind?" in link.parent.text
    # The link is the subscriber's own and works: its page offers the button that unsubscribes.
    page = client.get(subscriber.unsubscribe_url())
    assert page.status_code == 200
    client.post(subscriber.unsubscribe_url())
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_subscriber_with_interests_gets_their_comparisons_and_their_own_subject(eager, comparisons):
    first, second = comparisons
    speech = second.ordered_tools[0].category
    everything = SubscriberFactory.create(email="all@example.com")
    picky = SubscriberFactory.create(email="speech@example.com", interests=[speech])
    edition = make_edition(first, second)
    services.edition_start(edition_id=edition.pk)
    from newsletter.tasks import send_edition

    send_edition(edition.pk)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {everything.email, picky.email}
    assert by_address[picky.email].subject == "Weekly AI Tool Verdicts: Whisper vs Parakeet"
    assert "SmolVLM2" not in by_address[picky.email].body
    assert "You get the categories you chose" in by_address[picky.email].body
    assert by_address[everything.email].subject.endswith("and 1 more")


# --- Many copies at once: EditionCopies must make exactly what edition_email makes ------------


def one_by_one(edition, subscriber, comparisons, has_interests):
    return emails.edition_email(edition, subscriber, comparisons, has_interests=has_interests)


def assert_same_message(made, expected):
    assert type(made) is type(expected)
    for attribute in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to"):
        assert getattr(made, attribute) == getattr(expected, attribute), attribute
    assert made.alternatives == expected.alternatives
    # Every message has an id of its own, at the sending domain; the other headers are the same.
    made_headers, expected_headers = dict(made.extra_headers), dict(expected.extra_headers)
    made_id, expected_id = made_headers.pop("Message-ID"), expected_headers.pop("Message-ID")
    assert made_id != expected_id
    assert made_id.endswith(f"@{deliverability.sending_domain()}>")
    assert made_headers == expected_headers


@pytest.fixture
def unicode_edition():
    speech = CategoryFactory.create(slug="speech", name="Speech")
    vision = CategoryFactory.create(slug="vision", name="Vision")
    first = make_comparison(
        ToolFactory.create(name="Café Vision ☕", slug="cafe-vision", category=vision),
        ToolFactory.create(name="Naïve Eye", slug="naive-eye", category=vision),
    )
    second = make_comparison(
        ToolFactory.create(name="Whisper – große Ausgabe", slug="whisper-gross", category=speech),  # noqa: RUF001
        ToolFactory.create(name="Parakeet", slug="parakeet", category=speech),
    )
    edition = make_edition(
        first,
        second,
        status=Edition.Status.SENDING,
        number=12,
        intro="Cette semaine : **deux** duels, « enfin » & <b>rien</b> d’autre. 🚀",  # noqa: RUF001
    )
    return Edition.objects.with_contents().get(pk=edition.pk), speech


def test_edition_copies_are_the_messages_edition_email_builds(unicode_edition):
    edition, speech = unicode_edition
    everything = edition.ordered_comparisons
    theirs = [c for c in everything if c.ordered_tools[0].category == speech]
    cases = [
        (SubscriberFactory.create(email="ada@example.com"), everything, False),
        (SubscriberFactory.create(email="grace.hopper+news@mail.example.org"), everything, False),
        (SubscriberFactory.create(email="Linus_T@example.net", interests=[speech]), theirs, True),
        (SubscriberFactory.create(email="margaret@example.com", interests=[speech]), theirs, True),
    ]
    copies = emails.EditionCopies(edition)
    for subscriber, comparisons, has_interests in cases:
        expected = one_by_one(edition, subscriber, comparisons, has_interests)
        made = copies.message(subscriber, comparisons, has_interests=has_interests)
        assert_same_message(made, expected)
        # As the SMTP backend writes it, parsed back: each part is what was rendered (the
        # wire's line ends aside, and the email package ends a part with a line break).
        data = made.message(policy=email.policy.SMTP).as_bytes()
        mime = email.message_from_bytes(data, policy=email.policy.default)
        assert mime["To"] == subscriber.email
        for kind, rendered in (("plain", expected.body), ("html", expected.alternatives[0][0])):
            content = mime.get_body((kind,)).get_content().replace("\r\n", "\n")
            assert content == (rendered if rendered.endswith("\n") else f"{rendered}\n")
        assert f"{SITE}/newsletter/unsubscribe/{subscriber.unsubscribe_token}/" in made.body
    # Two copies for four subscribers: everything, and the speech subscribers' one.
    assert len(copies._copies) == 2


def test_edition_copies_of_unusual_addresses_and_long_lines_are_the_same_messages(comparisons):
    odd = SubscriberFactory.create(email="o'brien@example.com")
    accented = SubscriberFactory.create(email="zoë@example.com")
    plain = SubscriberFactory.create(email="plain@example.com")
    edition = sent_edition(*comparisons)
    copies = emails.EditionCopies(edition)
    for subscriber in (odd, accented, plain):
        made = copies.message(subscriber, edition.ordered_comparisons, has_interests=False)
        assert_same_message(
            made, one_by_one(edition, subscriber, edition.ordered_comparisons, False)
        )

    # A paragraph longer than a line may be: the email package folds or encodes it as it must.
    edition.intro = "word " * 300
    copies = emails.EditionCopies(edition)
    made = copies.message(plain, edition.ordered_comparisons, has_interests=False)
    assert_same_message(made, one_by_one(edition, plain, edition.ordered_comparisons, False))
    data = made.message(policy=email.policy.SMTP).as_bytes()
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


# --- What each item and each copy says ----------------------------------------------------------


def panel_of_four(*tools, ships: int) -> None:
    """The four lenses' reviewers score each tool: the first ``ships`` ship, the others skip."""
    lenses = [Lens.BUILDER, Lens.FUTURIST, Lens.BUYER, Lens.SKEPTIC]
    reviewers = [ReviewerFactory.create(lens=lens) for lens in lenses]
    for tool in tools:
        for position, reviewer in enumerate(reviewers):
            verdict = Verdict.SHIP if position < ships else Verdict.SKIP
            ScorecardFactory.create(tool=tool, reviewer=reviewer, verdict=verdict)


def test_each_item_carries_its_verdict_line_and_the_fraction_behind_the_percent(comparisons):
    """Two tools at 75% tie on the percent: the verdict line and "3 of 4 ship" tell them apart."""
    first, second = comparisons
    panel_of_four(*first.ordered_tools, ships=3)
    second.verdict = "Whisper for accuracy. Parakeet when speed matters more than accents."
    second.save()
    subscriber = SubscriberFactory.create()
    edition = sent_edition(first, second)
    html, text = html_and_text(
        emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    )
    soup = BeautifulSoup(html, "html.parser")
    [panel_item, editor_item] = soup.select("td.item")
    # No editor's verdict: the panel's answer in a sentence, and each tool's fraction.
    assert panel_item.select_one("p.verdict").text == (
        "The panel ships both; the skeptic skips SmolVLM2-2B; the skeptic skips SmolVLM2."
    )
    rows = [(tr.th.text, tr.td.text) for tr in panel_item.select("table.tools tr")]
    assert rows == [
        ("SmolVLM2-2B", "Panel ship 75% (3 of 4 ship)"),
        ("SmolVLM2", "Panel ship 75% (3 of 4 ship)"),
    ]
    # An editor's verdict: its lead, labelled.
    assert editor_item.select_one("p.verdict-label").text == "Editor's verdict"
    assert "Whisper for accuracy." in editor_item.text
    assert "The panel ships both; the skeptic skips SmolVLM2-2B; the skeptic" in text
    assert "SmolVLM2-2B: panel ship 75% (3 of 4 ship)" in text
    assert "Editor's verdict: Whisper for accuracy." in text


def test_a_copy_with_some_comparisons_never_gets_an_intro_about_the_others(comparisons):
    first, second = comparisons
    speech = second.ordered_tools[0].category
    edition = make_edition(
        first,
        second,
        status=Edition.Status.SENDING,
        number=8,
        intro="SmolVLM2 against its big sibling, and a speech duel.",
    )
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    everything = SubscriberFactory.create(email="all@example.com")
    picky = SubscriberFactory.create(email="speech@example.com", interests=[speech])
    copies = emails.EditionCopies(edition)
    whole = copies.message(everything, edition.ordered_comparisons, has_interests=False)
    theirs = copies.message(picky, [second], has_interests=True)
    assert "SmolVLM2 against its big sibling" in whole.body
    assert "SmolVLM2 against its big sibling" in whole.alternatives[0][0]
    for part in (theirs.body, theirs.alternatives[0][0]):
        assert "SmolVLM2" not in part
        assert "In the categories you chose this week: Whisper vs Parakeet." in part
    # One by one, the same.
    assert_same_message(theirs, one_by_one(edition, picky, [second], True))
