"""Every email's HTML is a layout Outlook for Windows renders (docs/product.md, "Email layout").

Outlook lays mail out with Word, which ignores ``max-width``, centring margins and padding on a
``div`` (caniemail). So the frame is tables: a full-width one, a centred table 600 px wide by its
``width`` attribute, padding only on cells, rounded corners only on cells that carry their colour
as ``bgcolor`` too. Each email is read back from the MIME the mailer sends.
"""

import email
import email.policy

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from newsletter import emails
from newsletter.models import Edition, Subscriber
from tests.factories import CategoryFactory, ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

SITE = "https://verdicts.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.NEWSLETTER_POSTAL_ADDRESS = "1 Example Street, Springfield"


def html_part(message) -> BeautifulSoup:
    """The HTML part as it goes out: the message written as bytes, parsed back."""
    mime = email.message_from_bytes(
        message.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default
    )
    body = mime.get_body(("html",))
    assert body is not None, "no HTML part"
    return BeautifulSoup(body.get_content(), "html.parser")


def declarations(element) -> dict[str, str]:
    """An element's inline style as property → value."""
    pairs = (part.split(":", 1) for part in element.get("style", "").split(";") if ":" in part)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def edition_message(subscriber: Subscriber):
    vision = CategoryFactory.create(slug="vision")
    first = make_comparison(
        ToolFactory.create(name="SmolVLM2", slug="smolvlm2", category=vision),
        ToolFactory.create(name="Qwen3-VL", slug="qwen3-vl", category=vision),
    )
    second = make_comparison(
        ToolFactory.create(name="Whisper", slug="whisper", category=vision),
        ToolFactory.create(name="Parakeet", slug="parakeet", category=vision),
    )
    edition = make_edition(
        first, second, status=Edition.Status.SENDING, number=4, intro="Two duels, **one** tie."
    )
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    message = emails.edition_email(edition, subscriber, edition.ordered_comparisons)
    urls = [
        f"{SITE}{first.get_absolute_url()}",
        f"{SITE}{second.get_absolute_url()}",
        f"{SITE}/newsletter/4/",
        f"{SITE}{subscriber.unsubscribe_url()}",
        f"{SITE}{subscriber.interests_url()}",
    ]
    return message, urls


def confirm_message(subscriber: Subscriber):
    return emails.confirmation_email(subscriber), [
        f"{SITE}{subscriber.confirm_url()}",
        f"{SITE}/newsletter/",
    ]


def welcome_message(subscriber: Subscriber):
    return emails.welcome_email(subscriber), [
        f"{SITE}{subscriber.interests_url()}",
        f"{SITE}{subscriber.unsubscribe_url()}",
        f"{SITE}/newsletter/",
    ]


@pytest.fixture(params=["edition", "confirm", "welcome"])
def sent(request):
    """(message, its key links) for each kind of email."""
    build = {"edition": edition_message, "confirm": confirm_message, "welcome": welcome_message}
    status = Subscriber.Status.PENDING if request.param == "confirm" else None
    subscriber = SubscriberFactory.create(**({"status": status} if status else {}))
    # A confirmation link is signed with the time: the clock stands still while it is compared.
    with time_machine.travel(timezone.now(), tick=False):
        yield build[request.param](subscriber)


def test_the_frame_is_a_full_width_table_holding_a_centred_600_px_table(sent):
    message, _ = sent
    soup = html_part(message)
    outer = soup.body.find("table", recursive=False)
    assert outer is not None and outer["width"] == "100%"
    container = outer.find("table")
    assert container["width"] == "600"
    assert declarations(container)["width"] == "600px"
    # Centred by its cell: Outlook ignores margin: auto.
    assert container.find_parent("td")["align"] == "center"
    # Layout tables are not data tables to a screen reader.
    assert all(table.get("role") == "presentation" for table in soup.find_all("table"))
    # Yahoo's phone apps and Gmail replace <body>: the outer table carries the text styles too.
    outer_style = declarations(outer)
    assert outer_style["font-size"] == "16px" and "Arial" in outer_style["font-family"]
    assert outer_style["mso-line-height-rule"] == "exactly"


def test_no_div_carries_the_width_or_padding_outlook_drops(sent):
    message, _ = sent
    soup = html_part(message)
    for div in soup.find_all("div"):
        style = declarations(div)
        assert not any(name.startswith(("padding", "max-width")) for name in style), div
    padded = {
        element.name
        for element in soup.find_all(style=True)
        if any(name.startswith("padding") for name in declarations(element))
    }
    assert padded and padded <= {"td", "th"}


def test_rounded_corners_are_decoration_on_cells_that_keep_their_colour(sent):
    message, _ = sent
    soup = html_part(message)
    rounded = [e for e in soup.find_all(style=True) if "border-radius" in declarations(e)]
    assert rounded
    for element in rounded:
        # Without border-radius the cell is still a coloured block: a square card or button.
        assert element.name == "td" and element.get("bgcolor"), element


def test_buttons_are_links_in_a_coloured_padded_cell(sent):
    message, urls = sent
    soup = html_part(message)
    for button in soup.select("a.button"):
        cell = button.find_parent("td")
        assert cell["bgcolor"] == "#1f4fd1"
        assert declarations(cell)["padding"] == "12px 20px"
        assert button["href"] in urls
        assert declarations(button)["color"] == "#ffffff"


def test_every_email_keeps_its_key_links_in_both_parts(sent):
    message, urls = sent
    hrefs = {a["href"] for a in html_part(message).find_all("a")}
    for url in urls:
        assert url in hrefs
        assert url in message.body
    assert "<style" not in str(html_part(message)).lower()


def test_the_edition_keeps_its_footer_and_its_panel_numbers():
    subscriber = SubscriberFactory.create()
    message, _ = edition_message(subscriber)
    soup = html_part(message)
    footer = " ".join(soup.select_one("td.footer").text.split())
    assert "Read on the web · Manage your categories · Unsubscribe" in footer
    assert "You get this because you confirmed your subscription" in footer
    assert "1 Example Street, Springfield" in footer
    rows = {tr.th.text: tr.td.text for tr in soup.select("table.tools tr")}
    assert rows == dict.fromkeys(
        ["SmolVLM2", "Qwen3-VL", "Whisper", "Parakeet"], "Panel ship Not reviewed yet"
    )
    assert soup.find("strong").text == "one"
