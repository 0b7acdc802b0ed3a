"""Sending through an ESP: the mailer EMAIL_URL configures (django-anymail) talks to a local
stand-in for Postmark's or Amazon SES's API (tests/newsletter/fake_esp.py), and what reaches
it carries our List-Unsubscribe headers, no DKIM signature and no Message-ID of ours (the ESP
signs and numbers the message); the ESP's message id lands on the delivery, and an ESP that
refuses the recipient for good hard-bounces the subscriber as a 5xx would over SMTP."""

import base64
import email
import email.policy
import subprocess
import uuid

import pytest

from compsite.environment import read_broadcast_stream, read_mailer
from newsletter import services
from newsletter.models import Delivery, Subscriber
from newsletter.tasks import send_edition
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition
from tests.newsletter.fake_esp import fake_esp

pytestmark = pytest.mark.django_db

DOMAIN = "verdicts.example"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def signing_configured(settings):
    """A DKIM key is set, as it would be for SMTP: through an ESP it must not be used."""
    settings.DEFAULT_FROM_EMAIL = f"Weekly AI Tool Verdicts <news@{DOMAIN}>"
    settings.DKIM_PRIVATE_KEY = subprocess.run(
        ["openssl", "genrsa", "2048"], capture_output=True, check=True
    ).stdout.decode()
    settings.DKIM_SELECTOR = "weekly2026"


@pytest.fixture
def edition():
    return make_edition(
        make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    )


def postmark_mailer(monkeypatch, api_url: str, url: str = "postmark://server-token-123@") -> dict:
    monkeypatch.setenv("EMAIL_URL", url)
    mailer = read_mailer("EMAIL_URL", default="smtp://localhost:25")
    mailer["OPTIONS"]["api_url"] = api_url  # the stand-in instead of Postmark's address
    return {"default": mailer}


def ses_mailer(monkeypatch, endpoint: str) -> dict:
    monkeypatch.setenv("EMAIL_URL", "ses://?region=eu-west-1&configuration_set=verdicts")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret-key")
    mailer = read_mailer("EMAIL_URL", default="smtp://localhost:25")
    mailer["OPTIONS"]["client_params"]["endpoint_url"] = endpoint
    return {"default": mailer}


def postmark_accepts(request):
    sent = request.json()
    return 200, {
        "To": sent["To"],
        "SubmittedAt": "2026-12-01T10:00:00.0000000Z",
        "MessageID": str(uuid.uuid4()),
        "ErrorCode": 0,
        "Message": "OK",
    }


def test_an_edition_through_postmark_carries_our_headers_and_keeps_postmarks_id(
    eager, settings, monkeypatch, edition
):
    readers = SubscriberFactory.create_batch(2)
    with fake_esp(postmark_accepts) as esp:
        settings.MAILERS = postmark_mailer(monkeypatch, esp.url)
        send_edition(edition.pk)
    assert len(esp.requests) == 2
    for request in esp.requests:
        assert request.path == "/email"
        assert request.headers["X-Postmark-Server-Token"] == "server-token-123"
        sent = request.json()
        headers = {header["Name"]: header["Value"] for header in sent["Headers"]}
        assert (
            headers["List-Unsubscribe"].startswith("<http")
            and "/unsubscribe/" in headers["List-Unsubscribe"]
        )
        assert headers["List-Unsubscribe-Post"] == ONE_CLICK
        assert headers["List-Id"].startswith("Weekly AI Tool Verdicts <")
        assert headers["Feedback-ID"].endswith(f":edition:weekly:{DOMAIN}")
        assert not {"Message-ID", "DKIM-Signature"} & {name for name in headers}
        assert sent["HtmlBody"] and sent["TextBody"]
    assert {request.json()["To"] for request in esp.requests} == {r.email for r in readers}
    answered = {request.json()["To"] for request in esp.requests}
    deliveries = Delivery.objects.filter(edition=edition)
    assert {d.status for d in deliveries} == {Delivery.Status.SENT}
    assert all(len(d.esp_message_id) == 36 for d in deliveries)  # Postmark's MessageID
    assert {d.subscriber.email for d in deliveries} == answered


