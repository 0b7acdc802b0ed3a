"""The purges that follow changes (compsite/purge.py): sent once a change commits, coalesced for
votes, and never holding up or failing the change when the cache hangs or is down. The tests
commit, as the site does, so each loads the demo content itself."""

import http.server
import logging
import threading
import time

import pytest
from django.core.management import call_command
from django.test import Client

from comparisons.models import Comparison, Tool
from tests.conftest import BROWSER_HEADERS

COMPARISON = "/compare/smolvlm2-vs-smolvlm2-2b/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


class _Cache(http.server.BaseHTTPRequestHandler):
    """A cache on loopback that records the PURGE requests it gets (or holds them, hanging)."""

    purged: list[set[str]]
    release: threading.Event

    def do_PURGE(self):
        self.release.wait(timeout=30)
        self.purged.append(set(self.headers["Surrogate-Key"].split()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_server(settings):
    handler = type("Cache", (_Cache,), {"purged": [], "release": threading.Event()})
    handler.release.set()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}/"]
    yield handler
    handler.release.set()
    server.shutdown()


def purged_keys(cache, seconds: float = 10) -> set[str]:
    deadline = time.monotonic() + seconds
    while not cache.purged:
        assert time.monotonic() < deadline, "no purge arrived"
        time.sleep(0.05)
    return set().union(*cache.purged)


@pytest.mark.django_db(transaction=True)
def test_an_edit_purges_the_keys_of_the_pages_that_show_it(demo, cache_server):
    tool = Tool.objects.get(slug="smolvlm2")
    cache_server.purged.clear()
    tool.tagline = "A new tagline"
    tool.save()
    keys = purged_keys(cache_server)
    assert {f"tool-{tool.pk}", "tools", "missing", f"category-{tool.category_id}-lists"} <= keys


@pytest.mark.django_db(transaction=True)
def test_votes_are_purged_together_after_a_moment(demo, cache_server):
    cache_server.purged.clear()
    comparison = Comparison.objects.get(slug="smolvlm2-vs-smolvlm2-2b")
    for _ in range(5):
        Client(headers=BROWSER_HEADERS).post(f"{COMPARISON}vote/", {"tool": "smolvlm2"})
    assert purged_keys(cache_server) == {f"comparison-{comparison.pk}", "votes"}
    time.sleep(3)
    assert len(cache_server.purged) == 1  # five votes, one purge


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_hangs_never_holds_up_an_edit(demo, cache_server, caplog):
    cache_server.release.clear()  # the cache accepts the purge and never answers
    tool = Tool.objects.get(slug="smolvlm2")
    with caplog.at_level(logging.WARNING, logger="compsite.purge"):
        tool.tagline = "Edited while the cache hangs"
        tool.save()  # returns: the purge waits in another thread
        answer = Client(headers=BROWSER_HEADERS).post(f"{COMPARISON}vote/", {"tool": "smolvlm2"})
        assert answer.status_code == 303
        deadline = time.monotonic() + 15
        while "purge of" not in caplog.text:
            assert time.monotonic() < deadline, "the hung purge was never logged"
            time.sleep(0.1)
    assert Tool.objects.get(pk=tool.pk).tagline == "Edited while the cache hangs"


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_is_down_never_fails_an_edit(demo, settings, caplog):
    from tests.services import free_port

    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nothing listens
    tool = Tool.objects.get(slug="smolvlm2")
    with caplog.at_level(logging.WARNING, logger="compsite.purge"):
        tool.tagline = "Edited while the cache is down"
        tool.save()
        deadline = time.monotonic() + 15
        while "purge of" not in caplog.text:
            assert time.monotonic() < deadline, "the failed purge was never logged"
            time.sleep(0.1)
