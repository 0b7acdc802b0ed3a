"""The ESPs' bounce and complaint notifications, posted in their real formats to the real
addresses (anymail's views behind the whole middleware stack), with and without credentials.

Payloads follow Postmark's webhook documentation (Bounce, SpamComplaint, Delivery) and Amazon
SES event publishing through SNS (a Notification whose Message is the SES event's JSON, and the
SubscriptionConfirmation that starts it). Confirming an SNS subscription is a call to AWS: the
boto3 client is stubbed (botocore's Stubber), nothing leaves the machine.
"""

import base64
import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsletter.models import Delivery, MailEvent, Subscriber
from newsletter.webhooks import AmazonSESTracking
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

SECRET = "esp-hooks:a-long-webhook-password-4821"
POSTMARK = "/anymail/postmark/tracking/"
SES = "/anymail/amazon_ses/tracking/"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:verdicts-mail-events"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def auth(secret: str = SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark_bounce(email: str, *, kind: str = "HardBounce", id: int = 4323372036854775807, **more):
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": id,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce",
        "Tag": "edition",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "verdicts@verdicts.example",
        "BouncedAt": "2026-11-30T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Weekly AI Tool Verdicts: A vs B",
        **more,
    }


def postmark_complaint(email: str) -> dict:
    return {
        "RecordType": "SpamComplaint",
        "MessageStream": "outbound",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "edition",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Metadata": {},
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": email,
        "From": "verdicts@verdicts.example",
        "BouncedAt": "2026-11-30T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Weekly AI Tool Verdicts: A vs B",
    }


def postmark_delivery(email: str) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": email,
        "Tag": "edition",
        "DeliveredAt": "2026-11-30T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": {},
    }


def post_postmark(client, payload, **headers):
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    return client.post(POSTMARK, body, content_type="application/json", **headers)


def sns(message_type: str, message_id: str, **fields) -> dict:
    return {
        "Type": message_type,
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Timestamp": "2026-11-30T17:58:59.675Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
        **fields,
    }


def ses_event(event_type: str, recipients: list[str], *, bounce_type: str = "Permanent") -> dict:
    mail = {
        "timestamp": "2026-11-30T17:57:02.012Z",
        "source": "Weekly AI Tool Verdicts <verdicts@verdicts.example>",
        "sourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/verdicts.example",
        "sendingAccountId": "123456789012",
        "messageId": "0102018f1e2c3d4e-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000",
        "destination": recipients,
        "headersTruncated": False,
        "headers": [
            {"name": "List-Id", "value": "Weekly AI Tool Verdicts <weekly.verdicts.example>"}
        ],
        "commonHeaders": {"from": ["verdicts@verdicts.example"], "to": recipients},
        "tags": {"ses:configuration-set": ["verdicts"]},
    }
    if event_type == "Bounce":
        detail = {
            "bounce": {
                "bounceType": bounce_type,
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": recipient,
                        "action": "failed",
                        "status": "5.1.1" if bounce_type == "Permanent" else "4.2.2",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                    for recipient in recipients
                ],
                "timestamp": "2026-11-30T17:58:02.669Z",
                "feedbackId": "0102018f1e2c3d4e-feedback-000000",
                "reportingMTA": "dsn; a1-23.smtp-out.eu-west-1.amazonses.com",
            }
        }
    else:
        detail = {
            "complaint": {
                "complainedRecipients": [{"emailAddress": recipient} for recipient in recipients],
                "timestamp": "2026-11-30T17:58:02.669Z",
                "feedbackId": "0102018f1e2c3d4e-complaint-000000",
                "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                "complaintFeedbackType": "abuse",
                "arrivalDate": "2026-11-30T17:58:01.000Z",
            }
        }
    return {"eventType": event_type, "mail": mail, **detail}


def post_ses(client, envelope, *, message_type=None, message_id=None, **headers):
    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope)
    parsed = envelope if isinstance(envelope, dict) else {}
    return client.post(
        SES,
        body,
        content_type="text/plain; charset=UTF-8",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE=message_type or parsed.get("Type", ""),
        HTTP_X_AMZ_SNS_MESSAGE_ID=message_id or parsed.get("MessageId", ""),
        HTTP_X_AMZ_SNS_TOPIC_ARN=TOPIC,
        **headers,
    )


