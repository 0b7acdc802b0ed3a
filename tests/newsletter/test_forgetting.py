"""Sign-ups nobody confirms are forgotten after 30 days, by a daily beat task."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from compsite.celery import app as celery_app
from newsletter import services
from newsletter.models import Delivery, Subscriber
from newsletter.tasks import forget_unconfirmed
from tests.factories import CategoryFactory
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def pending(email: str, *, asked_days_ago: int | None, **fields) -> Subscriber:
    now = timezone.now()
    subscriber = SubscriberFactory.create(
        email=email, status=Subscriber.Status.PENDING, confirmed_at=None, **fields
    )
    asked = None if asked_days_ago is None else now - asked_days_ago * DAY
    # created_at is set on insert: moved back by hand, as time would have.
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_requested_at=asked, created_at=now - 40 * DAY
    )
    return subscriber


def test_sign_ups_never_confirmed_in_30_days_are_deleted_and_nobody_else():
    pending("old@example.com", asked_days_ago=31, interests=[CategoryFactory.create()])
    pending("never-asked@example.com", asked_days_ago=None)  # created 40 days ago
    pending("recent@example.com", asked_days_ago=29)
    pending("came-back@example.com", asked_days_ago=31, unsubscribed_at=timezone.now() - 60 * DAY)
    pending("waiting@example.com", asked_days_ago=31, signup_requested_at=timezone.now())
    SubscriberFactory.create(email="reader@example.com")
    Subscriber.objects.filter(email="reader@example.com").update(
        created_at=timezone.now() - 90 * DAY
    )

    assert forget_unconfirmed() == {"deleted": 2}
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "recent@example.com",
        "came-back@example.com",
        "waiting@example.com",
        "reader@example.com",
    }
    assert forget_unconfirmed() == {"deleted": 0}


def test_an_unsubscribe_keeps_the_address_marked_its_interests_and_its_delivery_log():
    """What the privacy page says is kept after an unsubscribe, and that nothing expires it."""
    speech = CategoryFactory.create()
    left = SubscriberFactory.create(email="left@example.com", interests=[speech])
    edition = make_edition(number=1)
    DeliveryFactory.create(edition=edition, subscriber=left, status=Delivery.Status.SENT)
    services.subscriber_unsubscribe(subscriber_id=left.pk)
    Subscriber.objects.filter(pk=left.pk).update(
        created_at=timezone.now() - 400 * DAY, unsubscribed_at=timezone.now() - 300 * DAY
    )

    assert forget_unconfirmed() == {"deleted": 0}
    left.refresh_from_db()
    assert left.status == Subscriber.Status.UNSUBSCRIBED
    assert left.confirmed_at is not None and left.unsubscribed_at is not None
    assert list(left.interests.all()) == [speech]
    assert left.deliveries.get().edition == edition

    # Signing up again asks for a fresh confirmation: pending, not confirmed, until it is pressed.
    services.subscriber_sign_up(email="left@example.com")
    services.sign_up_settle(subscriber_id=left.pk)
    left.refresh_from_db()
    assert left.status == Subscriber.Status.PENDING
    assert left.confirmation_requested_at is not None


def test_beat_runs_it_daily():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == forget_unconfirmed.name
    ]
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}
