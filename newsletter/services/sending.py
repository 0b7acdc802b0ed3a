"""Sending an edition once to each recipient: recording the deliveries, fanning them out in
batches, claiming and sending each one, finishing the edition, retrying what failed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, connection, models, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from comparisons.models import Comparison
from compsite.counting import Tally
from newsletter import emails
from newsletter.models import Delivery, Edition, SendProgress, Subscriber
from newsletter.services import bounces, queue
from newsletter.services.editions import (
    edition_audience,
    edition_problems,
    edition_recipients,
    number_edition,
)
from newsletter.services.errors import (
    CONNECTION_ERRORS,
    MESSAGE_ERRORS,
    describe,
    permanent_refusal,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# Recording at least this many deliveries at once refreshes the table's statistics
# (``_analyze_deliveries`` says why).
ANALYZE_AFTER = 10_000


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


def record_deliveries(edition_id: int, comparisons: list[Comparison]) -> int:
    """One pending delivery per recipient who has none yet, in one ``INSERT … SELECT``.

    The recipients never pass through Python (a million of them are a million rows Postgres
    copies from one table to another), and the unique (edition, subscriber) constraint skips
    the ones recorded before (``ON CONFLICT DO NOTHING``). Returns how many were added.
    """
    rows = (
        edition_recipients(comparisons)
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
    columns = ", ".join(connection.ops.quote_name(_column(Delivery, name)) for name in fields)
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING", params)
        return max(cursor.rowcount, 0)


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
        added = record_deliveries(edition_id, comparisons)
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
        if not settings.NEWSLETTER_POSTAL_ADDRESS:
            plan.reason = "no postal address is set (NEWSLETTER_POSTAL_ADDRESS)"
            return plan, []
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
                number_edition(edition)
            edition.status = Edition.Status.SENDING
            edition.send_started_at = edition.send_started_at or now
            edition.save(update_fields=["number", "status", "send_started_at", "updated_at"])
    return plan, comparisons


def edition_dispatch(*, edition_id: int, batches: Iterable[list[int]]) -> int:
    """Enqueue one task per batch. Returns how many were handed to the broker.

    ``batches`` may be lazy (``SendPlan.batches``): each batch is marked and enqueued before the
    next one is read.
    """
    queued = 0
    for batch in batches:
        Delivery.objects.filter(pk__in=batch).update(queued_at=timezone.now())
        if queue.enqueue(queue.SEND_BATCH, edition_id, batch):
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
    recipients: dict[int, tuple[Subscriber, set[int]]] = {
        delivery.pk: (delivery.subscriber, set())
        for delivery in deliveries
        if delivery.edition_id == edition_id and delivery.status == Delivery.Status.PENDING
    }
    interests = {subscriber.pk: ids for subscriber, ids in recipients.values()}
    rows = Subscriber.interests.through.objects.filter(subscriber_id__in=list(interests))
    for subscriber_id, category_id in rows.values_list("subscriber_id", "category_id"):
        interests[subscriber_id].add(category_id)
    return recipients


@contextmanager
def _claimed(delivery_id: int) -> Iterator[str | None]:
    """Claim a delivery for as long as the block runs: its subscriber's status now, or None.

    The claim locks the delivery's row while it is still pending (``SELECT … FOR UPDATE SKIP
    LOCKED``: a row another worker holds is skipped, not waited for) in a transaction of its
    own, which lasts until the block has sent the message and recorded the outcome: across the
    SMTP exchange. A worker that dies meanwhile loses its database connection, and Postgres
    rolls the claim back; the delivery is pending again for the redelivered task. The delivery
    is one of the edition's (``_batch_recipients`` checked), so the claim looks it up by
    primary key alone (``_batch_recipients`` says why).
    """
    with transaction.atomic():
        yield (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .values_list("subscriber__status", flat=True)
            .first()
        )


def _settle(delivery_id: int, *, attempted: bool, **fields) -> None:
    """Record the claimed delivery's outcome: ``fields``, and one more attempt if made."""
    if attempted:
        fields["attempts"] = F("attempts") + 1
    Delivery.objects.filter(pk=delivery_id).update(**fields)


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except CONNECTION_ERRORS:
        logger.info("closing the mail connection failed", exc_info=True)


