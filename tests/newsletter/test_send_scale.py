"""The weekly send at a million subscribers: its shape, not its speed.

Recording the deliveries is one ``INSERT … SELECT`` (the recipients never pass through Python),
and the pending ones are read back and enqueued a batch of ids at a time, so nothing the worker
holds grows with the list (``bench/ADMIN.md`` measures its memory from 10,000 to 1,000,000
subscribers). These tests pin that shape through the queries the functions send.
"""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter import services, tasks
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import queue, sending
from tests.factories import CategoryFactory, ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

DELIVERY = '"newsletter_delivery"'
SUBSCRIBER = '"newsletter_subscriber"'


@pytest.fixture
def broker(monkeypatch) -> list[tuple[str, tuple]]:
    """The broker, replaced by a list of what was published (task name, arguments)."""
    published: list[tuple[str, tuple]] = []

    def publish(name, *args) -> bool:
        published.append((name, args))
        return True

    monkeypatch.setattr(queue, "enqueue", publish)
    return published


def new_edition() -> Edition:
    return make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))


def statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def reads_rows_of(sql: str, table: str) -> bool:
    """A SELECT whose rows come back to Python from ``table`` (not an INSERT … SELECT)."""
    return sql.lstrip().upper().startswith("SELECT") and f"FROM {table}" in sql


def test_recording_the_deliveries_is_one_insert_select_whatever_the_list_holds():
    counts = []
    for subscribers in (3, 120):
        SubscriberFactory.create_batch(subscribers)
        edition = new_edition()
        with CaptureQueriesContext(connection) as captured:
            plan = services.edition_start(edition_id=edition.pk)
        sql = statements(captured)
        inserts = [q for q in sql if q.startswith(f"INSERT INTO {DELIVERY}")]
        assert (
            len(inserts) == 1 and "SELECT" in inserts[0] and "ON CONFLICT DO NOTHING" in inserts[0]
        )
        assert not [q for q in sql if reads_rows_of(q, SUBSCRIBER)]
        assert plan.recipients == Subscriber.objects.confirmed().count()
        counts.append(len(sql))
    assert counts[0] == counts[1]


def test_the_insert_records_what_a_delivery_is_made_of():
    vision, audio = CategoryFactory.create(), CategoryFactory.create()
    plain = SubscriberFactory.create()
    matching = SubscriberFactory.create(interests=[vision])
    SubscriberFactory.create(interests=[audio])  # nothing for them in this edition
    SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    edition = make_edition(
        make_comparison(ToolFactory.create(category=vision), ToolFactory.create())
    )
    before = timezone.now()
    services.edition_start(edition_id=edition.pk)
    rows = list(Delivery.objects.order_by("subscriber_id"))
    assert [row.subscriber_id for row in rows] == [plain.pk, matching.pk]
    for row in rows:
        assert (row.edition_id, row.status, row.attempts, row.error) == (
            edition.pk,
            Delivery.Status.PENDING,
            0,
            "",
        )
        assert row.created_at >= before and row.queued_at is None and row.sent_at is None
    edition.refresh_from_db()
    assert edition.deliveries_recorded_at is not None
    # Again (a second beat, the sweep): nobody is recorded twice, the first time stays.
    recorded_at = edition.deliveries_recorded_at
    services.edition_start(edition_id=edition.pk)
    assert Delivery.objects.count() == 2
    edition.refresh_from_db()
    assert edition.deliveries_recorded_at == recorded_at


def test_the_batches_are_read_one_query_at_a_time_and_only_when_asked_for():
    SubscriberFactory.create_batch(250)
    edition = new_edition()
    plan = services.edition_start(edition_id=edition.pk)
    with CaptureQueriesContext(connection) as captured:
        batches = plan.batches
    assert not captured.captured_queries  # nothing read yet
    sizes = []
    with CaptureQueriesContext(connection) as captured:
        for batch in batches:
            sizes.append(len(batch))
    assert sizes == [100, 100, 50]
    sql = statements(captured)
    assert len(sql) == 3
    assert all(re.search(r"LIMIT 100\b", query) for query in sql)
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    assert [id_ for batch in plan.batches for id_ in batch] == ids


def test_starting_a_send_in_the_worker_never_holds_every_id(broker):
    """What the worker runs for a send, query by query: each read of deliveries is a count, an
    existence check or one batch (LIMIT 100); the subscribers are never read at all."""
    SubscriberFactory.create_batch(230)
    edition = new_edition()
    with CaptureQueriesContext(connection) as captured:
        result = tasks.send_edition.run(edition.pk)
    assert result == {"queued": 3, "recipients": 230}
    assert [len(args[1]) for name, args in broker] == [100, 100, 30]
    assert {name for name, _ in broker} == {"newsletter.send_batch"}
    for sql in statements(captured):
        assert not reads_rows_of(sql, SUBSCRIBER), sql
        if reads_rows_of(sql, DELIVERY):
            bounded = re.search(r"LIMIT (1|100)\b", sql) or re.search(r"COUNT\(", sql)
            assert bounded, sql


