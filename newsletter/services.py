"""The newsletter's workflows: signing up and leaving, preparing an edition, sending it once.

Celery tasks (``newsletter/tasks.py``) are thin wrappers around the functions here; views and the
``send_weekly_edition`` command call them too.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from comparisons.models import Category, Comparison
from compsite import redis_budget
from compsite.counting import Tally, tally
from newsletter import emails
from newsletter.models import (
    CONFIRMATION_RESEND_AFTER,
    Delivery,
    Edition,
    EditionItem,
    SendProgress,
    Subscriber,
    normalise_email,
    week_start,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# Recording at least this many deliveries at once refreshes the table's statistics
# (``_analyze_deliveries`` says why).
ANALYZE_AFTER = 10_000
FIRST_EDITION_SIZE = 5
# A pending delivery whose batch task was enqueued longer ago than this has lost its task (the
# broker redelivers an unfinished task after CELERY_BROKER_TRANSPORT_OPTIONS' visibility timeout,
# which is shorter): the sweep enqueues it again. Claims make a doubled task harmless.
LOST_TASK_AFTER = datetime.timedelta(hours=3)
# The sign-up enqueues its confirmation email after commit; the sweep leaves it that long to go.
CONFIRMATION_GRACE = datetime.timedelta(minutes=2)

# An error about one message: the connection is still good for the next one.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address the backend cannot encode
)
# An error about the server or the connection: stop the batch and try again later.
CONNECTION_ERRORS = (smtplib.SMTPException, OSError)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def enqueue(task, *args) -> bool:
    """Hand a task to the broker; when the broker is down, log it and carry on.

    Everything enqueued this way is also found by the sweep, so an outage delays an email but
    never loses it, and it never turns a reader's sign-up into an error page. In a request that
    already met a Redis timeout the broker is not tried (compsite/redis_budget.py).
    """
    try:
        with redis_budget.spending():
            task.delay(*args)
    except Exception:  # kombu raises a variety of connection errors
        logger.exception("%s%r failed to enqueue (or, run eagerly, to run)", task.name, args)
        return False
    return True


def enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue(task, *args))


# --- Signing up, confirming, leaving ----------------------------------------------------------


def subscriber_sign_up(*, email: str, interests: Iterable[Category] = ()) -> None:
    """Take a sign-up; the worker decides what it means (``sign_up_settle``).

    Whatever the address's state (new, pending, confirmed or unsubscribed) the request does the
    same work: one upsert recording the request, and one task enqueued after commit. Neither the
    answer nor the time it takes tells anyone whether an address is on the list. A broker outage
    delays a sign-up but never loses it: the sweep settles requests left waiting.
    """
    from newsletter.tasks import settle_sign_up

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
        enqueue_after_commit(settle_sign_up, stored.pk)


def sign_up_settle(*, subscriber_id: int) -> None:
    """Apply the sign-up waiting on this subscriber, if any (the worker's half of signing up).

    New and unsubscribed addresses become pending with the categories ticked (none ticked keeps
    earlier choices); a confirmed address is left as it is: its interests change only through its
    own signed link. A confirmation is asked for at most once an hour per address, however often
    it signs up; ``confirmation_send`` sends what was asked for.
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
        if subscriber.status != Subscriber.Status.CONFIRMED:
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


def subscriber_confirm(*, subscriber_id: int, email: str) -> Subscriber | None:
    """Confirm a pending address; None when the link's subscriber no longer exists."""
    from newsletter.tasks import send_welcome

    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_id, email=email).first()
        )
        if subscriber is None:
            return None
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
            enqueue_after_commit(send_welcome, subscriber.pk)
    return subscriber


def subscriber_unsubscribe(*, subscriber_id: int) -> None:
    """Leave at once. Idempotent; an unknown id is simply nothing to do."""
    Subscriber.objects.filter(pk=subscriber_id).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
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
    except smtplib.SMTPRecipientsRefused as error:
        # The server will never take this address: keep the claim so nobody retries it.
        logger.warning("confirmation to subscriber %s refused: %s", subscriber_id, error)
        return False
    except CONNECTION_ERRORS:
        # Still owed: give the claim back for the task's retry or, failing that, the sweep.
        Subscriber.objects.filter(pk=subscriber_id, confirmation_sent_at=now).update(
            confirmation_sent_at=None
        )
        raise
    return True


