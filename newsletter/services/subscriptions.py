"""Signing up, confirming and leaving, and the two emails that go with them."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from comparisons.models import Category
from newsletter import emails
from newsletter.models import CONFIRMATION_RESEND_AFTER, Subscriber, normalise_email
from newsletter.services import bounces, queue
from newsletter.services.errors import CONNECTION_ERRORS, MESSAGE_ERRORS, permanent_refusal

logger = logging.getLogger(__name__)

# A sign-up nobody confirms within this long is forgotten: the address was perhaps not theirs.
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=30)


def subscriber_sign_up(*, email: str, interests: Iterable[Category] = ()) -> None:
    """Take a sign-up; the worker decides what it means (``sign_up_settle``).

    Whatever the address's state (new, pending, confirmed or unsubscribed) the request does the
    same work: one upsert recording the request, and one task enqueued after commit. Neither the
    answer nor the time it takes tells anyone whether an address is on the list. A broker outage
    delays a sign-up but never loses it: the sweep settles requests left waiting.
    """
    request = Subscriber(
        email=normalise_email(email),
        signup_requested_at=timezone.now(),
        signup_interests=sorted({category.pk for category in interests}),
    )
    with transaction.atomic():
        [stored] = Subscriber.objects.bulk_create(
            [request],
            update_conflicts=True,
            unique_fields=["email"],
            update_fields=["signup_requested_at", "signup_interests"],
        )
        queue.enqueue_after_commit(queue.SETTLE_SIGN_UP, stored.pk)


def sign_up_settle(*, subscriber_id: int) -> None:
    """Apply the sign-up waiting on this subscriber, if any (the worker's half of signing up).

    New and unsubscribed addresses become pending with the categories ticked (none ticked keeps
    earlier choices); a confirmed address is left as it is: its interests change only through its
    own signed link, and so is a bounced or complained one (never mailed again). A confirmation
    is asked for at most once an hour per address, however often it signs up;
    ``confirmation_send`` sends what was asked for.
    """
    now = timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=subscriber_id, signup_requested_at__isnull=False)
            .first()
        )
        if subscriber is None:
            return  # settled already (a doubled task, the sweep racing the original)
        interest_ids = subscriber.signup_interests
        subscriber.signup_requested_at, subscriber.signup_interests = None, []
        if subscriber.is_suppressed:
            # Bounced or complained: nothing is sent to it again, a confirmation neither. The
            # request is settled the same way, so the answer still tells nobody anything.
            pass
        elif subscriber.status != Subscriber.Status.CONFIRMED:
            if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
                subscriber.status = Subscriber.Status.PENDING
                subscriber.confirmed_at = None
            if interest_ids:
                subscriber.interests.set(Category.objects.filter(pk__in=interest_ids))
            asked = [subscriber.confirmation_sent_at, subscriber.confirmation_requested_at]
            last = max((moment for moment in asked if moment), default=None)
            if last is None or now - last >= CONFIRMATION_RESEND_AFTER:
                subscriber.confirmation_requested_at = now
        subscriber.save()


def subscriber_confirm(*, subscriber_id: int, email: str) -> tuple[Subscriber | None, bool]:
    """Confirm a pending address. Returns the link's subscriber (None when it no longer exists)
    and whether this call confirmed it: a link used again finds the address confirmed already,
    and only the first use sends the welcome."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_id, email=email).first()
        )
        if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
            return subscriber, False
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        queue.enqueue_after_commit(queue.SEND_WELCOME, subscriber.pk)
    return subscriber, True


def subscriber_unsubscribe(*, subscriber_id: int) -> None:
    """Leave at once. Idempotent; an unknown id is simply nothing to do. A bounced or complained
    address stays so (it gets nothing either way, and signing up again must not revive it)."""
    Subscriber.objects.filter(pk=subscriber_id).exclude(
        status__in=[Subscriber.Status.UNSUBSCRIBED, *Subscriber.SUPPRESSED]
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def subscriber_set_interests(*, subscriber: Subscriber, categories: Iterable[Category]) -> None:
    subscriber.interests.set(list(categories))


def confirmation_send(*, subscriber_id: int) -> bool:
    """Send the confirmation email that was asked for, if it is still owed. True when sent.

    The claim is one UPDATE: of two tasks for the same request (a double sign-up, a sweep racing
    the original task) only one finds the email still owed.
    """
    now = timezone.now()
    claimed = (
        Subscriber.objects.filter(
            pk=subscriber_id,
            status=Subscriber.Status.PENDING,
            confirmation_requested_at__isnull=False,
        )
        .filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=F("confirmation_requested_at"))
        )
        .update(confirmation_sent_at=now)
    )
    if not claimed:
        return False
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    try:
        emails.confirmation_email(subscriber).send(using="default")
    except (*MESSAGE_ERRORS, *CONNECTION_ERRORS) as error:
        if (reason := permanent_refusal(error)) is not None:
            # Refused for good (a 5xx): a hard bounce; the claim stays, nobody retries it.
            bounces.refusal_record(
                subscriber=subscriber, error=error, reason=reason, what="confirmation"
            )
        elif not isinstance(error, (smtplib.SMTPRecipientsRefused, ValueError)):
            # Still owed: give the claim back for the task's retry or, failing that, the sweep.
            Subscriber.objects.filter(pk=subscriber_id, confirmation_sent_at=now).update(
                confirmation_sent_at=None
            )
            raise
        # The server will never take this address: keep the claim so nobody retries it.
        logger.warning("confirmation to subscriber %s refused: %s", subscriber_id, error)
        return False
    return True


def welcome_send(*, subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.CONFIRMED
    ).first()
    if subscriber is None:
        return False
    try:
        emails.welcome_email(subscriber).send(using="default")
    except MESSAGE_ERRORS as error:
        if (reason := permanent_refusal(error)) is None:
            raise  # retried by the task, as a server's error is
        bounces.refusal_record(subscriber=subscriber, error=error, reason=reason, what="welcome")
        return False
    return True


def unconfirmed_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the sign-ups never confirmed whose last request is 30 days old; how many.

    Only addresses that were never on the list go: a former subscriber who signed up again and
    has not confirmed yet keeps the record of having left (``unsubscribed_at``), and a request
    the worker has yet to settle is left to it.
    """
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT_FOR
    forgotten = (
        Subscriber.objects.filter(
            status=Subscriber.Status.PENDING,
            unsubscribed_at__isnull=True,
            signup_requested_at__isnull=True,
        )
        .alias(asked=Coalesce("confirmation_requested_at", "created_at"))
        .filter(asked__lt=cutoff)
    )
    # The count of subscribers only (their interests' rows go with them).
    _, deleted = forgotten.delete()
    return deleted.get(Subscriber._meta.label, 0)
