"""The request's Redis budget (compsite/redis_budget.py) against a real redis-server frozen with
SIGSTOP: connections are accepted and nothing answers, so every call waits for its timeout.

Deadlines are checked generously (DEADLINE), as guards: what is asserted is how many attempts
were made and what was skipped, not how fast.
"""

import json
import os
import subprocess
import sys
import threading

import pytest
import redis
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client

from compsite import redis_budget
from compsite.celery import app as celery_app
from newsletter.services import queue
from tests.services import ROOT, fresh_broker_connections, private_redis

pytestmark = pytest.mark.processes

DEADLINE = 5.0  # seconds


@pytest.fixture
def frozen():
    """A private redis-server and a client already connected to it, to count connections."""
    with private_redis() as server:
        probe = redis.Redis.from_url(server.url)
        probe.ping()
        try:
            yield server, probe
        finally:
            server.thaw()
            probe.close()


def connections_received(probe: redis.Redis) -> int:
    return probe.info("stats")["total_connections_received"]


def within_deadline(call):
    """``call()``'s result; fails the test if it has not returned within DEADLINE."""
    outcome = {}

    def run():
        try:
            outcome["result"] = call()
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), f"no answer within {DEADLINE} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def in_a_request(call):
    """``call()`` inside a request's budget; also whether a Redis timeout was noted."""
    return redis_budget.RedisBudgetMiddleware(
        lambda request: (call(), redis_budget._budget.get().timed_out)
    )(HttpRequest())


@pytest.fixture
def broker_on():
    """Point the Celery app's broker at a URL (with production's settings otherwise)."""
    eager, url = celery_app.conf.task_always_eager, celery_app.conf.broker_url

    def point(to: str) -> None:
        celery_app.conf.task_always_eager = False
        # What conf.broker_url = to does (the stubs make that attribute read-only).
        celery_app.conf["broker_url"] = to
        fresh_broker_connections()

    yield point
    celery_app.conf.task_always_eager, celery_app.conf["broker_url"] = eager, url
    fresh_broker_connections()


def test_a_publish_in_a_request_makes_one_attempt_and_is_not_retried(frozen, broker_on):
    server, probe = frozen
    broker_on(server.url)  # no broker connection yet: the publish has to open one
    before = connections_received(probe)
    server.freeze()
    result = within_deadline(
        lambda: in_a_request(lambda: queue.enqueue(queue.SEND_CONFIRMATION, 1))
    )
    server.thaw()
    # Not queued, and the timeout is noted for the rest of the request.
    assert result == (False, True)
    # One connection: kombu's connect retries (4 s by default, even with retry=False) and
    # Celery's three publish retries would each have opened another.
    assert connections_received(probe) - before == 1


def test_after_one_timeout_a_request_skips_redis_and_the_next_request_tries_again(frozen, settings):
    server, _ = frozen
    # The cache (with production's options) on the frozen server; the broker stays up.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    server.freeze()
    for _ in range(2):  # each request starts with Redis allowed
        response = within_deadline(lambda: Client().get("/healthz"))
        report = json.loads(response.content)
        assert response.status_code == 503
        assert report["cache"].startswith("TimeoutError: Timeout")
        assert report["broker"] == (
            "RedisSkipped: not tried: Redis timed out earlier in this request"
        )


def test_outside_a_request_redis_is_never_skipped(frozen, settings):
    # The worker, beat and commands wait for Redis each time, however often it times out.
    server, _ = frozen
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    server.freeze()
    for _ in range(2):
        with pytest.raises(redis.exceptions.TimeoutError) as raised:
            within_deadline(lambda: cache.get("anything"))
        assert not isinstance(raised.value, redis_budget.RedisSkipped)


def test_beat_waits_for_redis_as_long_as_it_takes_and_retries_publishes():
    """beat_init (sent before beat's first publish) switches to the worker's patient settings;
    the running worker's are checked in tests/newsletter/test_worker.py."""
    shown = subprocess.run(
        [sys.executable, "-c", BEAT_INIT],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "compsite.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    before, after = (json.loads(line) for line in shown.splitlines())
    assert before == {"socket_timeout": 0.5, "max_retries": 0, "retry": False}
    assert after == {"socket_timeout": None, "max_retries": None, "retry": True}


BEAT_INIT = """
import json
import django
django.setup()
from celery import signals
from compsite.celery import app

def show():
    options = app.conf.broker_transport_options
    print(json.dumps({"socket_timeout": options["socket_timeout"],
                      "max_retries": options["max_retries"], "retry": app.conf.task_publish_retry}))

show()
signals.beat_init.send(sender=None)
show()
"""
