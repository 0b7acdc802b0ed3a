"""Django's Redis cache, with one client per pool and a one-round-trip counter.

Django's RedisCacheClient builds a new ``redis.Redis`` object for every cache call; building one
fills its command-callback table, which `make bench` showed costing more than the round trip
itself (about 0.16 ms a call). A client over a pool is safe to share between threads, and
redis-py's pool already resets itself in a forked process.

Its ``incr`` asks EXISTS and then INCR: two round trips, and a key expiring between them comes
back without its expiry. Every rate-limited request pays for ``incr``, so here it is one Lua
script, atomic in Redis.
"""

from __future__ import annotations

import logging

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.commands.core import Script

from compsite import redis_budget

logger = logging.getLogger(__name__)

# INCRBY only an existing key (``cache.incr`` must not create one); nil when it is missing.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, pool_class=None, **options) -> None:
        # The request's Redis budget (compsite/redis_budget.py): connections note timeouts...
        pool_class = pool_class or redis_budget.ConnectionPool
        super().__init__(servers, pool_class=pool_class, **options)
        self._clients: dict[int, redis.Redis] = {}
        self._incr_scripts: dict[int, Script] = {}

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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