def test_postmark_refusing_an_inactive_recipient_is_a_hard_bounce(
    eager, settings, monkeypatch, edition
):
    good, gone = SubscriberFactory.create(), SubscriberFactory.create(email="gone@example.com")

    def answer(request):
        if request.json()["To"] == gone.email:
            return 422, {
                "ErrorCode": 406,
                "Message": "You tried to send to recipient(s) that have been marked as "
                "inactive. Found inactive addresses: gone@example.com. Inactive recipients "
                "are ones that have generated a hard bounce, a spam complaint, or a manual "
                "suppression.",
            }
        return postmark_accepts(request)

    with fake_esp(answer) as esp:
        settings.MAILERS = postmark_mailer(monkeypatch, esp.url)
        send_edition(edition.pk)
    assert Delivery.objects.get(subscriber=good).status == Delivery.Status.SENT
    refused = Delivery.objects.get(subscriber=gone)
    assert (refused.status, refused.attempts) == (Delivery.Status.FAILED, 1)
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED


def test_postmark_down_is_retried_then_failed_not_a_bounce(eager, settings, monkeypatch, edition):
    reader = SubscriberFactory.create()
    with fake_esp(lambda request: (503, {"Message": "Service unavailable"})) as esp:
        settings.MAILERS = postmark_mailer(monkeypatch, esp.url)
        send_edition(edition.pk)
    delivery = Delivery.objects.get(subscriber=reader)
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts > 1
    assert "503" in delivery.error
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED


def test_an_edition_through_amazon_ses_is_raw_mime_without_our_signature_or_id(
    eager, settings, monkeypatch, edition
):
    reader = SubscriberFactory.create()

    def answer(request):
        return 200, {"MessageId": "0102018f1e2c3d4e-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000"}

    with fake_esp(answer) as esp:
        settings.MAILERS = ses_mailer(monkeypatch, esp.url.rstrip("/"))
        send_edition(edition.pk)
    [request] = esp.requests
    assert request.path == "/v2/email/outbound-emails"
    assert "Credential=AKIAEXAMPLEEXAMPLE/" in request.headers["Authorization"]
    assert "/eu-west-1/ses/" in request.headers["Authorization"]
    sent = request.json()
    assert sent["ConfigurationSetName"] == "verdicts"
    raw = base64.b64decode(sent["Content"]["Raw"]["Data"])
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == reader.email
    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    assert "/unsubscribe/" in message["List-Unsubscribe"]
    assert message["Feedback-ID"].endswith(f":edition:weekly:{DOMAIN}")
    assert message["DKIM-Signature"] is None
    # SES writes its own Message-ID (and Date); none at our domain is set for it to replace.
    assert f"@{DOMAIN}>" not in str(message["Message-ID"] or "")
    delivery = Delivery.objects.get(subscriber=reader)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.esp_message_id.startswith("0102018f1e2c3d4e")


def test_the_confirmation_email_goes_through_the_esp_too(eager, settings, monkeypatch):
    with fake_esp(postmark_accepts) as esp:
        settings.MAILERS = postmark_mailer(monkeypatch, esp.url)
        services.subscriber_sign_up(email="new.reader@example.com")
        reader = Subscriber.objects.get(email="new.reader@example.com")
        services.sign_up_settle(subscriber_id=reader.pk)
        assert services.confirmation_send(subscriber_id=reader.pk)
    [request] = esp.requests
    assert request.json()["To"] == "new.reader@example.com"
    assert "confirm" in request.json()["TextBody"].lower()


def test_editions_go_through_postmarks_broadcast_stream_and_the_rest_does_not(
    eager, settings, monkeypatch, edition
):
    reader = SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    url = "postmark://server-token-123@?broadcast_stream=newsletter"
    with fake_esp(postmark_accepts) as esp:
        settings.MAILERS = postmark_mailer(monkeypatch, esp.url, url)
        settings.NEWSLETTER_BROADCAST_STREAM = read_broadcast_stream("EMAIL_URL")
        services.subscriber_confirm(subscriber_id=reader.pk, email=reader.email)
        services.welcome_send(subscriber_id=reader.pk)
        send_edition(edition.pk)
    welcome, sent = (request.json() for request in esp.requests)
    assert "MessageStream" not in welcome  # the server's default, transactional stream
    assert sent["MessageStream"] == "newsletter"
    assert sent["To"] == reader.email