def notification(event: dict, message_id: str = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324") -> dict:
    return sns("Notification", message_id, Message=json.dumps(event))


def status_of(subscriber) -> str:
    subscriber.refresh_from_db()
    return subscriber.status


# --- Postmark --------------------------------------------------------------------------------


def test_a_postmark_hard_bounce_marks_the_subscriber_bounced_with_reason_and_date(client):
    reader = SubscriberFactory.create(email="gone@example.com")
    response = post_postmark(client, postmark_bounce("gone@example.com"), **auth())
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert reader.bounced_at == datetime.datetime(2026, 11, 30, 16, 33, 54, 907025, datetime.UTC)
    assert "unable to deliver" in reader.problem and "550 5.1.1" in reader.problem


def test_the_same_notification_posted_twice_counts_once(client):
    reader = SubscriberFactory.create(email="full@example.com")
    soft = postmark_bounce("full@example.com", kind="SoftBounce", id=7)
    for _ in range(3):  # Postmark retries until answered
        assert post_postmark(client, soft, **auth()).status_code == 200
    reader.refresh_from_db()
    assert reader.soft_bounces == 1
    assert reader.status == Subscriber.Status.CONFIRMED
    assert MailEvent.objects.filter(recipient="full@example.com").count() == 1


def test_three_soft_bounces_in_a_row_bounce_the_address_and_a_delivery_resets_the_run(client):
    reader = SubscriberFactory.create(email="full@example.com")
    for event_id in (1, 2):
        post_postmark(
            client, postmark_bounce(reader.email, kind="SoftBounce", id=event_id), **auth()
        )
    post_postmark(client, postmark_delivery(reader.email), **auth())
    reader.refresh_from_db()
    assert (reader.soft_bounces, reader.status) == (0, Subscriber.Status.CONFIRMED)

    for event_id in (3, 4, 5):
        assert status_of(reader) == Subscriber.Status.CONFIRMED
        post_postmark(
            client, postmark_bounce(reader.email, kind="SoftBounce", id=event_id), **auth()
        )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert reader.problem.startswith("3 soft bounces in a row")


def test_a_postmark_spam_complaint_marks_the_subscriber_complained(client):
    reader = SubscriberFactory.create(email="angry@example.com")
    assert post_postmark(client, postmark_complaint(reader.email), **auth()).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.COMPLAINED
    assert reader.complained_at is not None
    assert reader.problem  # "Marked the newsletter as spam." or Postmark's details


def test_the_address_is_matched_case_insensitively_and_the_exact_spelling_first(client):
    reader = SubscriberFactory.create(email="Reader.One@example.com")
    other = SubscriberFactory.create(email="someone@example.com")
    post_postmark(client, postmark_bounce("reader.one@EXAMPLE.COM"), **auth())
    assert status_of(reader) == Subscriber.Status.BOUNCED
    assert status_of(other) == Subscriber.Status.CONFIRMED

    upper, lower = (
        SubscriberFactory.create(email="Twin@example.com"),
        SubscriberFactory.create(email="twin@example.com"),
    )
    post_postmark(client, postmark_bounce("twin@example.com", id=99), **auth())
    assert status_of(lower) == Subscriber.Status.BOUNCED
    assert status_of(upper) == Subscriber.Status.CONFIRMED


def test_the_esp_message_id_on_the_delivery_names_the_subscriber(client):
    upper, lower = (
        SubscriberFactory.create(email="Twin@example.com"),
        SubscriberFactory.create(email="twin@example.com"),
    )
    edition = make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
    DeliveryFactory.create(
        edition=edition, subscriber=upper, status=Delivery.Status.SENT, esp_message_id="pm-1"
    )
    payload = postmark_bounce("twin@example.com", MessageID="pm-1")
    post_postmark(client, payload, **auth())
    assert status_of(upper) == Subscriber.Status.BOUNCED
    assert status_of(lower) == Subscriber.Status.CONFIRMED


def test_an_unknown_address_or_an_open_changes_nobody(client):
    reader = SubscriberFactory.create()
    assert (
        post_postmark(client, postmark_bounce("stranger@example.com"), **auth()).status_code == 200
    )
    opened = {
        "RecordType": "Open",
        "Recipient": reader.email,
        "MessageID": "x",
        "ReceivedAt": "2026-11-30T16:33:54Z",
    }
    assert post_postmark(client, opened, **auth()).status_code == 200
    assert status_of(reader) == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (auth("esp-hooks:the-wrong-password-000000"), 400),
        (auth("someone:" + SECRET.split(":", 1)[1]), 400),
        ({"HTTP_AUTHORIZATION": "Bearer " + SECRET}, 400),
        ({"HTTP_AUTHORIZATION": "Basic not-base64!!"}, 400),
    ],
)
def test_missing_or_wrong_credentials_are_refused_and_change_nothing(client, headers, status):
    reader = SubscriberFactory.create(email="gone@example.com")
    response = post_postmark(client, postmark_bounce(reader.email), **headers)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic ")
    assert status_of(reader) == Subscriber.Status.CONFIRMED
    assert not MailEvent.objects.exists()


