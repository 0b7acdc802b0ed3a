"""The whole path on real parts: Redis as broker, ``celery -A compsite worker`` processes, an SMTP
server (aiosmtpd) on a local port, and the test database, which the workers share (hence
transactional tests: the data must be committed for them to see it).
"""

import io
import re
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from compsite.celery import app as celery_app
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.conftest import behind_the_proxy
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.smtp_sink import start_sink
from tests.newsletter.workers import Worker, purge_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

EDITION_SUBJECT = "Weekly AI Tool Verdicts:"


@pytest.fixture
def smtp():
    sink, controller = start_sink()
    yield sink
    controller.stop()


@pytest.fixture
def workers(tmp_path, smtp) -> Iterator[Callable[..., Worker]]:
    purge_broker()
    started: list[Worker] = []

    def start(name: str, concurrency: int = 2) -> Worker:
        worker = Worker(name, tmp_path, smtp.port, concurrency=concurrency)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    purge_broker()


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_sign_up_confirm_and_send_through_a_real_worker_and_smtp_server(workers, smtp):
    worker = workers("e2e")
    comparison = make_comparison(
        ToolFactory.create(name="ChatGPT"), ToolFactory.create(name="Claude")
    )
    reader = Client(headers=behind_the_proxy())
    addresses = ["ada@example.com", "grace@example.com", "linus@example.com"]
    for address in addresses:
        response = reader.post(
            "/newsletter/subscribe/", {"email": address, "next": comparison.get_absolute_url()}
        )
        assert response.status_code == 303

    # The worker sends one confirmation per address.
    wait_for(lambda: smtp.count() >= 3, [worker], "three confirmation emails")
    confirmations = dict(smtp.messages("Confirm your subscription"))
    assert set(confirmations) == set(addresses)
    for message in confirmations.values():
        assert message["List-Unsubscribe"] is None
        assert "<style" not in message.get_body(("html",)).get_content().lower()

    # Two of the three confirm: a GET (as a mail scanner would) changes nothing, the POST does.
    for address in addresses[:2]:
        text = confirmations[address].get_body(("plain",)).get_content()
        [url] = re.findall(r"http\S+/newsletter/confirm/\S+/", text)
        assert reader.get(path_of(url)).status_code == 200
        assert Subscriber.objects.get(email=address).status == Subscriber.Status.PENDING
        assert reader.post(path_of(url)).status_code == 200
        assert Subscriber.objects.get(email=address).status == Subscriber.Status.CONFIRMED
    wait_for(lambda: len(smtp.messages("Welcome to")) == 2, [worker], "two welcome emails")
    for _, welcome in smtp.messages("Welcome to"):
        assert welcome["List-Unsubscribe"] is None

    out = io.StringIO()
    call_command("send_weekly_edition", stdout=out)
    assert "queued on the worker" in out.getvalue()
    wait_for(
        lambda: Edition.objects.filter(status=Edition.Status.SENT).exists(),
        [worker],
        "the edition to be sent",
    )

    editions = smtp.messages(EDITION_SUBJECT)
    assert Counter(address for address, _ in editions) == {
        "ada@example.com": 1,
        "grace@example.com": 1,
    }
    for address, message in editions:
        subscriber = Subscriber.objects.get(email=address)
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "ChatGPT vs Claude" in text and "ChatGPT vs Claude" in html
        assert "<style" not in html.lower()
        assert message["Subject"] == "Weekly AI Tool Verdicts: ChatGPT vs Claude"
        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe == f"<http://127.0.0.1:8000{subscriber.unsubscribe_url()}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"].startswith("Weekly AI Tool Verdicts <weekly.")

    # On the wire the header is the URL itself, not an RFC 2047 encoded word.
    raw = [item.data for item in smtp.received if b"List-Unsubscribe:" in item.data]
    assert len(raw) == 2
    for data in raw:
        assert b"\r\nList-Unsubscribe: <http://127.0.0.1:8000/newsletter/unsubscribe/" in data
        assert b"=?utf-8?" not in data

    # The mail client's one-click unsubscribe, from the header: no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    address, message = editions[0]
    response = mail_client.post(
        path_of(message["List-Unsubscribe"].strip("<>")),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email=address).status == Subscriber.Status.UNSUBSCRIBED


