"""Sending an edition exactly once, over a real SMTP server (aiosmtpd) in this process.

Tasks run eagerly here (their retries run back to back); ``test_worker.py`` does the same through a
real broker and worker processes.
"""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from newsletter import emails, services
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.tasks import MAX_RETRIES, send_batch, send_edition, sweep, weekly_edition
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition
from tests.newsletter.smtp_sink import free_port, smtp_mailers

pytestmark = pytest.mark.django_db

SUBJECT = "Weekly AI Tool Verdicts"


@pytest.fixture
def edition():
    comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
    return make_edition(comparison)


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Delivery.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_each_confirmed_subscriber_gets_one_message_over_one_connection_per_batch(
    eager, sink, edition
):
    subscribers = SubscriberFactory.create_batch(150)
    SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    send_edition(edition.pk)
    counts = sink.per_address(SUBJECT)
    assert counts == {subscriber.email: 1 for subscriber in subscribers}
    # 150 subscribers: two batches (100 + 50), each over its own single SMTP connection.
    assert sink.connections_used() == 2
    assert statuses() == {"sent": 150}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_at is not None


def test_a_second_beat_a_rerun_and_a_retried_batch_send_nobody_twice(eager, sink, edition):
    SubscriberFactory.create_batch(5)
    send_edition(edition.pk)
    weekly_edition()  # the week's edition exists: a second beat finds it sent
    send_edition(edition.pk)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    send_batch.apply(args=[edition.pk, ids])  # a batch task delivered twice
    assert set(sink.per_address(SUBJECT).values()) == {1}
    assert sink.count() == 5


def test_a_rerun_while_sending_adds_newly_confirmed_subscribers_and_repeats_nobody(
    eager, sink, edition
):
    early = SubscriberFactory.create_batch(3)
    plan = services.edition_start(edition_id=edition.pk)
    # The first batch went out, then the run stopped before marking the edition sent.
    services.deliveries_send(edition_id=edition.pk, delivery_ids=next(plan.batches))
    late = SubscriberFactory.create()
    send_edition(edition.pk)
    counts = sink.per_address(SUBJECT)
    assert counts == {subscriber.email: 1 for subscriber in [*early, late]}


@pytest.mark.django_db(transaction=True)
def test_a_delivery_locked_by_another_worker_is_skipped_not_doubled(eager, sink, edition):
    """While one worker holds a delivery's row, another batch over the same ids leaves it."""
    first, second = SubscriberFactory.create_batch(2)
    plan = services.edition_start(edition_id=edition.pk)
    held = Delivery.objects.get(subscriber=first)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Delivery.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=60)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(timeout=60)
    try:
        result = services.deliveries_send(edition_id=edition.pk, delivery_ids=next(plan.batches))
    finally:
        release.set()
        thread.join()
    assert (result.sent, result.retry, result.failed) == (1, 0, 0)
    assert sink.per_address(SUBJECT) == {second.email: 1}
    held.refresh_from_db()
    assert held.status == Delivery.Status.PENDING
    # The holder let go without sending (it crashed, say): the next run sends it, once.
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {first.email: 1, second.email: 1}


def test_temporary_smtp_errors_are_retried_until_the_message_goes(eager, sink, edition):
    steady, shaky = SubscriberFactory.create_batch(2)
    sink.defer[shaky.email] = 2  # "451 try again later", twice
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {steady.email: 1, shaky.email: 1}
    delivery = Delivery.objects.get(subscriber=shaky)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert delivery.error == ""


def test_an_address_refused_for_good_fails_at_once_bounces_and_blocks_nobody(eager, sink, edition):
    good = SubscriberFactory.create_batch(3)
    bad = SubscriberFactory.create(email="gone@example.com")
    sink.refuse.add(bad.email)  # "550 5.1.1 No such mailbox here" at RCPT
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {subscriber.email: 1 for subscriber in good}
    delivery = Delivery.objects.get(subscriber=bad)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1  # a 5xx is not retried
    assert "550" in delivery.error and "No such mailbox" in delivery.error
    bad.refresh_from_db()
    assert bad.status == Subscriber.Status.BOUNCED
    assert bad.bounced_at is not None and "550" in bad.problem
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_an_unreachable_smtp_server_fails_the_deliveries_with_the_error(eager, settings, edition):
    settings.MAILERS = smtp_mailers(free_port())  # nothing listens there
    SubscriberFactory.create_batch(3)
    send_edition(edition.pk)
    assert statuses() == {"failed": 3}
    errors = list(Delivery.objects.values_list("error", flat=True))
    assert all("ConnectionRefusedError" in error for error in errors)
    assert max(Delivery.objects.values_list("attempts", flat=True)) == MAX_RETRIES + 1


def test_subscriber_who_leaves_before_their_turn_is_skipped(eager, sink, edition):
    stays, leaves = SubscriberFactory.create_batch(2)
    plan = services.edition_start(edition_id=edition.pk)
    services.subscriber_unsubscribe(subscriber_id=leaves.pk)
    services.deliveries_send(edition_id=edition.pk, delivery_ids=next(plan.batches))
    assert sink.per_address(SUBJECT) == {stays.email: 1}
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED


