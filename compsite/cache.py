"""Django's Redis cache, with one client per pool, a one-round-trip counter, and watched keys.

Django's RedisCacheClient builds a new ``redis.Redis`` object for every cache call; building one
fills its command-callback table, which `make bench` showed costing more than the round trip
itself (about 0.16 ms a call). A client over a pool is safe to share between threads, and
redis-py's pool already resets itself in a forked process.

Its ``incr`` asks EXISTS and then INCR: two round trips, and a key expiring between them comes
back without its expiry. Every rate-limited request pays for ``incr``, so here it is one Lua
script, atomic in Redis.

Watched keys are small values read on every request (the page cache's versions): a process
remembers what it read and forgets a key when a writer announces a change on a Redis channel that
every process subscribes to, so most reads cost no round trip at all (see ``_Watch``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property

from compsite import redis_budget

logger = logging.getLogger(__name__)

# INCRBY only an existing key (``cache.incr`` must not create one); nil when it is missing.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""
CHANGES_CHANNEL = "watched-key-changes"
TRUSTED_FOR = 10.0  # seconds a remembered value is served without asking Redis again
RETRY_AFTER = 1.0  # seconds between attempts to subscribe while Redis is unreachable


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, pool_class=None, **options) -> None:
        # The request's Redis budget (compsite/redis_budget.py): connections note timeouts...
        pool_class = pool_class or redis_budget.ConnectionPool
        super().__init__(servers, pool_class=pool_class, **options)
        self._clients = {}
        self._incr_scripts = {}

    def get_client(self, key=None, *, write=False):
        redis_budget.check()  # ...and after one, this request calls Redis no more
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:
            script = self._incr_scripts[id(client)] = client.register_script(_INCR_EXISTING)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many_and_publish(self, data: dict, channel: str, message: str) -> None:
        """Set ``data`` without expiry and publish ``message``, in one MULTI/EXEC."""
        pipeline = self.get_client(None, write=True).pipeline(transaction=True)
        pipeline.mset({key: self._serializer.dumps(value) for key, value in data.items()})
        pipeline.publish(channel, message)
        pipeline.execute()


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    @cached_property
    def _watch(self) -> _Watch:
        return _Watch(self)

    def get_many_watched(self, keys: list[str]) -> dict:
        """``get_many`` for keys written with ``set_many_announced``: what this process read
        before is served from memory until some process announces a change to it."""
        return self._watch.get_many(keys)

    def set_many_announced(self, data: dict) -> None:
        """``set_many`` without expiry, announced to every process that watches the keys."""
        self._watch.forget(data)
        self._cache.set_many_and_publish(
            {self.make_and_validate_key(key): value for key, value in data.items()},
            self.make_and_validate_key(CHANGES_CHANNEL),
            "\n".join(data),
        )


class _Watch:
    """Values of watched keys this process knows to be current.

    The announcement of a change leaves Redis in the same event-loop turn as the writer's own
    reply, and every read drains the announcements waiting on the subscription first (a poll, no
    round trip): a request that starts after the writing request has finished sees the change.
    What could make a remembered value wrong costs seconds, never longer: values are trusted for
    ``TRUSTED_FOR`` seconds, and all are forgotten when the subscription fails or reconnects
    (a restarted Redis). Without a working subscription every read goes to Redis, as before.
    """

    def __init__(self, cache: RedisCache) -> None:
        self.cache = cache
        self.lock = threading.Lock()  # the subscription is one connection; runserver threads
        self._reset()

    def _reset(self) -> None:
        self.pid = os.getpid()
        self.pubsub = None
        self.values: dict[str, tuple[object, float]] = {}
        self.retry_at = 0.0

    def get_many(self, keys: list[str]) -> dict:
        with self.lock:
            watching = self._subscribed() and self._drained()
            now = time.monotonic()
            found = {}
            for key in keys:
                remembered = self.values.get(key)
                if remembered is not None and remembered[1] > now:
                    found[key] = remembered[0]
        if missing := [key for key in keys if key not in found]:
            fetched = self.cache.get_many(missing)
            found |= fetched
            if watching:
                with self.lock:
                    until = time.monotonic() + TRUSTED_FOR
                    self.values |= {key: (value, until) for key, value in fetched.items()}
        return found

    def forget(self, keys) -> None:
        with self.lock:
            for key in keys:
                self.values.pop(key, None)

    def _forget_all(self, connection=None) -> None:
        # Also redis-py's connect callback: a reconnected subscription may have missed changes.
        self.values.clear()

    def _subscribed(self) -> bool:
        if self.pid != os.getpid():
            self._reset()  # a forked child: the parent's connection is not ours to read
        if self.pubsub is not None:
            return True
        if time.monotonic() < self.retry_at:
            return False
        pubsub = None
        try:
            client = self.cache._cache.get_client(write=False)
            pubsub = client.pubsub()
            pubsub.subscribe(self.cache.make_and_validate_key(CHANGES_CHANNEL))
            # Wait for Redis to confirm: only then are later changes certain to be announced.
            confirmation = pubsub.get_message(timeout=settings.REDIS_TIMEOUT)
            if not confirmation or confirmation["type"] != "subscribe":
                raise ConnectionError(f"no subscription confirmation: {confirmation!r}")
            pubsub.connection.register_connect_callback(self._forget_all)
        except Exception as error:
            logger.warning("watched keys: cannot subscribe (%r), reading Redis each time", error)
            if pubsub is not None:
                with contextlib.suppress(Exception):
                    pubsub.close()
            self.retry_at = time.monotonic() + RETRY_AFTER
            return False
        self.pubsub = pubsub
        self._forget_all()
        return True

    def _drained(self) -> bool:
        try:
            while (message := self.pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    for key in message["data"].decode().split("\n"):
                        self.values.pop(key, None)
        except Exception as error:
            logger.warning("watched keys: subscription lost (%r), reading Redis again", error)
            with contextlib.suppress(Exception):
                self.pubsub.close()
            self.pubsub = None
            self._forget_all()
            self.retry_at = time.monotonic() + RETRY_AFTER
            return False
        return True