def welcome_send(*, subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.CONFIRMED
    ).first()
    if subscriber is None:
        return False
    emails.welcome_email(subscriber).send(using="default")
    return True


# --- Preparing an edition ---------------------------------------------------------------------


def edition_candidates() -> list[Comparison]:
    """What a new edition is prefilled with, newest first.

    The comparisons published since the last edition went out, leaving out any an earlier
    edition already carried; for the very first edition, the five most recent. Comparisons
    stored from a reader's vote on a generated pair are not news: only curated ones go out.
    """
    published = Comparison.objects.published().filter(kind=Comparison.Kind.CURATED)
    last = (
        Edition.objects.filter(send_started_at__isnull=False).order_by("-send_started_at").first()
    )
    if last is None:
        return list(published.latest_first()[:FIRST_EDITION_SIZE])
    return list(
        published.filter(published_at__gt=last.send_started_at)
        .exclude(editions__send_started_at__isnull=False)
        .distinct()
        .latest_first()
    )


def edition_prepare(*, when: datetime.datetime | None = None) -> tuple[Edition, bool]:
    """The edition of ``when``'s ISO week (UTC), created as a prefilled draft if missing."""
    when = when or timezone.now()
    week = week_start(when.astimezone(datetime.UTC).date())
    with transaction.atomic():
        edition, created = Edition.objects.get_or_create(week=week)
        if created:
            EditionItem.objects.bulk_create(
                EditionItem(edition=edition, comparison=comparison, position=position)
                for position, comparison in enumerate(edition_candidates())
            )
    return edition, created


# --- Sending an edition -----------------------------------------------------------------------


@dataclass
class SendPlan:
    """What starting a send did: the edition, how many comparisons and recipients, or why not."""

    edition: Edition
    comparisons: int = 0
    recipients: int = 0
    reason: str = ""
    # Send now (``edition_send_now``) leaves recording the deliveries to the worker: it says who
    # the edition goes to as counted (or, for a large list, estimated) when the editor asked, and
    # whether the start reached the broker (if not, the edition is a draft again).
    audience: Tally | None = None
    queued: bool = False

    @property
    def started(self) -> bool:
        return not self.reason

    @property
    def batches(self) -> Iterator[list[int]]:
        """The edition's pending deliveries, a batch at a time, read as they are consumed."""
        if not self.started:
            return iter(())
        return pending_batches(
            Delivery.objects.filter(edition_id=self.edition.pk, status=Delivery.Status.PENDING)
        )