def test_the_sweep_reads_lost_batches_a_batch_at_a_time(broker):
    SubscriberFactory.create_batch(150)
    edition = new_edition()
    services.edition_start(edition_id=edition.pk)
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(hours=4))
    with CaptureQueriesContext(connection) as captured:
        assert services.newsletter_sweep().batches == 2
    assert [len(args[1]) for _, args in broker] == [100, 50]
    for sql in statements(captured):
        if reads_rows_of(sql, DELIVERY) and '"queued_at"' in sql:
            assert re.search(r"LIMIT 100\b", sql), sql


def test_retrying_an_editions_failed_deliveries_is_set_based(broker):
    counts = []
    for failed in (2, 40):
        edition = new_edition()
        for subscriber in SubscriberFactory.create_batch(failed):
            DeliveryFactory.create(
                edition=edition, subscriber=subscriber, status="failed", attempts=6
            )
        Edition.objects.filter(pk=edition.pk).update(
            status=Edition.Status.SENT,
            number=edition.pk,
            send_started_at=timezone.now(),
            deliveries_recorded_at=timezone.now(),
        )
        broker.clear()
        with CaptureQueriesContext(connection) as captured:
            assert services.edition_retry_failed(edition_id=edition.pk) == failed
        assert sum(len(args[1]) for _, args in broker) == failed
        assert set(Delivery.objects.filter(edition=edition).values_list("status", flat=True)) == {
            "pending"
        }
        edition.refresh_from_db()
        assert edition.status == Edition.Status.SENDING  # the batches send only while sending
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_sending_edition_whose_deliveries_are_not_recorded_is_never_finished(broker):
    SubscriberFactory.create_batch(2)
    edition = new_edition()
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENDING, number=1, send_started_at=timezone.now()
    )
    assert services.edition_finish(edition_id=edition.pk) is False
    assert services.newsletter_sweep().finished == 0
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


def test_the_sweep_starts_again_a_send_whose_start_was_lost(broker):
    SubscriberFactory.create_batch(2)
    edition = new_edition()
    recent = new_edition()
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENDING,
        number=1,
        send_started_at=timezone.now() - datetime.timedelta(hours=4),
    )
    Edition.objects.filter(pk=recent.pk).update(
        status=Edition.Status.SENDING, number=2, send_started_at=timezone.now()
    )
    assert services.newsletter_sweep().starts == 1  # the recent one's task may just be queued
    assert broker == [("newsletter.send_edition", (edition.pk,))]


def test_finishing_keeps_the_counts_the_page_shows():
    SubscriberFactory.create_batch(3)
    edition = new_edition()
    services.edition_start(edition_id=edition.pk)
    first, *others = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(status="failed")
    Delivery.objects.filter(pk__in=[d.pk for d in others]).update(status="sent")
    assert services.edition_finish(edition_id=edition.pk)
    edition.refresh_from_db()
    assert edition.delivery_counts == {"total": 3, "sent": 2, "failed": 1, "skipped": 0}
    progress = edition.progress()
    assert (progress.total, progress.sent, progress.failed, progress.pending) == (3, 2, 1, 0)


def test_the_migration_fills_in_what_editions_sent_before_it_lack():
    migration = importlib.import_module("newsletter.migrations.0004_admin_scale")
    edition = new_edition()
    started = timezone.now() - datetime.timedelta(days=3)
    for status in ("sent", "sent", "failed"):
        DeliveryFactory.create(
            edition=edition, subscriber=SubscriberFactory.create(), status=status
        )
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENT, number=1, send_started_at=started
    )
    draft = new_edition()
    migration.recorded_when_started(apps, None)
    migration.count_sent_editions(apps, None)
    edition.refresh_from_db()
    assert edition.deliveries_recorded_at == started
    assert edition.delivery_counts == {"total": 3, "sent": 2, "failed": 1, "skipped": 0}
    draft.refresh_from_db()
    assert (draft.deliveries_recorded_at, draft.delivery_counts) == (None, None)


def test_a_large_recording_refreshes_the_statistics_the_batches_are_planned_on(monkeypatch):
    from compsite.counting import planned_rows

    monkeypatch.setattr(sending, "ANALYZE_AFTER", 50)
    SubscriberFactory.create_batch(20)
    small = new_edition()
    services.edition_start(edition_id=small.pk)  # 20 rows: below the threshold
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE newsletter_delivery")
    SubscriberFactory.create_batch(60)
    large = new_edition()
    # Before: the statistics have never heard of the new edition.
    assert planned_rows(Delivery.objects.filter(edition=large)) <= 1
    services.edition_start(edition_id=large.pk)
    assert planned_rows(Delivery.objects.filter(edition=large)) == 80
