"""Redis gone (cache and broker: a private redis-server that the test stops): pages render,
votes are recorded, sign-ups are saved; queued work resumes when Redis returns."""

import datetime
import logging

import pytest
import redis
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comparisons.models import ComparisonEntry, Vote
from compsite.celery import app as celery_app
from newsletter import services
from newsletter.models import Subscriber
from tests.services import PrivateRedis, fresh_broker_connections

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

PAGES = [
    "/",
    "/compare/smolvlm2-vs-smolvlm2-2b/",
    "/tools/smolvlm2/",
    "/categories/",
    "/search/?q=smol",
]


@pytest.fixture
def outage(settings):
    """Cache and broker on one private Redis, as production shares one; restored afterwards."""
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "compsite.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = server.url
    celery_app.conf.broker_connection_timeout = 1
    celery_app.conf.broker_connection_retry = False
    celery_app.conf.broker_connection_max_retries = 0
    fresh_broker_connections()
    try:
        yield server
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker
        fresh_broker_connections()
        server.stop()


def reader() -> Client:
    return Client(headers={"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"})


def test_the_site_keeps_working_without_redis_and_queued_work_resumes(outage, caplog):
    call_command("seed_demo", verbosity=0)
    visitor = reader()
    for path in PAGES:  # warm: these pages are now in the Redis cache
        assert visitor.get(path).status_code == 200

    outage.stop()
    with caplog.at_level(logging.WARNING):
        for path in PAGES:
            response = visitor.get(path)
            assert response.status_code == 200, path
        vote = visitor.post("/compare/smolvlm2-vs-smolvlm2-2b/vote/", {"tool": "smolvlm2"})
        signup = reader().post(
            "/newsletter/subscribe/", {"email": "outage@example.com", "next": "/"}
        )
    assert vote.status_code == 303
    assert Vote.objects.count() == 1
    assert (
        ComparisonEntry.objects.get(
            comparison__slug="smolvlm2-vs-smolvlm2-2b", tool__slug="smolvlm2"
        ).vote_count
        == 1
    )
    assert signup.status_code == 303
    subscriber = Subscriber.objects.get(email="outage@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert "rate limit vote skipped" in caplog.text

    # Redis returns (same port, empty, as after a restart): the sweep queues the sign-up that
    # could not be queued during the outage (the worker settles it and sends the confirmation).
    outage.start()
    fresh_broker_connections()
    later = timezone.now() + datetime.timedelta(minutes=10)
    result = services.newsletter_sweep(now=later)
    assert (result.sign_ups, result.confirmations) == (1, 0)
    queued = redis.Redis.from_url(outage.url).llen("celery")
    assert queued == 1
    for path in PAGES:  # and the cache is back in use
        assert visitor.get(path).status_code == 200
