"""What inboxes check: Message-ID at the sending domain, a DKIM signature that verifies with the
published key, a Feedback-ID on editions, and the sender's postal address in every edition."""

import base64
import email.policy
import io
import re
import subprocess

import dkim
import pytest
from django.core.management import call_command

from newsletter import emails, services
from newsletter.models import Delivery, Edition
from newsletter.tasks import send_edition
from tests.conftest import POSTAL_ADDRESS
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

SELECTOR = "weekly2026"
DOMAIN = "verdicts.example"


@pytest.fixture(autouse=True)
def sender(settings):
    settings.DEFAULT_FROM_EMAIL = f"Weekly AI Tool Verdicts <news@{DOMAIN}>"


@pytest.fixture
def edition():
    """A draft, for the tests that send it."""
    return make_edition(
        make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    )


@pytest.fixture
def numbered():
    """An edition going out, for the tests that build its messages."""
    comparison = make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    edition = make_edition(comparison, status=Edition.Status.SENDING, number=7)
    return Edition.objects.with_contents().get(pk=edition.pk)


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, bytes]:
    """A fresh 2048-bit RSA key: the PEM the site is given, the DNS record's public key."""
    private = subprocess.run(
        ["openssl", "genrsa", "2048"], capture_output=True, check=True
    ).stdout.decode()
    public = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"],
        input=private.encode(),
        capture_output=True,
        check=True,
    ).stdout
    return private, base64.b64encode(public)


def dns_with(public_key: bytes):
    """The resolver a receiving server would use, answering for our selector only."""

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode():
            return b"v=DKIM1; k=rsa; p=" + public_key
        return None

    return lookup


def test_every_message_has_its_own_id_at_the_sending_domain(numbered):
    subscriber = SubscriberFactory.create()
    built = [
        emails.edition_email(numbered, subscriber, numbered.ordered_comparisons),
        emails.edition_email(numbered, subscriber, numbered.ordered_comparisons),
        emails.confirmation_email(subscriber),
        emails.welcome_email(subscriber),
    ]
    ids = [message.message()["Message-ID"] for message in built]
    assert all(re.fullmatch(rf"<[^<>@\s]+@{re.escape(DOMAIN)}>", value) for value in ids), ids
    assert len(set(ids)) == len(ids)


def test_editions_carry_a_feedback_id_and_the_postal_address(numbered):
    subscriber = SubscriberFactory.create()
    message = emails.edition_email(numbered, subscriber, numbered.ordered_comparisons)
    assert message.message()["Feedback-ID"] == f"{numbered.number}:edition:weekly:{DOMAIN}"
    [(html, _)] = message.alternatives
    assert POSTAL_ADDRESS in message.body
    assert POSTAL_ADDRESS in html
    assert emails.confirmation_email(subscriber).message()["Feedback-ID"] is None


def test_the_signature_verifies_with_the_published_key(settings, eager, sink, edition, key_pair):
    private, public = key_pair
    settings.DKIM_PRIVATE_KEY, settings.DKIM_SELECTOR = private, SELECTOR
    subscribers = SubscriberFactory.create_batch(2)
    send_edition(edition.pk)
    assert sink.count() == len(subscribers)
    for received in sink.received:
        data = received.data
        assert dkim.verify(data, dnsfunc=dns_with(public)), data[:2000]
        signature = received.message["DKIM-Signature"]
        fields = dict(
            field.strip().split("=", 1) for field in str(signature).split(";") if field.strip()
        )
        assert fields["d"] == DOMAIN and fields["s"] == SELECTOR
        signed = {name.strip().lower() for name in fields["h"].split(":")}
        assert signed >= {
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
        }
        # Changed on the way, it no longer verifies: the check above can fail.
        tampered = data.replace(b"List-Unsubscribe: <", b"List-Unsubscribe: <https://evil.example/")
        assert tampered != data
        assert not dkim.verify(tampered, dnsfunc=dns_with(public))


def test_a_key_given_with_escaped_line_breaks_signs_the_same(settings, numbered, key_pair):
    private, public = key_pair
    settings.DKIM_PRIVATE_KEY, settings.DKIM_SELECTOR = private.replace("\n", "\\n"), SELECTOR
    message = emails.edition_email(
        numbered, SubscriberFactory.create(), numbered.ordered_comparisons
    )
    data = message.message(policy=email.policy.SMTP).as_bytes()
    assert dkim.verify(data, dnsfunc=dns_with(public))


def test_without_a_key_nothing_is_signed(numbered):
    message = emails.edition_email(
        numbered, SubscriberFactory.create(), numbered.ordered_comparisons
    )
    assert message.message()["DKIM-Signature"] is None


def test_without_a_postal_address_the_command_and_the_worker_refuse_to_send(
    settings, eager, sink, edition
):
    settings.NEWSLETTER_POSTAL_ADDRESS = ""
    SubscriberFactory.create_batch(2)
    out = io.StringIO()
    call_command("send_weekly_edition", stdout=out)
    assert "not sent because no postal address is set (NEWSLETTER_POSTAL_ADDRESS)" in out.getvalue()
    assert (
        send_edition(edition.pk)["reason"] == "no postal address is set (NEWSLETTER_POSTAL_ADDRESS)"
    )
    assert services.edition_problems(edition=edition)[0].startswith("No postal address is set")
    assert sink.count() == 0
    assert not Delivery.objects.exists()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