def test_holding_an_edition_mid_send_stops_its_batches(eager, sink, edition):
    SubscriberFactory.create_batch(3)
    plan = services.edition_start(edition_id=edition.pk)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.HELD)
    send_batch.apply(args=[edition.pk, next(plan.batches)])
    assert sink.count() == 0
    assert statuses() == {"pending": 3}


def test_the_sweep_resends_batches_whose_task_was_lost(eager, sink, edition):
    subscribers = SubscriberFactory.create_batch(3)
    services.edition_start(edition_id=edition.pk)  # planned, never enqueued
    assert sweep()["batches"] == 0  # too recent: their task may just be queued
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(hours=4))
    assert sweep()["batches"] == 1
    assert sink.per_address(SUBJECT) == {subscriber.email: 1 for subscriber in subscribers}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_the_sweep_sends_confirmations_that_never_went_out(eager, sink):
    now = timezone.now()
    owed = SubscriberFactory.create(
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        confirmation_requested_at=now - datetime.timedelta(minutes=5),
    )
    SubscriberFactory.create(  # asked a moment ago: its own task is on the way
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        confirmation_requested_at=now,
    )
    SubscriberFactory.create(  # sent already
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        confirmation_requested_at=now - datetime.timedelta(minutes=5),
        confirmation_sent_at=now - datetime.timedelta(minutes=4),
    )
    assert sweep()["confirmations"] == 1
    assert sink.per_address("Confirm your subscription") == {owed.email: 1}
    assert sweep()["confirmations"] == 0


def test_the_sweep_settles_sign_ups_left_waiting(eager, sink):
    now = timezone.now()
    waiting = SubscriberFactory.create(
        status=Subscriber.Status.UNSUBSCRIBED,
        signup_requested_at=now - datetime.timedelta(minutes=5),
    )
    SubscriberFactory.create(  # signed up a moment ago: its own task is on the way
        status=Subscriber.Status.PENDING, confirmed_at=None, signup_requested_at=now
    )
    assert sweep()["sign_ups"] == 1
    waiting.refresh_from_db()
    assert waiting.status == Subscriber.Status.PENDING
    assert waiting.signup_requested_at is None
    assert sink.per_address("Confirm your subscription") == {waiting.email: 1}
    assert sweep()["sign_ups"] == 0


def test_a_confirmation_the_server_could_not_take_stays_owed_for_the_sweep(eager, settings):
    settings.MAILERS = smtp_mailers(free_port())
    subscriber = SubscriberFactory.create(
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        confirmation_requested_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    from newsletter.tasks import send_confirmation

    assert send_confirmation.apply(args=[subscriber.pk]).get() is False
    subscriber.refresh_from_db()
    assert subscriber.confirmation_sent_at is None
    owed = Subscriber.objects.awaiting_confirmation_email(now=timezone.now())
    assert list(owed) == [subscriber]


def test_an_address_sent_the_email_packages_way_gets_the_same_message(eager, sink, edition):
    """An address the email package has to quote gets the same message as a plain one."""
    plain = SubscriberFactory.create(email="plain@example.com")
    odd = SubscriberFactory.create(email="o'brien@example.com")
    send_edition(edition.pk)
    assert sink.per_address(SUBJECT) == {plain.email: 1, odd.email: 1}
    messages = dict(sink.messages(SUBJECT))
    for subscriber in (plain, odd):
        message = messages[subscriber.email]
        assert message["To"] == subscriber.email
        url = f"{settings.SITE_URL}{subscriber.unsubscribe_url()}"
        assert message["List-Unsubscribe"] == f"<{url}>"
        text = message.get_body(("plain",)).get_content()
        assert f"\r\nUnsubscribe: {url}\r\n" in text
    assert messages[plain.email]["Subject"] == messages[odd.email]["Subject"]


def test_an_error_mid_batch_rolls_back_only_the_claim_in_hand(eager, sink, edition, monkeypatch):
    first, second, third = SubscriberFactory.create_batch(3)
    plan = services.edition_start(edition_id=edition.pk)
    [batch] = plan.batches
    build = emails.EditionCopies.message

    def breaks_on_the_second(copies, subscriber, *args, **kwargs):
        if subscriber.pk == second.pk:
            raise RuntimeError("the template broke")
        return build(copies, subscriber, *args, **kwargs)

    monkeypatch.setattr(emails.EditionCopies, "message", breaks_on_the_second)
    with pytest.raises(RuntimeError):
        services.deliveries_send(edition_id=edition.pk, delivery_ids=batch)
    assert sink.per_address(SUBJECT) == {first.email: 1}
    assert dict(Delivery.objects.values_list("subscriber_id", "status")) == {
        first.pk: Delivery.Status.SENT,
        second.pk: Delivery.Status.PENDING,
        third.pk: Delivery.Status.PENDING,
    }
    monkeypatch.undo()
    services.deliveries_send(edition_id=edition.pk, delivery_ids=batch)
    assert sink.per_address(SUBJECT) == {first.email: 1, second.email: 1, third.email: 1}
    assert statuses() == {"sent": 3}