def deliveries_send(
    *, edition_id: int, delivery_ids: list[int], final_attempt: bool = False
) -> BatchResult:
    """Send one batch over one connection of the configured mailer; each delivery at most once.

    Each delivery is claimed (``_claimed``), sent, and marked sent in the claim's transaction
    once the server accepted it. Another task holding the same ids (a redelivered or
    re-enqueued batch) skips the locked row and finds it sent afterwards.

    An error about one message is recorded on that delivery and the batch goes on; an error
    about the server stops the batch. Either way the delivery stays pending for the task's retry
    with backoff, and is marked failed with its error on the final attempt, except for a
    permanent refusal of the recipient (a 5xx, ``errors.permanent_refusal``): failed at once,
    and the subscriber hard-bounced (``services.bounces``).

    What the batch needs is loaded for all of it first, and each distinct copy of the edition is
    rendered once (``emails.EditionCopies``). Messages go through ``mailers["default"]`` (Django
    6.1's replacement for ``get_connection()``), opened at the first message and kept open for
    the batch.
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
    mailer = mailers["default"]
    try:
        for position, delivery_id in enumerate(ordered):
            if delivery_id not in recipients:
                continue  # sent, failed or skipped already
            subscriber, interest_ids = recipients[delivery_id]
            lost: BaseException | None = None
            with _claimed(delivery_id) as status:
                if status is None:
                    continue  # sent meanwhile, or another worker holds it
                theirs = [c for c in comparisons if subscriber.wants(c, interest_ids)]
                if status != Subscriber.Status.CONFIRMED or not theirs:
                    _settle(delivery_id, attempted=False, status=Delivery.Status.SKIPPED)
                    result.skipped += 1
                    continue
                message = copies.message(subscriber, theirs, has_interests=bool(interest_ids))
                if stream := settings.NEWSLETTER_BROADCAST_STREAM:
                    # Postmark sends bulk mail through a Broadcast stream (anymail's esp_extra).
                    message.esp_extra = {"MessageStream": stream}  # type: ignore[attr-defined]
                try:
                    mailer.open()  # once: an open connection is kept
                    mailer.send_messages([message])
                except MESSAGE_ERRORS as error:
                    if (reason := permanent_refusal(error)) is not None:
                        _record_refusal(delivery_id, subscriber, edition_id, error, reason, result)
                    else:
                        _record_failure(delivery_id, error, final_attempt, result)
                    continue
                except CONNECTION_ERRORS as error:
                    _record_failure(delivery_id, error, final_attempt, result)
                    lost = error
                else:
                    _settle(
                        delivery_id,
                        attempted=True,
                        status=Delivery.Status.SENT,
                        sent_at=timezone.now(),
                        error="",
                        esp_message_id=esp_message_id(message),
                    )
                    result.sent += 1
            if lost is not None:
                # This delivery's outcome is committed; the rest wait for the retry.
                _close_quietly(mailer)
                _give_up_on(ordered[position + 1 :], edition_id, lost, final_attempt, result)
                break
    finally:
        _close_quietly(mailer)
    return result


def esp_message_id(message) -> str:
    """The ESP's id for a message it accepted (anymail sets ``anymail_status``); "" over SMTP."""
    status = getattr(message, "anymail_status", None)
    return str(getattr(status, "message_id", None) or "")[:255]


def _record_refusal(
    delivery_id: int,
    subscriber: Subscriber,
    edition_id: int,
    error: BaseException,
    reason: str,
    result: BatchResult,
) -> None:
    """The server will never take this address (a 5xx): failed at once, with no retry, and the
    subscriber hard-bounced, so that no later send tries it again."""
    _settle(delivery_id, attempted=True, status=Delivery.Status.FAILED, error=describe(error))
    bounces.refusal_record(
        subscriber=subscriber,
        error=error,
        reason=reason,
        what=f"edition-{edition_id}-delivery-{delivery_id}",
    )
    result.failed += 1
    result.error = describe(error)
    logger.warning("delivery %s refused for good: %s", delivery_id, reason)


def _record_failure(
    delivery_id: int, error: BaseException, final_attempt: bool, result: BatchResult
) -> None:
    description = describe(error)
    result.error = description
    if final_attempt:
        _settle(delivery_id, attempted=True, status=Delivery.Status.FAILED, error=description)
        result.failed += 1
    else:
        _settle(delivery_id, attempted=True, error=description)
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
            status=Delivery.Status.FAILED, error=f"not attempted: {describe(error)}"
        )
    else:
        result.retry += pending.count()


# --- The editors' controls that start or repeat a send -------------------------------------------


def edition_send_now(*, edition_id: int) -> SendPlan:
    """Start the send at once, as beat would; refused (``plan.reason``) while anything is wrong.

    In the request only the edition changes: it is numbered and marked sending (or refused, as
    by ``edition_start``), and the start is enqueued. The worker records the deliveries and
    fans them out (``tasks.send_edition``), as for beat; with no broker (``make run``) that runs
    here. When the broker cannot be reached the edition goes back to draft, as it was, and the
    plan says so (``plan.queued`` false): nothing waits unseen.
    """
    edition = Edition.objects.with_contents().get(pk=edition_id)
    if edition.status != Edition.Status.SENDING and (problems := edition_problems(edition=edition)):
        return SendPlan(edition=edition, reason=" ".join(problems))
    audience = edition_audience(edition=edition)
    plan, _ = _edition_open(edition_id)
    if not plan.started:
        return plan
    plan.audience = audience
    plan.queued = queue.enqueue(queue.SEND_EDITION, edition_id)
    if not plan.queued and edition.status == Edition.Status.DRAFT:
        Edition.objects.filter(
            pk=edition_id, status=Edition.Status.SENDING, deliveries_recorded_at__isnull=True
        ).update(
            status=Edition.Status.DRAFT,
            number=edition.number,
            send_started_at=edition.send_started_at,
        )
    return plan


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


def _column(model: type[models.Model], name: str) -> str:
    """The database column of one of ``model``'s concrete fields."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, name
    return field.column
