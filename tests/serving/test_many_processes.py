"""The page cache across real processes: gunicorn with several workers, each keeping its own
copies of pages and versions, must still show every vote and edit to the next request, whichever
worker answers it, also across a Redis restart that loses every key."""

import re

import pytest

from tests.services import Site, gunicorn_site, own_database, private_redis

SLUG = "smolvlm2-vs-smolvlm2-2b"


def vote(site: Site, tool: str) -> None:
    """A new reader: load the page (cookie and token), then post the form."""
    form = site.form(f"/compare/{SLUG}/")
    answer = site.request(f"/compare/{SLUG}/vote/", {"tool": tool}, form=form)
    assert answer.status == 303, answer.status


def shown_votes(html: str) -> int:
    return int(
        re.search(r'class="vote-total"><strong>([\d,]+) votes?', html).group(1).replace(",", "")
    )


@pytest.fixture
def site():
    with (
        own_database("aitv_processes") as database,
        private_redis() as redis,
        gunicorn_site(database, redis.url, workers=3) as served,
    ):
        yield served.site, redis
    # The restart is logged as a warning by each worker that noticed it; nothing worse.
    assert '"level": "ERROR"' not in served.output, served.output


def every_worker_shows(site: Site, check, loads: int = 12) -> None:
    """``loads`` fresh connections: gunicorn hands them to whichever worker is free."""
    for _ in range(loads):
        check(site.get(f"/compare/{SLUG}/"))


def test_votes_and_edits_show_on_the_next_request_whichever_worker_answers(site):
    site, redis = site
    start = shown_votes(site.get(f"/compare/{SLUG}/"))
    every_worker_shows(site, lambda html: None, loads=20)  # every worker holds the page now
    for cast in range(1, 16):
        vote(site, "smolvlm2" if cast % 2 else "smolvlm2-2b")
        every_worker_shows(site, lambda html, n=start + cast: assert_votes(html, n), loads=4)

    # An edit saved by another process entirely (the admin, a shell, a worker).
    site.run(
        "from comparisons.models import Tool\n"
        "tool = Tool.objects.get(slug='smolvlm2')\n"
        "tool.tagline = 'Edited from another process'\n"
        "tool.save()\n"
    )
    every_worker_shows(site, lambda html: assert_in("Edited from another process", html))

    # Redis restarts with nothing in it: every key and every subscription is gone.
    redis.stop()
    redis.start()
    vote(site, "smolvlm2")
    every_worker_shows(site, lambda html, n=start + 16: assert_votes(html, n))
    site.run(
        "from comparisons.models import Tool\n"
        "tool = Tool.objects.get(slug='smolvlm2')\n"
        "tool.tagline = 'Edited after the restart'\n"
        "tool.save()\n"
    )
    every_worker_shows(site, lambda html: assert_in("Edited after the restart", html))


def assert_votes(html: str, expected: int) -> None:
    assert shown_votes(html) == expected


def assert_in(text: str, html: str) -> None:
    assert text in html
