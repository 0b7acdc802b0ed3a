"""With Redis gone the vote rate limit fails open: the vote is recorded, never a 500."""

import logging

import pytest
from django.core.cache import caches
from django.test import Client

from comparisons.models import ComparisonEntry, Vote
from tests.conftest import BROWSER_HEADERS
from tests.factories import ToolFactory, make_comparison
from tests.services import private_redis

pytestmark = [pytest.mark.django_db, pytest.mark.processes]


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_the_rate_limit_counts_in_redis_then_fails_open_when_redis_is_gone(settings, caplog):
    comparison = make_comparison(ToolFactory.create(slug="alpha"), ToolFactory.create(slug="bravo"))
    url = comparison.get_absolute_url() + "vote/"
    with private_redis() as redis:
        settings.CACHES = redis_cache(redis.url)
        settings.VOTE_RATE = "2/m"
        readers = [Client(headers=BROWSER_HEADERS) for _ in range(4)]
        assert readers[0].post(url, {"tool": "alpha"}).status_code == 303
        assert readers[1].post(url, {"tool": "alpha"}).status_code == 303
        # The limit is real while Redis is up...
        assert readers[2].post(url, {"tool": "alpha"}).status_code == 429
        # The counter lives in this Redis, under the cache's prefix.
        assert caches["default"]._cache.get_client().keys("outage-test:*")

        redis.stop()
        # ...and with Redis gone the vote still goes through, with a warning in the log.
        with caplog.at_level(logging.WARNING, logger="compsite.ratelimits"):
            response = readers[3].post(url, {"tool": "bravo"})
    assert response.status_code == 303
    assert "rate limit vote skipped: the cache is unavailable" in caplog.text
    assert Vote.objects.count() == 3
    assert dict(ComparisonEntry.objects.values_list("tool__slug", "vote_count")) == {
        "alpha": 2,
        "bravo": 1,
    }