def test_without_a_secret_the_webhooks_refuse_everything(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": []}
    reader = SubscriberFactory.create(email="gone@example.com")
    for path in (POSTMARK, SES):
        response = client.post(
            path, json.dumps(postmark_bounce(reader.email)), content_type="application/json"
        )
        assert response.status_code == 403
        assert b"ANYMAIL_WEBHOOK_SECRET" in response.content
    assert status_of(reader) == Subscriber.Status.CONFIRMED


def test_a_get_is_not_allowed_and_nothing_is_cached(client):
    response = client.get(POSTMARK, **auth())
    assert response.status_code == 405
    answered = post_postmark(client, postmark_bounce("x@example.com"), **auth())
    assert "public" not in answered.get("Cache-Control", "")


JUNK = [
    b"",
    b"not json at all",
    b"[]",
    b"null",
    b"42",
    b'"a string"',
    b"\x00\x00\x00",
    b"\xff\xfe\xfa not utf-8",
    b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": {"nested": true}, "ID": 1}',
    b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": "x@example.com", "BouncedAt": 12}',
    b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": "x@example.com", "BouncedAt": "2026-99-99T00:00:00Z"}',
    b'{"RecordType": "Inbound", "FromFull": {"Email": "a@example.com"}}',
    b'{"RecordType": "Bounce", "Type": ["HardBounce"], "Email": "x@example.com"}',
    b'{"RecordType": "Bounce"' + b" " * 3_000_000 + b"}",  # over Django's 2.5 MB body limit
]


@pytest.mark.parametrize("body", JUNK, ids=range(len(JUNK)))
def test_junk_posted_to_postmark_is_answered_never_a_500(client, body):
    response = post_postmark(client, body, **auth())
    assert response.status_code in (200, 400), response.content[:200]
    if response.status_code == 400:
        assert response.content.strip()  # says why


def test_control_characters_nul_and_huge_fields_are_cleaned_not_a_500(client):
    reader = SubscriberFactory.create(email="gone@example.com")
    payload = postmark_bounce(
        "gone@example.com",
        Description="bad\x00news\x07\r\n" + "é" * 10_000,
        Details="\x00" * 50,
        ID="id-\x00-" + "9" * 5000,
    )
    assert post_postmark(client, payload, **auth()).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert "\x00" not in reader.problem and len(reader.problem) <= 500
    assert reader.problem.startswith("bad news")
    assert (
        post_postmark(client, postmark_bounce("nul\x00@example.com"), **auth()).status_code == 200
    )


# --- Amazon SES through SNS --------------------------------------------------------------------


def test_an_ses_permanent_bounce_marks_every_bounced_recipient(client):
    one, two = (
        SubscriberFactory.create(email="one@example.com"),
        SubscriberFactory.create(email="two@example.com"),
    )
    bystander = SubscriberFactory.create()
    response = post_ses(client, notification(ses_event("Bounce", [one.email, two.email])), **auth())
    assert response.status_code == 200
    assert status_of(one) == status_of(two) == Subscriber.Status.BOUNCED
    assert status_of(bystander) == Subscriber.Status.CONFIRMED
    one.refresh_from_db()
    assert "Permanent" in one.problem and "550 5.1.1" in one.problem
    assert one.bounced_at == datetime.datetime(2026, 11, 30, 17, 58, 59, 675000, datetime.UTC)


def test_ses_transient_bounces_count_as_soft_and_a_repeat_counts_once(client):
    reader = SubscriberFactory.create(email="full@example.com")
    for message_id in ("sns-1", "sns-1", "sns-2"):
        event = ses_event("Bounce", [reader.email], bounce_type="Transient")
        assert post_ses(client, notification(event, message_id), **auth()).status_code == 200
    reader.refresh_from_db()
    assert (reader.soft_bounces, reader.status) == (2, Subscriber.Status.CONFIRMED)
    event = ses_event("Bounce", [reader.email], bounce_type="Transient")
    post_ses(client, notification(event, "sns-3"), **auth())
    assert status_of(reader) == Subscriber.Status.BOUNCED


def test_an_ses_complaint_marks_the_subscriber_complained(client):
    reader = SubscriberFactory.create(email="angry@example.com")
    response = post_ses(client, notification(ses_event("Complaint", [reader.email])), **auth())
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.COMPLAINED
    assert reader.problem == "abuse"


def test_sns_asks_without_credentials_first_and_gets_the_challenge(client):
    reader = SubscriberFactory.create(email="one@example.com")
    response = post_ses(client, notification(ses_event("Bounce", [reader.email])))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert status_of(reader) == Subscriber.Status.CONFIRMED


def test_a_subscription_confirmation_with_credentials_is_confirmed_through_sns(client, monkeypatch):
    sns_client = boto3.session.Session().client(
        "sns", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    stubber = Stubber(sns_client)
    stubber.add_response(
        "confirm_subscription",
        {"SubscriptionArn": TOPIC + ":5a1b2c3d"},
        {
            "TopicArn": TOPIC,
            "Token": "2336412f37fb687f5d51e6e2425f004a",
            "AuthenticateOnUnsubscribe": "true",
        },
    )
    asked = []

    def stubbed_client(self, service_name, **kwargs):
        asked.append((service_name, kwargs))
        return sns_client

    monkeypatch.setattr(AmazonSESTracking, "get_boto_client", stubbed_client)
    confirmation = sns(
        "SubscriptionConfirmation",
        "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        Token="2336412f37fb687f5d51e6e2425f004a",
        Message=f"You have chosen to subscribe to the topic {TOPIC}.",
        SubscribeURL="https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription",
    )
    with stubber:
        assert post_ses(client, confirmation).status_code == 401  # credentials first
        assert asked == []
        assert post_ses(client, confirmation, **auth()).status_code == 200
        stubber.assert_no_pending_responses()
    assert asked == [("sns", {"region_name": "eu-west-1"})]


def test_sns_headers_that_do_not_match_the_body_are_refused(client):
    reader = SubscriberFactory.create(email="one@example.com")
    envelope = notification(ses_event("Bounce", [reader.email]))
    response = post_ses(client, envelope, message_id="some-other-id", **auth())
    assert response.status_code == 400
    response = post_ses(client, envelope, message_type="SubscriptionConfirmation", **auth())
    assert response.status_code == 400
    assert status_of(reader) == Subscriber.Status.CONFIRMED


SES_JUNK = [
    (b"", "Notification"),
    (b"{not json", "Notification"),
    (b"[1, 2]", "Notification"),
    (b"\x00", "Notification"),
    (json.dumps(sns("Notification", "m1", Message="not json")).encode(), "Notification"),
    (
        json.dumps(sns("Notification", "m2", Message=json.dumps({"eventType": "Bounce"}))).encode(),
        "Notification",
    ),
    (
        json.dumps(
            sns(
                "Notification",
                "m3",
                Message=json.dumps(
                    {
                        "eventType": "Bounce",
                        "bounce": {
                            "bounceType": "Permanent",
                            "bounceSubType": "General",
                            "bouncedRecipients": [5],
                        },
                    }
                ),
            )
        ).encode(),
        "Notification",
    ),
    (json.dumps(sns("Notification", "m4", Message=json.dumps([]))).encode(), "Notification"),
    (
        json.dumps(
            notification(
                {
                    "eventType": "Bounce",
                    "mail": {"messageId": ["x"], "destination": "a@example.com"},
                    "bounce": {
                        "bounceType": ["Permanent"],
                        "bounceSubType": {"x": 1},
                        "bouncedRecipients": [{"emailAddress": ["a@example.com"]}],
                    },
                },
                "m7",
            )
        ).encode(),
        "Notification",
    ),
    (json.dumps(sns("Gossip", "m5")).encode(), "Gossip"),
    (
        json.dumps(
            sns("SubscriptionConfirmation", "m6", TopicArn="not-an-arn", Token="t")
        ).encode(),
        "SubscriptionConfirmation",
    ),
]


@pytest.mark.parametrize(("body", "message_type"), SES_JUNK, ids=range(len(SES_JUNK)))
def test_junk_posted_to_ses_is_answered_never_a_500(client, body, message_type):
    try:
        message_id = json.loads(body).get("MessageId", "")
    except (ValueError, AttributeError):
        message_id = ""
    response = post_ses(
        client, body, message_type=message_type, message_id=message_id or "x", **auth()
    )
    assert response.status_code in (200, 400), response.content[:200]


def test_an_esp_posts_without_cookies_or_csrf_token_as_the_real_ones_do():
    """The ESP is no browser: no CSRF cookie or token, no Origin or Sec-Fetch-Site."""
    esp = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    reader = SubscriberFactory.create(email="gone@example.com")
    response = post_postmark(esp, postmark_bounce(reader.email), **auth())
    assert response.status_code == 200
    assert status_of(reader) == Subscriber.Status.BOUNCED
    other = SubscriberFactory.create(email="one@example.com")
    response = post_ses(esp, notification(ses_event("Bounce", [other.email])), **auth())
    assert response.status_code == 200
    assert status_of(other) == Subscriber.Status.BOUNCED


def test_a_subscription_aws_will_not_confirm_is_a_502_for_sns_to_retry(client, monkeypatch):
    sns_client = boto3.session.Session().client(
        "sns", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    stubber = Stubber(sns_client)
    stubber.add_client_error("confirm_subscription", "InvalidParameter", "Invalid token")
    monkeypatch.setattr(AmazonSESTracking, "get_boto_client", lambda self, *a, **k: sns_client)
    confirmation = sns("SubscriptionConfirmation", "m-7", Token="forged", Message="subscribe")
    with stubber:
        response = post_ses(client, confirmation, **auth())
    assert response.status_code == 502
    assert b"SNS subscription" in response.content


# --- Anything at all, in the providers' shapes -----------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
POSTMARK_KEYS = [
    "RecordType",
    "Type",
    "Email",
    "Recipient",
    "ID",
    "MessageID",
    "BouncedAt",
    "DeliveredAt",
    "Description",
    "Details",
    "Metadata",
    "Tag",
]
postmark_bodies = st.fixed_dictionaries(
    {},
    optional={
        "RecordType": st.sampled_from(["Bounce", "SpamComplaint", "Delivery", "Open"])
        | json_values,
        "Type": st.sampled_from(["HardBounce", "SoftBounce", "Transient", "SpamComplaint"])
        | json_values,
        **{key: json_values for key in POSTMARK_KEYS[2:]},
    },
)
ses_events = st.fixed_dictionaries(
    {"eventType": st.sampled_from(["Bounce", "Complaint", "Delivery"]) | json_values},
    optional={
        "mail": st.fixed_dictionaries(
            {},
            optional={"messageId": json_values, "destination": json_values, "headers": json_values},
        ),
        "bounce": st.fixed_dictionaries(
            {},
            optional={
                "bounceType": json_values,
                "bounceSubType": json_values,
                "bouncedRecipients": st.lists(
                    st.fixed_dictionaries(
                        {}, optional={"emailAddress": json_values, "diagnosticCode": json_values}
                    ),
                    max_size=2,
                )
                | json_values,
            },
        ),
        "complaint": st.fixed_dictionaries(
            {}, optional={"complainedRecipients": json_values, "complaintFeedbackType": json_values}
        ),
    },
)
FUZZ = hypothesis_settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@FUZZ
@given(body=postmark_bodies, ses=ses_events, timestamp=json_values)
def test_any_body_in_the_providers_shapes_is_answered_never_a_500(body, ses, timestamp):
    esp = Client(headers={"x-forwarded-proto": "https"}, raise_request_exception=False)
    assert post_postmark(esp, body, **auth()).status_code in (200, 400)
    envelope = sns("Notification", "fuzz", Message=json.dumps(ses), Timestamp=timestamp)
    assert post_ses(esp, envelope, message_id="fuzz", **auth()).status_code in (200, 400)


def test_postmark_suppressing_an_address_for_a_hard_bounce_marks_it_bounced(client):
    reader = SubscriberFactory.create(email="bounced-address@example.com")
    change = {
        "RecordType": "SubscriptionChange",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2026-11-30T10:53:34.416071Z",
        "Recipient": reader.email,
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "HardBounce",
        "Tag": "edition",
        "Metadata": {},
    }
    assert post_postmark(client, change, **auth()).status_code == 200
    assert status_of(reader) == Subscriber.Status.BOUNCED
    assert post_postmark(client, change, **auth()).status_code == 200  # no event id: a digest
    assert MailEvent.objects.filter(subscriber=reader).count() == 1
