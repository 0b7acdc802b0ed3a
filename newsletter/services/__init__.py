"""The newsletter's workflows, one module each; this package's names are what the views, the admin,
the command and the tasks call.

- ``subscriptions``: signing up, confirming, leaving, and the emails that go with them;
- ``editions``: preparing an edition and the editors' controls on it;
- ``sending``: recording the deliveries and sending each one once;
- ``sweep``: what an outage left undone, found again;
- ``queue``: the one module that hands work to Celery (by task name: the tasks import the
  services, never the other way round);
- ``errors``: which SMTP errors are about one message and which about the server.

Code that replaces one of these functions in a test does so in the module that defines it.
"""

from newsletter.services.editions import (
    TEST_SUBJECT_PREFIX,
    NextSend,
    edition_audience,
    edition_candidates,
    edition_hold,
    edition_next_send,
    edition_next_send_time,
    edition_next_send_words,
    edition_prepare,
    edition_prepare_next,
    edition_problems,
    edition_release,
    edition_sample_email,
    edition_send_test,
    edition_send_time,
)
from newsletter.services.errors import CONNECTION_ERRORS, MESSAGE_ERRORS
from newsletter.services.queue import celery_is_eager
from newsletter.services.sending import (
    BATCH_SIZE,
    BatchResult,
    SendPlan,
    deliveries_retry,
    deliveries_send,
    edition_dispatch,
    edition_finish,
    edition_retry_failed,
    edition_send_now,
    edition_start,
    pending_batches,
)
from newsletter.services.subscriptions import (
    confirmation_send,
    sign_up_settle,
    subscriber_confirm,
    subscriber_set_interests,
    subscriber_sign_up,
    subscriber_unsubscribe,
    unconfirmed_delete,
    welcome_send,
)
from newsletter.services.sweep import SweepResult, newsletter_sweep

__all__ = [
    "BATCH_SIZE",
    "CONNECTION_ERRORS",
    "MESSAGE_ERRORS",
    "TEST_SUBJECT_PREFIX",
    "BatchResult",
    "NextSend",
    "SendPlan",
    "SweepResult",
    "celery_is_eager",
    "confirmation_send",
    "deliveries_retry",
    "deliveries_send",
    "edition_audience",
    "edition_candidates",
    "edition_dispatch",
    "edition_finish",
    "edition_hold",
    "edition_next_send",
    "edition_next_send_time",
    "edition_next_send_words",
    "edition_prepare",
    "edition_prepare_next",
    "edition_problems",
    "edition_release",
    "edition_retry_failed",
    "edition_sample_email",
    "edition_send_now",
    "edition_send_test",
    "edition_send_time",
    "edition_start",
    "newsletter_sweep",
    "pending_batches",
    "sign_up_settle",
    "subscriber_confirm",
    "subscriber_set_interests",
    "subscriber_sign_up",
    "subscriber_unsubscribe",
    "unconfirmed_delete",
    "welcome_send",
]
