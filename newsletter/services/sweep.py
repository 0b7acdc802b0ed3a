"""The sweep: what a broker outage or a lost task left undone, found in the database again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import queue
from newsletter.services.sending import edition_dispatch, edition_finish, pending_batches

# A pending delivery whose batch task was enqueued longer ago than this has lost its task (the
# broker redelivers an unfinished task after CELERY_BROKER_TRANSPORT_OPTIONS' visibility timeout,
# which is shorter): the sweep enqueues it again. Claims make a doubled task harmless.
LOST_TASK_AFTER = datetime.timedelta(hours=3)
# The sign-up enqueues its confirmation email after commit; the sweep leaves it that long to go.
CONFIRMATION_GRACE = datetime.timedelta(minutes=2)


@dataclass
class SweepResult:
    sign_ups: int = 0
    confirmations: int = 0
    batches: int = 0
    finished: int = 0
    starts: int = 0


def newsletter_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Pick up what an outage dropped: sign-ups never settled, unsent confirmations, sends whose
    start task was lost, batches whose task was lost."""
    now = now or timezone.now()
    result = SweepResult()
    waiting = Subscriber.objects.filter(signup_requested_at__lte=now - CONFIRMATION_GRACE)
    for subscriber_id in waiting.order_by("signup_requested_at").values_list("pk", flat=True)[
        :1000
    ]:
        result.sign_ups += queue.enqueue(queue.SETTLE_SIGN_UP, subscriber_id)
    owed = Subscriber.objects.awaiting_confirmation_email(now=now).filter(
        confirmation_requested_at__lte=now - CONFIRMATION_GRACE
    )
    for subscriber_id in owed.order_by("pk").values_list("pk", flat=True)[:1000]:
        result.confirmations += queue.enqueue(queue.SEND_CONFIRMATION, subscriber_id)

    stale = now - LOST_TASK_AFTER
    sending = Edition.objects.filter(status=Edition.Status.SENDING)
    # Sent now from the admin, and its start task never ran: start it again.
    for edition_id in sending.filter(
        deliveries_recorded_at__isnull=True, send_started_at__lt=stale
    ).values_list("pk", flat=True):
        result.starts += queue.enqueue(queue.SEND_EDITION, edition_id)
    for edition_id in sending.values_list("pk", flat=True):
        lost = Delivery.objects.filter(
            edition_id=edition_id, status=Delivery.Status.PENDING
        ).filter(Q(queued_at__lt=stale) | Q(queued_at__isnull=True, created_at__lt=stale))
        result.batches += edition_dispatch(edition_id=edition_id, batches=pending_batches(lost))
        result.finished += edition_finish(edition_id=edition_id)
    return result
