"""Celery tasks: thin wrappers that take ids and call ``newsletter.services``.

Every task is safe to run twice: the services claim their work in the database first. Tasks that
send mail acknowledge the broker only when they finish (``acks_late``) and are handed back if the
worker process dies (``reject_on_worker_lost``), so a crash redelivers them; the broker's
visibility timeout (settings) is longer than any of them may run (``time_limit``).
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from newsletter import services

logger = logging.getLogger(__name__)

# Retries wait 30 s, 1, 2, 4, 8 min (with jitter, at most 10): about a quarter of an hour in all,
# well inside the broker's visibility timeout (a retry waits in the worker, unacknowledged).
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    return get_exponential_backoff_interval(
        factor=30, retries=retries, maximum=600, full_jitter=True
    )


MAIL_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
    # A batch is 100 messages with a 30-second SMTP timeout each at worst.
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
}


@shared_task(bind=True, name="newsletter.send_confirmation", **MAIL_TASK)
def send_confirmation(self, subscriber_id: int) -> bool:
    try:
        return services.confirmation_send(subscriber_id=subscriber_id)
    except services.CONNECTION_ERRORS as error:
        if self.request.retries >= self.max_retries:
            # The claim was given back: the sweep tries again later.
            logger.error("confirmation for subscriber %s not sent: %s", subscriber_id, error)
            return False
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, name="newsletter.send_welcome", **MAIL_TASK)
def send_welcome(self, subscriber_id: int) -> bool:
    try:
        return services.welcome_send(subscriber_id=subscriber_id)
    except services.CONNECTION_ERRORS as error:
        if self.request.retries >= self.max_retries:
            logger.error("welcome for subscriber %s not sent: %s", subscriber_id, error)
            return False
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, name="newsletter.send_batch", **MAIL_TASK)
def send_batch(self, edition_id: int, delivery_ids: list[int]) -> dict:
    final = self.request.retries >= self.max_retries
    result = services.deliveries_send(
        edition_id=edition_id, delivery_ids=delivery_ids, final_attempt=final
    )
    if result.needs_retry:
        raise self.retry(countdown=backoff(self.request.retries))
    services.edition_finish(edition_id=edition_id)
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed}


@shared_task(name="newsletter.send_edition", acks_late=True, reject_on_worker_lost=True)
def send_edition(edition_id: int) -> dict:
    """Start (or resume) an edition's send and fan it out in batches."""
    plan = services.edition_start(edition_id=edition_id)
    if not plan.started:
        logger.info("edition %s not sent: %s", edition_id, plan.reason)
        return {"queued": 0, "reason": plan.reason}
    queued = services.edition_dispatch(edition_id=edition_id, batches=plan.batches)
    services.edition_finish(edition_id=edition_id)
    return {"queued": queued, "recipients": plan.recipients}


@shared_task(name="newsletter.weekly_edition", acks_late=True, reject_on_worker_lost=True)
def weekly_edition() -> dict:
    """The beat's weekly job: create this week's edition if missing, then send it."""
    edition, _ = services.edition_prepare()
    return send_edition(edition.pk)


@shared_task(name="newsletter.sweep")
def sweep() -> dict:
    result = services.newsletter_sweep()
    return {
        "confirmations": result.confirmations,
        "batches": result.batches,
        "finished": result.finished,
    }
