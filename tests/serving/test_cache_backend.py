"""The Redis cache's counter, which every rate-limited request uses (real Redis)."""

import threading

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _redis_cache(settings):
    assert settings.CACHES["default"]["BACKEND"] == "compsite.cache.RedisCache"


def test_incr_counts_an_existing_key_and_keeps_its_expiry():
    cache.set("hits", 5, 120)
    assert cache.incr("hits") == 6
    assert cache.incr("hits", 10) == 16
    assert cache.get("hits") == 16
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_and_validate_key("hits")) <= 120


def test_incr_of_a_missing_key_raises_and_creates_nothing():
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    assert cache.get("never-set") is None


def test_concurrent_increments_are_all_counted():
    cache.set("shared", 0, 60)
    threads = [
        threading.Thread(target=lambda: [cache.incr("shared") for _ in range(50)]) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("shared") == 400
