"""Telling shared caches that pages changed: HTTP ``PURGE`` with a ``Surrogate-Key`` header.

Every URL in ``CACHE_PURGE_URLS`` (the shipped Varnish maps the header to xkey, and Fastly
reads the same header) is sent the keys an edit or a vote touched, once its transaction has
committed. Purging never blocks a request and never fails one: the keys go to a thread in this
process, which sends them at once for an edit and at most every ``VOTE_DELAY`` seconds for votes
(a busy comparison is purged once per interval, whatever its vote rate). A cache that is down or
slow is logged; its pages then expire by their ``s-maxage`` (compsite/http_cache.py).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

VOTE_DELAY = 2.0  # seconds; readers see others' votes within this plus one render
TIMEOUT = 2.0  # seconds to wait for each cache to answer a purge
KEYS_PER_REQUEST = 200  # keeps each PURGE's header well under Varnish's limit


def enabled() -> bool:
    return bool(settings.CACHE_PURGE_URLS)


def after_commit(keys: Iterable[str], *, coalesce: bool = False) -> None:
    """Purge ``keys`` once the current transaction commits (at once outside one).

    ``coalesce`` for votes: they may wait a moment and share a purge with others."""
    keys = set(keys)
    if enabled() and keys:
        transaction.on_commit(lambda: _purger().submit(keys, coalesce=coalesce))


def send(keys: Iterable[str]) -> bool:
    """Purge ``keys`` from every cache now, in this thread. True when every cache confirmed."""
    ordered = sorted(set(keys))
    confirmed = True
    for start in range(0, len(ordered), KEYS_PER_REQUEST):
        header = " ".join(ordered[start : start + KEYS_PER_REQUEST])
        for url in settings.CACHE_PURGE_URLS:
            confirmed &= _purge(url, header)
    return confirmed


def _purge(url: str, keys: str) -> bool:
    request = urllib.request.Request(url, method="PURGE", headers={"Surrogate-Key": keys})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except (OSError, urllib.error.URLError) as error:  # HTTPError included: a 4xx/5xx answer
        logger.warning("purge of %r at %s failed: %s", keys, url, error)
        return False
    return True


class _Purger:
    """Keys waiting to be purged, and the thread that sends them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.urgent: set[str] = set()
        self.coalesced: set[str] = set()
        self.coalesced_due = 0.0
        self.thread = threading.Thread(target=self._run, name="cache-purge", daemon=True)
        self.thread.start()

    def submit(self, keys: set[str], *, coalesce: bool) -> None:
        with self.lock:
            if coalesce:
                if not self.coalesced:
                    self.coalesced_due = time.monotonic() + VOTE_DELAY
                self.coalesced |= keys
            else:
                self.urgent |= keys
        self.wake.set()

    def _take(self) -> tuple[set[str], float | None]:
        """What is due now, and how long until the rest is."""
        with self.lock:
            keys, self.urgent = self.urgent, set()
            wait = None
            if self.coalesced:
                wait = self.coalesced_due - time.monotonic()
                if wait <= 0:
                    keys |= self.coalesced
                    self.coalesced, wait = set(), None
            return keys, wait

    def _run(self) -> None:
        wait = None
        while True:
            self.wake.wait(timeout=wait)
            self.wake.clear()
            keys, wait = self._take()
            if keys:
                try:
                    send(keys)
                except Exception:  # never let the thread die: later purges still matter
                    logger.exception("purging %s failed", sorted(keys))


_state: dict[int, _Purger] = {}
_state_lock = threading.Lock()


def _purger() -> _Purger:
    """This process's purger: gunicorn forks its workers, and a thread does not survive a fork."""
    pid = os.getpid()
    with _state_lock:
        if pid not in _state:
            _state.clear()
            _state[pid] = _Purger()
        return _state[pid]