def pending_batches(deliveries, size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """The ids of ``deliveries`` in id order, ``size`` at a time.

    Each batch is a query of its own that starts after the last id of the one before (on the
    (edition, status, id) index for an edition's pending deliveries), so however many there are,
    no more than one batch of ids is held at once. Rows that stop matching meanwhile (sent by a
    worker already) are simply not in a later batch.
    """
    ids = deliveries.order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        batch = list(ids.filter(pk__gt=last)[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = batch[-1]


def _recipients(comparisons: list[Comparison]):
    """Confirmed subscribers with no interests, or with one among these comparisons' categories.

    Written with EXISTS rather than a join, so that each subscriber is one row without DISTINCT:
    the query feeds ``_record_deliveries`` and counts as it is.
    """
    categories = {
        tool.category_id for comparison in comparisons for tool in comparison.ordered_tools
    }
    interests = Subscriber.interests.through.objects.filter(subscriber_id=OuterRef("pk"))
    return Subscriber.objects.confirmed().filter(
        ~Exists(interests) | Exists(interests.filter(category_id__in=categories))
    )


def _record_deliveries(edition_id: int, comparisons: list[Comparison]) -> int:
    """One pending delivery per recipient who has none yet, in one ``INSERT … SELECT``.

    The recipients never pass through Python (a million of them are a million rows Postgres
    copies from one table to another), and the unique (edition, subscriber) constraint skips
    the ones recorded before (``ON CONFLICT DO NOTHING``). Returns how many were added.
    """
    rows = (
        _recipients(comparisons)
        .order_by("pk")
        .annotate(
            delivery_edition=Value(edition_id, output_field=BigIntegerField()),
            delivery_subscriber=F("pk"),
            delivery_status=Value(Delivery.Status.PENDING, output_field=CharField()),
            delivery_attempts=Value(0, output_field=IntegerField()),
            delivery_error=Value("", output_field=TextField()),
            delivery_created=Value(timezone.now(), output_field=DateTimeField()),
        )
        .values_list(
            "delivery_edition",
            "delivery_subscriber",
            "delivery_status",
            "delivery_attempts",
            "delivery_error",
            "delivery_created",
        )
    )
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    fields = ["edition", "subscriber", "status", "attempts", "error", "created_at"]
    columns = ", ".join(
        connection.ops.quote_name(Delivery._meta.get_field(name).column) for name in fields
    )
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING", params)
        return max(cursor.rowcount, 0)


def _number_edition(edition: Edition) -> None:
    highest = Edition.objects.aggregate(highest=Max("number"))["highest"] or 0
    edition.number = highest + 1


def edition_start(*, edition_id: int) -> SendPlan:
    """Move an edition to "sending" and record one delivery per recipient (the worker's part).

    Safe to call again at any point (a second beat, a re-run of the command, the sweep): it adds
    deliveries for subscribers confirmed since. ``plan.batches`` then reads the pending ones a
    batch at a time for ``edition_dispatch``. Sending them twice is prevented by the claim in
    ``deliveries_send``, not here.
    """
    plan, comparisons = _edition_open(edition_id)
    if not plan.started:
        return plan
    # Outside the edition's lock: recording a million rows takes a while, and an editor's hold
    # meanwhile must not wait for it (each batch checks the status before it sends).
    with transaction.atomic():
        added = _record_deliveries(edition_id, comparisons)
        Edition.objects.filter(pk=edition_id, deliveries_recorded_at__isnull=True).update(
            deliveries_recorded_at=timezone.now()
        )
    if added >= ANALYZE_AFTER:
        _analyze_deliveries()
    plan.recipients = Delivery.objects.filter(edition_id=edition_id).count()
    return plan


def _analyze_deliveries() -> None:
    """Fresh statistics for the deliveries table, after recording many rows at once.

    Until autovacuum gets to it, Postgres' statistics know nothing of the new edition, so it
    guesses that the edition has one delivery and may read its pending ones through the index
    on ``edition_id`` alone and sort them, every one of them, for each batch of 100: a send to a
    million subscribers would then spend hours reading its own batches. Measured, the statistics
    send each batch's read down (edition, status, id). ANALYZE samples the table (about a
    second at ten million rows) and blocks neither reads nor writes.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Delivery._meta.db_table)}")


def _edition_open(edition_id: int) -> tuple[SendPlan, list[Comparison]]:
    """Check the edition can go out and move a draft to "sending" with the next number."""
    for attempt in range(3):
        try:
            return _edition_open_once(edition_id)
        except IntegrityError:
            # Two editions numbered at the same moment: the loser takes the next number.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _edition_open_once(edition_id: int) -> tuple[SendPlan, list[Comparison]]:
    now = timezone.now()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        plan = SendPlan(edition=edition)
        if edition.status == Edition.Status.HELD:
            plan.reason = "it is held by the editors"
            return plan, []
        if edition.status == Edition.Status.SENT:
            plan.reason = "it has already been sent"
            return plan, []
        comparisons = Edition.objects.with_contents().get(pk=edition_id).ordered_comparisons
        plan.comparisons = len(comparisons)
        if not comparisons:
            plan.reason = "it holds no comparisons"
            return plan, []
        if edition.status == Edition.Status.DRAFT:
            if edition.number is None:
                _number_edition(edition)
            edition.status = Edition.Status.SENDING
            edition.send_started_at = edition.send_started_at or now
            edition.save(update_fields=["number", "status", "send_started_at", "updated_at"])
    return plan, comparisons


def edition_dispatch(*, edition_id: int, batches: Iterable[list[int]]) -> int:
    """Enqueue one task per batch. Returns how many were handed to the broker.

    ``batches`` may be lazy (``SendPlan.batches``): each batch is marked and enqueued before the
    next one is read.
    """
    from newsletter.tasks import send_batch

    queued = 0
    for batch in batches:
        Delivery.objects.filter(pk__in=batch).update(queued_at=timezone.now())
        if enqueue(send_batch, edition_id, batch):
            queued += 1
    return queued


def edition_finish(*, edition_id: int) -> bool:
    """Mark the edition sent once its deliveries are recorded and none is pending. True when this
    call did it. The counts by status are kept on the edition (``Edition.delivery_counts``), so
    that its page and the list read them instead of counting its deliveries again."""
    pending = Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.PENDING)
    finishing = Edition.objects.filter(
        pk=edition_id, status=Edition.Status.SENDING, deliveries_recorded_at__isnull=False
    )
    if pending.exists() or not finishing.exists():
        return False  # not done yet, or done already (a batch delivered twice): nothing to count
    counts = SendProgress.counted(Delivery.objects.filter(edition_id=edition_id)).as_dict()
    # A retry of failed deliveries finishes an edition again: it keeps the first time it was sent.
    return bool(
        finishing.exclude(Exists(pending)).update(
            status=Edition.Status.SENT,
            sent_at=Coalesce(F("sent_at"), timezone.now()),
            delivery_counts=counts,
        )
    )


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry: int = 0  # deliveries left pending for the task's next attempt
    error: str = ""

    @property
    def needs_retry(self) -> bool:
        return self.retry > 0


def _batch_recipients(
    edition_id: int, delivery_ids: list[int]
) -> dict[int, tuple[Subscriber, set[int]]]:
    """The batch's pending deliveries: delivery id → (subscriber, the ids of their interests).

    Two queries for the whole batch. A delivery that is not pending now never will be again, so
    it is left out here and costs no claim. The subscriber's status is read again at the claim.

    The deliveries are looked up by primary key alone, and their edition and status checked
    here: given the edition and the status too, Postgres may walk the (edition, status) index
    over every pending delivery of the edition, as it does on a freshly filled table whose
    statistics are not in yet (the state of the table during a send).
    """
    deliveries = (
        Delivery.objects.filter(pk__in=delivery_ids)
        .select_related("subscriber")
        .only("edition_id", "status", "subscriber__email")
    )
    recipients = {
        delivery.pk: (delivery.subscriber, set())
        for delivery in deliveries
        if delivery.edition_id == edition_id and delivery.status == Delivery.Status.PENDING
    }
    interests = {subscriber.pk: ids for subscriber, ids in recipients.values()}
    rows = Subscriber.interests.through.objects.filter(subscriber_id__in=list(interests))
    for subscriber_id, category_id in rows.values_list("subscriber_id", "category_id"):
        interests[subscriber_id].add(category_id)
    return recipients


class _Claims:
    """Claims a batch's deliveries one at a time and records what became of each.

    ``claim(delivery_id)`` locks the delivery's row while it is still pending, in a transaction
    of its own, and returns its subscriber's status as it is now (None: sent or skipped already,
    or another worker holds it). The delivery is one of the edition's (``_batch_recipients`` checked),
    so the claim looks it up by primary key alone (``_batch_recipients`` says why). The transaction lasts until ``settle`` has recorded the outcome
    (sent, skipped, or the error) and it is committed: across the SMTP exchange. A worker that
    dies meanwhile loses its database connection, and Postgres rolls the claim back.

    This is the portable form: one ``transaction.atomic()`` per delivery, the outcome written at
    once. On Postgres, outside any transaction (a worker), ``_ChainedClaims`` does the same in
    fewer round trips.
    """

    @contextmanager
    def claim(self, delivery_id: int):
        with transaction.atomic():
            row = (
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=delivery_id, status=Delivery.Status.PENDING)
                .values_list("subscriber__status", flat=True)
                .first()
            )
            yield row

    def settle(self, delivery_id: int, *, attempted: bool, **fields) -> None:
        """Record the claimed delivery's outcome: ``fields``, and one more attempt if made."""
        if attempted:
            fields["attempts"] = F("attempts") + 1
        Delivery.objects.filter(pk=delivery_id).update(**fields)

    def commit(self) -> None:
        """Nothing is left uncommitted between claims."""

    def close(self) -> None:
        """Nothing is left uncommitted between claims."""


class _ChainedClaims(_Claims):
    """``_Claims`` in one round trip to Postgres per delivery, and a last one to commit.

    Each delivery is still claimed, sent and settled in its own transaction, but the statements
    travel together: a delivery's outcome and COMMIT go in the same round trip as the next
    delivery's BEGIN and claim::

        BEGIN; <claim 1>                                -- send 1 over SMTP
        <settle 1>; COMMIT; BEGIN; <claim 2>            -- send 2
        <settle 2>; COMMIT; BEGIN; <claim 3>            -- …
        <settle n>; COMMIT

    The guarantee is the same as with one transaction per round trip. Postgres runs the
    statements in order, so delivery 1 is committed before delivery 2 is claimed and a lock is
    held only across its own message. Delivery 1's outcome leaves for the database as soon as
    the SMTP server has answered for it (nothing else happens in between): if the worker dies
    before that, its claim is rolled back and the message, accepted but not marked, goes again,
    which is the message in flight, as before; if it dies after, Postgres commits delivery 1 and
    rolls back the claim on delivery 2. At any moment at most one accepted message per worker
    process is not yet marked sent.

    Needs a connection in autocommit mode (BEGIN and COMMIT are ours) and client-side parameter
    binding (several statements in one query), Django's default for psycopg 3.
    """

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.open = False  # a transaction of ours is open on the server
        self.owed: tuple[str, list] | None = None  # the open transaction's outcome, unsent

    @staticmethod
    def usable() -> bool:
        return (
            connection.vendor == "postgresql"
            and is_psycopg3
            and not connection.settings_dict["OPTIONS"].get("server_side_binding")
            and connection.get_autocommit()
            and not connection.in_atomic_block
        )

    def _run(self, statements: list[str], params: list) -> None:
        self.cursor.execute("; ".join(statements), params)
        while self.cursor.nextset():
            pass  # to the last statement's result

    def _pending(self) -> tuple[list[str], list]:
        """The open transaction's outcome and COMMIT, to go with the next statements."""
        if not self.open:
            return [], []
        statements, params = [], []
        if self.owed is not None:
            statements, params = [self.owed[0]], list(self.owed[1])
        self.owed = None
        self.open = False
        return [*statements, "COMMIT"], params

    @contextmanager
    def claim(self, delivery_id: int):
        statements, params = self._pending()
        try:
            self.open = True
            self._run(
                [*statements, "BEGIN", _sql(_CLAIM)],
                [*params, delivery_id, Delivery.Status.PENDING],
            )
            row = self.cursor.fetchone()
            yield None if row is None else row[0]
        except BaseException:
            self._rollback()
            raise

    def settle(self, delivery_id: int, *, attempted: bool, **fields) -> None:
        columns = [f"{connection.ops.quote_name(name)} = %s" for name in fields]
        if attempted:
            columns.append("attempts = attempts + 1")
        self.owed = (
            _sql(f"UPDATE {{delivery}} SET {', '.join(columns)} WHERE id = %s"),
            [*fields.values(), delivery_id],
        )

    def commit(self) -> None:
        statements, params = self._pending()
        if statements:
            try:
                self._run(statements, params)
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        self.open = False
        self.owed = None
        try:
            self.cursor.execute("ROLLBACK")
        except DatabaseError:
            logger.info("rolling back a claim failed", exc_info=True)

    def close(self) -> None:
        self.commit()


def _sql(statement: str) -> str:
    return statement.format(
        delivery=connection.ops.quote_name(Delivery._meta.db_table),
        subscriber=connection.ops.quote_name(Subscriber._meta.db_table),
    )


# The claim, written out: lock the delivery's row while it is still pending (a row another
# worker holds is skipped, not waited for) and read the subscriber's status as it is now.
_CLAIM = """SELECT s.status FROM {delivery} d JOIN {subscriber} s ON s.id = d.subscriber_id
    WHERE d.id = %s AND d.status = %s FOR UPDATE OF d SKIP LOCKED"""


@contextmanager
def _claims():
    if not _ChainedClaims.usable():
        yield _Claims()
        return
    with connection.cursor() as cursor:
        claims = _ChainedClaims(cursor)
        try:
            yield claims
        finally:
            claims.close()


def _close_quietly(backend) -> None:
    try:
        backend.close()
    except CONNECTION_ERRORS:
        logger.info("closing the SMTP connection failed", exc_info=True)


def deliveries_send(
    *, edition_id: int, delivery_ids: list[int], final_attempt: bool = False
) -> BatchResult:
    """Send one batch over one SMTP connection; each delivery at most once.

    Each delivery is claimed by locking its row with ``SELECT … FOR UPDATE SKIP LOCKED`` while
    it is still pending, sent, and marked sent in the same transaction once the server accepted
    it. Another task holding the same ids (a redelivered or re-enqueued batch) skips the locked
    row and finds it sent afterwards; a worker that dies mid-send rolls back its claim, so the
    delivery is pending again for the redelivered task.

    An error about one message (a refused recipient) is recorded on that delivery and the batch
    goes on; an error about the server stops the batch. Either way the delivery stays pending for
    the task's retry with backoff, and is marked failed with its error on the final attempt.

    What the batch needs is loaded for all of it first, each distinct copy of the edition is
    rendered once (``emails.EditionCopies``), and the claims take one round trip per delivery
    (``_ChainedClaims``). With Django's SMTP backend a message's bytes go straight to the
    backend's connection, as ``EmailBackend.send_messages`` would write them.
    """
    result = BatchResult()
    edition = Edition.objects.with_contents().filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:
        # Held by the editors mid-send (or deleted): leave the rest pending.
        return result
    comparisons = edition.ordered_comparisons
    ordered = sorted(delivery_ids)
    recipients = _batch_recipients(edition_id, ordered)
    copies = emails.EditionCopies(edition)
    backend = mailers["default"]
    wire = isinstance(backend, SMTPBackend) and not backend.fail_silently
    sender = backend.prep_address(settings.DEFAULT_FROM_EMAIL) if wire else ""
    connected = False
    try:
        with _claims() as claims:
            for position, delivery_id in enumerate(ordered):
                if delivery_id not in recipients:
                    continue  # sent, failed or skipped already
                subscriber, interest_ids = recipients[delivery_id]
                with claims.claim(delivery_id) as status:
                    if status is None:
                        continue  # sent meanwhile, or another worker holds it
                    theirs = [c for c in comparisons if subscriber.wants(c, interest_ids)]
                    if status != Subscriber.Status.CONFIRMED or not theirs:
                        claims.settle(delivery_id, attempted=False, status=Delivery.Status.SKIPPED)
                        result.skipped += 1
                        continue
                    has_interests = bool(interest_ids)
                    data = None
                    if wire:
                        data = copies.as_bytes(subscriber, theirs, has_interests=has_interests)
                    message = None
                    if data is None:
                        message = copies.message(subscriber, theirs, has_interests=has_interests)
                    try:
                        if not connected:
                            backend.open()
                            connected = True
                        if data is not None:
                            backend.connection.sendmail(sender, [subscriber.email], data)
                        else:
                            backend.send_messages([message])
                    except MESSAGE_ERRORS as error:
                        _record_failure(claims, delivery_id, error, final_attempt, result)
                        continue
                    except CONNECTION_ERRORS as error:
                        _record_failure(claims, delivery_id, error, final_attempt, result)
                        _close_quietly(backend)
                        connected = False
                        remaining = ordered[position + 1 :]
                        claims.commit()
                        _give_up_on(remaining, edition_id, error, final_attempt, result)
                        break
                    claims.settle(
                        delivery_id,
                        attempted=True,
                        status=Delivery.Status.SENT,
                        sent_at=timezone.now(),
                        error="",
                    )
                    result.sent += 1
    finally:
        if connected:
            _close_quietly(backend)
    return result


def _record_failure(
    claims: _Claims,
    delivery_id: int,
    error: BaseException,
    final_attempt: bool,
    result: BatchResult,
) -> None:
    description = _describe(error)
    result.error = description
    if final_attempt:
        claims.settle(delivery_id, attempted=True, status=Delivery.Status.FAILED, error=description)
        result.failed += 1
    else:
        claims.settle(delivery_id, attempted=True, error=description)
        result.retry += 1
    logger.warning("delivery %s: %s", delivery_id, description)


def _give_up_on(
    delivery_ids: list[int],
    edition_id: int,
    error: BaseException,
    final_attempt: bool,
    result: BatchResult,
) -> None:
    """The server went away mid-batch: the rest wait for the retry, or fail on the last one."""
    pending = Delivery.objects.filter(
        pk__in=delivery_ids, edition_id=edition_id, status=Delivery.Status.PENDING
    )
    if final_attempt:
        result.failed += pending.update(
            status=Delivery.Status.FAILED, error=f"not attempted: {_describe(error)}"
        )
    else:
        result.retry += pending.count()


# --- The sweep --------------------------------------------------------------------------------


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
    from newsletter.tasks import send_confirmation, send_edition, settle_sign_up

    now = now or timezone.now()
    result = SweepResult()
    waiting = Subscriber.objects.filter(signup_requested_at__lte=now - CONFIRMATION_GRACE)
    for subscriber_id in waiting.order_by("signup_requested_at").values_list("pk", flat=True)[
        :1000
    ]:
        result.sign_ups += enqueue(settle_sign_up, subscriber_id)
    owed = Subscriber.objects.awaiting_confirmation_email(now=now).filter(
        confirmation_requested_at__lte=now - CONFIRMATION_GRACE
    )
    for subscriber_id in owed.order_by("pk").values_list("pk", flat=True)[:1000]:
        result.confirmations += enqueue(send_confirmation, subscriber_id)

    stale = now - LOST_TASK_AFTER
    sending = Edition.objects.filter(status=Edition.Status.SENDING)
    # Sent now from the admin, and its start task never ran: start it again.
    for edition_id in sending.filter(
        deliveries_recorded_at__isnull=True, send_started_at__lt=stale
    ).values_list("pk", flat=True):
        result.starts += enqueue(send_edition, edition_id)
    for edition_id in sending.values_list("pk", flat=True):
        lost = Delivery.objects.filter(
            edition_id=edition_id, status=Delivery.Status.PENDING
        ).filter(Q(queued_at__lt=stale) | Q(queued_at__isnull=True, created_at__lt=stale))
        result.batches += edition_dispatch(edition_id=edition_id, batches=pending_batches(lost))
        result.finished += edition_finish(edition_id=edition_id)
    return result


def celery_is_eager() -> bool:
    from compsite.celery import app

    return bool(app.conf.task_always_eager)


# --- The editors' controls (the admin) ----------------------------------------------------------

TEST_SUBJECT_PREFIX = "[Test] "


def edition_next_send_time(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """When beat next sends the week's edition (NEWSLETTER_SCHEDULE)."""
    from django.conf import settings

    from compsite.environment import cron_schedule

    now = now or timezone.now()
    estimate = now + cron_schedule(settings.NEWSLETTER_SCHEDULE).remaining_estimate(now)
    # Celery's estimate is off by the moments it took to compute; cron runs on whole minutes.
    return (estimate + datetime.timedelta(seconds=30)).replace(second=0, microsecond=0)


def edition_prepare_next(*, now: datetime.datetime | None = None) -> tuple[Edition, bool]:
    """The edition beat sends next, created as a prefilled draft if it is missing."""
    return edition_prepare(when=edition_next_send_time(now=now))


def edition_problems(*, edition: Edition) -> list[str]:
    """What stops ``edition`` going out now, in words for editors (needs ``with_contents()``)."""
    problems = []
    if edition.status == Edition.Status.HELD:
        problems.append("It is held: release it first.")
    elif edition.status == Edition.Status.SENT:
        problems.append("It has gone out already.")
    comparisons = edition.ordered_comparisons
    if not comparisons:
        problems.append("It holds no comparisons.")
    for comparison in comparisons:
        if not comparison.is_live:
            problems.append(
                f"“{comparison}” is not on the site yet ({comparison.publication.lower()}): "
                "readers could not open it. Publish it or take it out."
            )
    return problems


def edition_audience(*, edition: Edition, progress: SendProgress | None = None) -> Tally:
    """How many subscribers it goes to: its deliveries once they are recorded, else who would
    get it now (needs ``with_contents()``), estimated when that is a large number."""
    if edition.has_gone_out and edition.deliveries_recorded_at is not None:
        return Tally((progress or edition.progress()).total)
    return tally(_recipients(edition.ordered_comparisons))


def edition_send_now(*, edition_id: int) -> SendPlan:
    """Start the send at once, as beat would; refused (``plan.reason``) while anything is wrong.

    In the request only the edition changes: it is numbered and marked sending (or refused, as
    by ``edition_start``), and the start is enqueued. The worker records the deliveries and
    fans them out (``tasks.send_edition``), as for beat; with no broker (``make run``) that runs
    here. When the broker cannot be reached the edition goes back to draft, as it was, and the
    plan says so (``plan.queued`` false): nothing waits unseen.
    """
    from newsletter.tasks import send_edition

    edition = Edition.objects.with_contents().get(pk=edition_id)
    if edition.status != Edition.Status.SENDING and (problems := edition_problems(edition=edition)):
        return SendPlan(edition=edition, reason=" ".join(problems))
    audience = edition_audience(edition=edition)
    plan, _ = _edition_open(edition_id)
    if not plan.started:
        return plan
    plan.audience = audience
    plan.queued = enqueue(send_edition, edition_id)
    if not plan.queued and edition.status == Edition.Status.DRAFT:
        Edition.objects.filter(
            pk=edition_id, status=Edition.Status.SENDING, deliveries_recorded_at__isnull=True
        ).update(
            status=Edition.Status.DRAFT,
            number=edition.number,
            send_started_at=edition.send_started_at,
        )
    return plan


def edition_hold(*, edition_id: int) -> bool:
    """Stop a draft going out on schedule, or a send between batches. True when it changed."""
    return bool(
        Edition.objects.filter(
            pk=edition_id, status__in=[Edition.Status.DRAFT, Edition.Status.SENDING]
        ).update(status=Edition.Status.HELD, updated_at=timezone.now())
    )


def edition_release(*, edition_id: int) -> bool:
    """A held edition back to draft: it goes out on schedule (or when sent now)."""
    return bool(
        Edition.objects.filter(pk=edition_id, status=Edition.Status.HELD).update(
            status=Edition.Status.DRAFT, updated_at=timezone.now()
        )
    )


def edition_sample_email(*, edition_id: int, to: str):
    """The edition as a subscriber with no interests gets it, addressed to ``to``.

    The sample subscriber is nobody (id 0): its unsubscribe and interests links lead nowhere.
    A draft shows the number it would get if it went out next.
    """
    edition = Edition.objects.with_contents().get(pk=edition_id)
    if edition.number is None:
        _number_edition(edition)  # on this copy only; never saved
    sample = Subscriber(pk=0, email=to, status=Subscriber.Status.CONFIRMED)
    return emails.edition_email(edition, sample, edition.ordered_comparisons)


def edition_send_test(*, edition_id: int, to: str) -> str:
    """Send the sample to ``to`` only, its subject marked; no delivery is recorded. Returns the
    subject. SMTP errors reach the caller: the editor is waiting for an answer."""
    message = edition_sample_email(edition_id=edition_id, to=to)
    message.subject = f"{TEST_SUBJECT_PREFIX}{message.subject}"
    message.send(using="default")
    return message.subject


def deliveries_retry(*, delivery_ids: Iterable[int]) -> list[int]:
    """Failed deliveries of editions that went out (or are going out) sent again. Returns the
    ids queued; deliveries of held editions wait for the release."""
    going_out = [Edition.Status.SENDING, Edition.Status.SENT]
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(of=("self",))
            .filter(
                pk__in=list(delivery_ids),
                status=Delivery.Status.FAILED,
                edition__status__in=going_out,
            )
            .order_by("pk")
            .values_list("pk", "edition_id")
        )
        Delivery.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            status=Delivery.Status.PENDING
        )
        by_edition: dict[int, list[int]] = {}
        for pk, edition_id in rows:
            by_edition.setdefault(edition_id, []).append(pk)
        # The batch task sends only for an edition that is sending.
        Edition.objects.filter(pk__in=by_edition, status=Edition.Status.SENT).update(
            status=Edition.Status.SENDING
        )
    for edition_id, ids in by_edition.items():
        batches = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
        edition_dispatch(edition_id=edition_id, batches=batches)
        edition_finish(edition_id=edition_id)
    return [pk for pk, _ in rows]


def edition_retry_failed(*, edition_id: int) -> int:
    """Every failed delivery of an edition that went out sent again; how many. Set-based: one
    UPDATE turns them back to pending, and they are enqueued a batch at a time, however many
    failed (a mail server down for the whole send fails them all)."""
    going_out = [Edition.Status.SENDING, Edition.Status.SENT]
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update().filter(pk=edition_id, status__in=going_out).first()
        )
        if edition is None:
            return 0  # held (its deliveries wait for the release), or never sent
        # queued_at is cleared: these are the pending deliveries no batch task holds yet.
        retried = Delivery.objects.filter(
            edition_id=edition_id, status=Delivery.Status.FAILED
        ).update(status=Delivery.Status.PENDING, queued_at=None)
        if retried and edition.status == Edition.Status.SENT:
            # The batch task sends only for an edition that is sending.
            edition.status = Edition.Status.SENDING
            edition.save(update_fields=["status", "updated_at"])
    if retried:
        waiting = Delivery.objects.filter(
            edition_id=edition_id, status=Delivery.Status.PENDING, queued_at__isnull=True
        )
        edition_dispatch(edition_id=edition_id, batches=pending_batches(waiting))
        edition_finish(edition_id=edition_id)
    return retried
