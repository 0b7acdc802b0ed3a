"""Each request's Redis budget: once one Redis call in a request has timed out, the rest of that
request does without Redis.

A Redis that hangs, rather than refusing connections, costs every call its whole timeout, and a
request may make several: the rate limit, the page cache, the version bump after a vote, the
publish of a task. Settings bound each call (half a second, no publish retries); this
bounds their sum. ``RedisBudgetMiddleware`` gives every request a fresh budget, the cache's
connections and ``spending()`` note a timeout in it, and from then on the cache client
(``compsite.cache``) and ``newsletter.services.enqueue`` raise ``RedisSkipped`` without calling
Redis. Callers already treat a Redis error as Redis being down: the page renders from the
database, the rate limit fails open, the sweep picks up a sign-up later.

Outside a request (the Celery worker, beat, management commands) there is no budget and nothing
is ever skipped.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

import redis


class RedisSkipped(redis.exceptions.ConnectionError):
    """Redis was not called: a call earlier in this request timed out."""


class _Budget:
    __slots__ = ("timed_out",)

    def __init__(self) -> None:
        self.timed_out = False


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "redis_budget", default=None
)


class RedisBudgetMiddleware:
    """First in MIDDLEWARE: every request starts with Redis allowed."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _budget.set(_Budget())
        try:
            return self.get_response(request)
        finally:
            _budget.reset(token)


def check() -> None:
    """Raise ``RedisSkipped`` if a Redis call earlier in this request timed out."""
    budget = _budget.get()
    if budget is not None and budget.timed_out:
        raise RedisSkipped("not tried: Redis timed out earlier in this request")


def note(error: BaseException) -> None:
    """If ``error`` is (or was caused by) a Redis timeout, skip Redis for the rest of the request."""
    budget = _budget.get()
    if budget is None:
        return
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, redis.exceptions.TimeoutError):
            budget.timed_out = True
            return
        seen.add(id(current))
        current = current.__cause__ or current.__context__  # kombu re-raises as its own errors


@contextmanager
def noting() -> Iterator[None]:
    """Around a Redis call: a timeout in it makes the rest of the request skip Redis."""
    try:
        yield
    except Exception as error:
        note(error)
        raise


@contextmanager
def spending() -> Iterator[None]:
    """Around a Redis call that is not the cache's (a publish): skipped after a timeout, noted."""
    check()
    with noting():
        yield


class ConnectionPool(redis.ConnectionPool):
    """redis-py's pool, its connections noting their timeouts in the request's budget."""

    def __init__(self, connection_class=redis.Connection, **kwargs) -> None:
        super().__init__(connection_class=_noting(connection_class), **kwargs)


@functools.cache
def _noting(connection_class: type) -> type:
    class Noting(connection_class):
        # Every way a redis-py connection meets the server: connecting (with its handshake),
        # sending a command, reading a reply.
        def connect(self, *args, **kwargs):
            with noting():
                return super().connect(*args, **kwargs)

        def send_packed_command(self, *args, **kwargs):
            with noting():
                return super().send_packed_command(*args, **kwargs)

        def read_response(self, *args, **kwargs):
            with noting():
                return super().read_response(*args, **kwargs)

    Noting.__name__ = Noting.__qualname__ = f"Noting{connection_class.__name__}"
    return Noting
