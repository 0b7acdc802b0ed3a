"""Celery tasks: thin wrappers that take ids and call ``newsletter.services``.

The services enqueue them by the names in ``newsletter.services.queue``, never by importing
this module.

Every task is safe to run twice: the services claim their work in the database first. Tasks that
send mail acknowledge the broker only when they finish (``acks_late``) and are handed back if the
worker process dies (``reject_on_worker_lost``), so a crash redelivers them; the broker's
visibility timeout (settings) is longer than any of them may run (``time_limit``).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from newsletter import services
from newsletter.services import queue

logger = logging.getLogger(__name__)

# Retries wait 30 s, 1, 2, 4, 8 min (with jitter, at most 10): about a quarter of an hour in all,
# well inside the broker's visibility timeout (a retry waits in the worker, unacknowledged).
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    return get_exponential_backoff_interval(
        factor=30, retries=retries, maximum=600, full_jitter=True
    )


MAIL_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
    # A batch is 100 messages with a 30-second SMTP timeout each at worst.
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
}


def _with_retries(task, send):
    """Run ``send``; on an SMTP error retry with backoff, and give up after the last retry.

    In a worker a retry is a new message with a countdown. Run eagerly (no REDIS_URL: the
    embedded default and some tests) there is nobody to wait for it, so it retries at once.
    """
    retries = task.request.retries
    while True:
        try:
            return send(final_attempt=retries >= task.max_retries)
        except services.CONNECTION_ERRORS as error:
            if retries >= task.max_retries:
                logger.error("%s%r gave up: %s", task.name, tuple(task.request.args or ()), error)
                return False
            if not task.request.is_eager:
                raise task.retry(exc=error, countdown=backoff(retries)) from error
            retries += 1


@shared_task(bind=True, name=queue.SETTLE_SIGN_UP, **MAIL_TASK)
def settle_sign_up(self, subscriber_id: int) -> bool:
    """A sign-up, settled here rather than in the web request (which does the same work for
    every address), then its confirmation email when one is owed."""
    services.sign_up_settle(subscriber_id=subscriber_id)
    return _with_retries(
        self, lambda final_attempt: services.confirmation_send(subscriber_id=subscriber_id)
    )


@shared_task(bind=True, name=queue.SEND_CONFIRMATION, **MAIL_TASK)
def send_confirmation(self, subscriber_id: int) -> bool:
    # After the last retry the claim has been given back: the sweep tries again later.
    return _with_retries(
        self, lambda final_attempt: services.confirmation_send(subscriber_id=subscriber_id)
    )


@shared_task(bind=True, name=queue.SEND_WELCOME, **MAIL_TASK)
def send_welcome(self, subscriber_id: int) -> bool:
    return _with_retries(
        self, lambda final_attempt: services.welcome_send(subscriber_id=subscriber_id)
    )


class _BatchNeedsRetry(OSError):
    """Some deliveries of the batch hit SMTP errors and wait for the next attempt."""


@shared_task(bind=True, name=queue.SEND_BATCH, **MAIL_TASK)
def send_batch(self, edition_id: int, delivery_ids: list[int]) -> dict:
    totals = {"sent": 0, "skipped": 0, "failed": 0}

    def attempt(final_attempt: bool) -> None:
        result = services.deliveries_send(
            edition_id=edition_id, delivery_ids=delivery_ids, final_attempt=final_attempt
        )
        totals["sent"] += result.sent
        totals["skipped"] += result.skipped
        totals["failed"] += result.failed
        if result.needs_retry:
            raise _BatchNeedsRetry(result.error)

    _with_retries(self, attempt)
    services.edition_finish(edition_id=edition_id)
    return totals


@shared_task(name=queue.SEND_EDITION, acks_late=True, reject_on_worker_lost=True)
def send_edition(edition_id: int) -> dict:
    """Start (or resume) an edition's send and fan it out in batches: the deliveries are recorded
    by one statement in the database and read back a batch at a time, so the worker's memory
    does not grow with the number of subscribers (bench/ADMIN.md measures it)."""
    plan = services.edition_start(edition_id=edition_id)
    if not plan.started:
        logger.info("edition %s not sent: %s", edition_id, plan.reason)
        return {"queued": 0, "reason": plan.reason}
    queued = services.edition_dispatch(edition_id=edition_id, batches=plan.batches)
    services.edition_finish(edition_id=edition_id)
    return {"queued": queued, "recipients": plan.recipients}


@shared_task(name=queue.WEEKLY_EDITION, acks_late=True, reject_on_worker_lost=True)
def weekly_edition() -> dict:
    """The beat's weekly job: create this week's edition if missing, then send it."""
    edition, _ = services.edition_prepare()
    return send_edition(edition.pk)


@shared_task(name=queue.SWEEP)
def sweep() -> dict:
    result = services.newsletter_sweep()
    return {
        "sign_ups": result.sign_ups,
        "confirmations": result.confirmations,
        "batches": result.batches,
        "finished": result.finished,
        "starts": result.starts,
    }


@shared_task(name=queue.FORGET_UNCONFIRMED)
def forget_unconfirmed() -> dict:
    """The beat's daily job: sign-ups nobody confirmed in 30 days are deleted."""
    return {"deleted": services.unconfirmed_delete()}
