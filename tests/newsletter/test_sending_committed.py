"""``test_sending.py``'s tests again, committed for real, as in a worker.

Inside a test's transaction each delivery's claim (``transaction.atomic()`` around ``SELECT … FOR
UPDATE SKIP LOCKED``) is a savepoint; a worker runs outside any transaction, where each claim is a
transaction of its own, committed when the delivery's outcome is recorded: these tests take that
path. ``test_worker.py`` takes it too, through real worker processes.
"""

import pytest
from django.db import connection
from psycopg.pq import TransactionStatus

from newsletter import emails, services
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.test_sending import (  # noqa: F401 - collected and run here too
    SUBJECT,
    edition,
    test_a_rerun_while_sending_adds_newly_confirmed_subscribers_and_repeats_nobody,
    test_a_second_beat_a_rerun_and_a_retried_batch_send_nobody_twice,
    test_an_address_refused_for_good_fails_at_once_bounces_and_blocks_nobody,
    test_an_address_sent_the_email_packages_way_gets_the_same_message,
    test_an_error_mid_batch_rolls_back_only_the_claim_in_hand,
    test_an_unreachable_smtp_server_fails_the_deliveries_with_the_error,
    test_each_confirmed_subscriber_gets_one_message_over_one_connection_per_batch,
    test_holding_an_edition_mid_send_stops_its_batches,
    test_subscriber_who_leaves_before_their_turn_is_skipped,
    test_temporary_smtp_errors_are_retried_until_the_message_goes,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("breaks", [False, True])
def test_a_batch_leaves_no_transaction_open(eager, sink, edition, monkeypatch, breaks):  # noqa: F811
    subscribers = SubscriberFactory.create_batch(3)
    plan = services.edition_start(edition_id=edition.pk)
    if breaks:
        monkeypatch.setattr(
            emails.EditionCopies, "message", lambda *args, **kwargs: 1 / 0, raising=True
        )
        with pytest.raises(ZeroDivisionError):
            services.deliveries_send(edition_id=edition.pk, delivery_ids=next(plan.batches))
    else:
        result = services.deliveries_send(edition_id=edition.pk, delivery_ids=next(plan.batches))
        assert result.sent == len(subscribers)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert not connection.in_atomic_block