def test_killed_worker_mid_send_every_subscriber_gets_the_edition_once(
    workers, smtp, capsys, request
):
    """SIGKILL the worker while the edition goes out; another worker finishes the job."""
    subscribers = SubscriberFactory.create_batch(300)
    make_comparison(ToolFactory.create(), ToolFactory.create())
    # The server takes each message in, then takes 20 ms to say so, like a busy real one: the
    # kill lands mid-batch, most likely while a message is in flight (received by the server,
    # not yet known to the worker, which will therefore send it again).
    smtp.delay = 0.02
    first = workers("first", concurrency=2)
    call_command("send_weekly_edition", stdout=io.StringIO())

    wait_for(lambda: smtp.count() >= 100, [first], "100 messages before the kill")
    first.kill()
    at_kill = smtp.count()
    pending_at_kill = set(
        Delivery.objects.filter(status=Delivery.Status.PENDING).values_list(
            "subscriber__email", flat=True
        )
    )
    sent_at_kill = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    assert at_kill < 300, "the worker finished before it could be killed"
    assert pending_at_kill
    # Received by the server, not marked sent: the messages in flight when the worker died.
    in_flight = at_kill - sent_at_kill

    second = workers("second", concurrency=2)
    wait_for(
        lambda: Edition.objects.filter(status=Edition.Status.SENT).exists(),
        [second],
        "the second worker to finish the edition",
    )

    deliveries = Counter(Delivery.objects.values_list("subscriber_id", "status"))
    assert deliveries == {(subscriber.pk, Delivery.Status.SENT): 1 for subscriber in subscribers}
    counts = smtp.per_address(EDITION_SUBJECT)
    assert set(counts) == {subscriber.email for subscriber in subscribers}
    duplicated = {address: count for address, count in counts.items() if count > 1}
    extra = sum(count - 1 for count in duplicated.values())
    # Only a message in flight when the worker died can arrive twice: one per pool process at
    # most. A delivery marked sent is never sent again.
    assert extra <= 2
    assert all(count <= 2 for count in counts.values())
    assert set(duplicated) <= pending_at_kill

    report = (
        f"crash test: {len(subscribers)} confirmed subscribers; when the worker was killed "
        f"{at_kill} messages in the sink, {sent_at_kill} deliveries marked sent "
        f"({in_flight} in flight), {len(pending_at_kill)} pending; "
        f"{sum(counts.values())} messages in the sink at the end; {extra} duplicate(s) "
        f"{sorted(duplicated.items())}; deliveries sent "
        f"{Delivery.objects.filter(status=Delivery.Status.SENT).count()}, failed "
        f"{Delivery.objects.filter(status=Delivery.Status.FAILED).count()}"
    )
    request.node.add_report_section("call", "crash counts", report)
    with capsys.disabled():
        print(f"\n{report}")


def test_the_worker_waits_for_redis_as_long_as_it_takes_and_retries_publishes(workers):
    """Settings give the web process its short Redis budget; a worker keeps the patient ones."""
    worker = workers("patient", concurrency=1)
    inspect = celery_app.control.inspect(destination=[f"patient@{socket.gethostname()}"], timeout=1)
    wait_for(lambda: inspect.ping(), [worker], "the worker to answer")
    [conf] = inspect.conf(with_defaults=True).values()
    options = conf["broker_transport_options"]
    assert (options["socket_timeout"], options["socket_connect_timeout"]) == (None, 5)
    assert options["max_retries"] is None  # kombu retries connecting
    assert conf["task_publish_retry"] is True
