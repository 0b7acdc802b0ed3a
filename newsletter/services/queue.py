"""The one place the newsletter hands work to Celery.

Tasks are enqueued by name: ``newsletter/tasks.py`` wraps the services and imports them, so the
services must not import the tasks back. The names are the contract with the broker (a message
in Redis carries only the name), and ``tasks.py`` registers its tasks under these constants;
``NewsletterConfig.ready`` imports it in every process, so a name always finds its task.
"""

from __future__ import annotations

import logging

from django.db import transaction

from compsite import redis_budget
from compsite.celery import app

logger = logging.getLogger(__name__)

SETTLE_SIGN_UP = "newsletter.settle_sign_up"
SEND_CONFIRMATION = "newsletter.send_confirmation"
SEND_WELCOME = "newsletter.send_welcome"
SEND_BATCH = "newsletter.send_batch"
SEND_EDITION = "newsletter.send_edition"
WEEKLY_EDITION = "newsletter.weekly_edition"
SWEEP = "newsletter.sweep"
FORGET_UNCONFIRMED = "newsletter.forget_unconfirmed"


def enqueue(name: str, *args) -> bool:
    """Hand the task ``name`` to the broker; when the broker is down, log it and carry on.

    Everything enqueued this way is also found by the sweep, so an outage delays an email but
    never loses it, and it never turns a reader's sign-up into an error page. In a request that
    already met a Redis timeout the broker is not tried (compsite/redis_budget.py). With no
    broker (``task_always_eager``) the task runs here and now, as ``delay`` does.
    """
    try:
        with redis_budget.spending():
            app.tasks[name].delay(*args)
    except Exception:  # kombu raises a variety of connection errors
        logger.exception("%s%r failed to enqueue (or, run eagerly, to run)", name, args)
        return False
    return True


def enqueue_after_commit(name: str, *args) -> None:
    transaction.on_commit(lambda: enqueue(name, *args))


def celery_is_eager() -> bool:
    return bool(app.conf.task_always_eager)
