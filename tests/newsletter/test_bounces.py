"""Bounces over SMTP (a real aiosmtpd server that refuses addresses for good or for now), and
what a bounced or complained subscriber gets afterwards: nothing, whatever they do."""

import pytest
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, MailEvent, Subscriber
from newsletter.services import bounces
from newsletter.services.bounces import MailReport, Report
from newsletter.tasks import MAX_RETRIES, send_edition, send_welcome
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

SUBJECT = "Weekly AI Tool Verdicts"


@pytest.fixture
def edition():
    return make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))


def test_a_550_at_data_about_the_mailbox_is_a_hard_bounce(eager, sink, edition):
    reader = SubscriberFactory.create(email="nobody@example.com")
    sink.reject_data[reader.email] = "550 5.1.1 <nobody@example.com>: Recipient address rejected"
    send_edition(edition.pk)
    delivery = Delivery.objects.get(subscriber=reader)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert reader.problem.startswith("550 5.1.1")
    assert MailEvent.objects.get(subscriber=reader).source == bounces.SMTP


def test_a_5xx_about_the_message_not_the_mailbox_is_retried_and_bounces_nobody(
    eager, sink, edition
):
    reader = SubscriberFactory.create(email="strict@example.com")
    sink.reject_data[reader.email] = "554 5.7.1 Message rejected under local policy"
    send_edition(edition.pk)
    delivery = Delivery.objects.get(subscriber=reader)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_RETRIES + 1)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED


def test_a_temporary_refusal_is_retried_and_bounces_nobody(eager, sink, edition):
    reader = SubscriberFactory.create()
    sink.defer[reader.email] = 1  # 451 once
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {reader.email: 1}
    reader.refresh_from_db()
    assert (reader.status, reader.soft_bounces) == (Subscriber.Status.CONFIRMED, 0)


def test_a_confirmation_refused_for_good_bounces_the_pending_address(eager, sink):
    reader = SubscriberFactory.create(
        email="typo@example.com",
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        confirmation_requested_at=timezone.now(),
    )
    sink.refuse.add(reader.email)
    assert services.confirmation_send(subscriber_id=reader.pk) is False
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert "550" in reader.problem


def test_a_welcome_refused_for_good_bounces_the_address(eager, sink):
    reader = SubscriberFactory.create(email="gone@example.com")
    sink.refuse.add(reader.email)
    assert send_welcome(reader.pk) is False
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED


@pytest.mark.parametrize("kind", [Report.HARD_BOUNCE, Report.COMPLAINT])
def test_a_bounced_or_complained_subscriber_gets_no_edition_confirmation_or_revival(
    eager, sink, edition, kind
):
    stays, marked = SubscriberFactory.create_batch(2)
    bounces.mail_report_record(
        MailReport(source="Postmark", kind=kind, recipient=marked.email, event_id="e1")
    )
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {stays.email: 1}
    assert not Delivery.objects.filter(subscriber=marked).exists()

    # Signing up again, or leaving, changes nothing and sends nothing.
    services.subscriber_sign_up(email=marked.email)
    services.sign_up_settle(subscriber_id=marked.pk)
    assert services.confirmation_send(subscriber_id=marked.pk) is False
    services.subscriber_unsubscribe(subscriber_id=marked.pk)
    marked.refresh_from_db()
    assert marked.is_suppressed
    assert sink.per_address("Confirm") == {}


def test_a_subscriber_who_bounces_mid_send_is_skipped_at_the_claim(eager, sink, edition):
    reader = SubscriberFactory.create()
    plan = services.edition_start(edition_id=edition.pk)
    bounces.mail_report_record(
        MailReport(source="Amazon SES", kind=Report.HARD_BOUNCE, recipient=reader.email)
    )
    [batch] = list(plan.batches)
    result = services.deliveries_send(edition_id=edition.pk, delivery_ids=batch)
    assert (result.sent, result.skipped) == (0, 1)
    assert sink.count() == 0


def test_a_complaint_after_a_bounce_is_still_recorded_as_a_complaint():
    reader = SubscriberFactory.create()
    for kind, event_id in ((Report.HARD_BOUNCE, "a"), (Report.COMPLAINT, "b")):
        bounces.mail_report_record(
            MailReport(source="Postmark", kind=kind, recipient=reader.email, event_id=event_id)
        )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.COMPLAINED
    assert reader.bounced_at and reader.complained_at


def test_the_admin_lists_bounced_subscribers_with_reason_and_date(staff_client):
    reader = SubscriberFactory.create(email="gone@example.com")
    bounces.mail_report_record(
        MailReport(
            source="Postmark",
            kind=Report.HARD_BOUNCE,
            recipient=reader.email,
            event_id="e1",
            reason="550 5.1.1 mailbox not found",
        )
    )
    SubscriberFactory.create(email="fine@example.com")
    page = staff_client.get("/admin/newsletter/subscriber/?status__exact=bounced").content.decode()
    assert "gone@example.com" in page and "fine@example.com" not in page
    assert "550 5.1.1 mailbox not found" in page
    assert f"{timezone.now():%Y-%m-%d}" in page
    change = staff_client.get(f"/admin/newsletter/subscriber/{reader.pk}/change/").content.decode()
    assert "550 5.1.1 mailbox not found" in change
    assert 'name="problem"' not in change and 'name="bounced_at"' not in change  # read-only
    events = staff_client.get("/admin/newsletter/mailevent/").content.decode()
    assert "gone@example.com" in events and "Hard bounce" in events
    export = staff_client.post(
        "/admin/newsletter/subscriber/",
        {"action": "export_csv", "_selected_action": [reader.pk]},
    )
    assert b"550 5.1.1 mailbox not found" in b"".join(export.streaming_content)


def test_deleting_a_subscriber_deletes_what_the_mail_said_of_them():
    reader = SubscriberFactory.create()
    bounces.mail_report_record(
        MailReport(source="Postmark", kind=Report.COMPLAINT, recipient=reader.email, event_id="c")
    )
    assert MailEvent.objects.filter(subscriber=reader).exists()
    reader.delete()
    assert not MailEvent.objects.exists()
