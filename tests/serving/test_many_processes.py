"""The page cache across real processes: gunicorn with several workers, each keeping its own
copies of pages and versions, must still show every vote and edit to the next request, whichever
worker answers it, also across a Redis restart that loses every key."""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest

from tests.services import free_port, private_redis

ROOT = Path(__file__).resolve().parents[2]
SLUG = "smolvlm2-vs-smolvlm2-2b"


def admin_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def database():
    """A database of its own, committed to, which the gunicorn workers and the test both use."""
    name = f"aitv_processes_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Site:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.base = env, f"http://127.0.0.1:{port}"

    def get(self, path: str, opener=None) -> str:
        request = urllib.request.Request(self.base + path, headers={"X-Forwarded-Proto": "https"})
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            assert response.status == 200
            return response.read().decode()

    def vote(self, tool: str) -> None:
        """A new reader: load the page (cookie and token), then post the form (no redirects)."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = self.get(f"/compare/{SLUG}/", opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        request = urllib.request.Request(
            f"{self.base}/compare/{SLUG}/vote/",
            data=urllib.parse.urlencode({"tool": tool, "csrfmiddlewaretoken": token}).encode(),
            headers={
                "X-Forwarded-Proto": "https",
                "Referer": f"https://{self.base.split('://')[1]}/compare/{SLUG}/",
                # The cookie is Secure (DEBUG off): a browser behind TLS sends it; urllib over
                # plain HTTP will not, so it goes in by hand.
                "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar),
            },
        )
        opener.add_handler(NoRedirect())
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            assert answer.code == 303, answer.code

    def run(self, code: str) -> None:
        """Django code in a process of its own (an editor's change made elsewhere)."""
        setup = "import django; django.setup()\n"
        subprocess.run(
            [sys.executable, "-c", setup + code],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "compsite.settings"},
            check=True,
            capture_output=True,
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def shown_votes(html: str) -> int:
    return int(
        re.search(r'class="vote-total"><strong>([\d,]+) votes?', html).group(1).replace(",", "")
    )


@pytest.fixture
def site(database):
    with private_redis() as redis:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k != "DEBUG"},
            "DATABASE_URL": database,
            "REDIS_URL": redis.url,
            "SECRET_KEY": "many-processes-test-secret-key-0123456789-abcdefghijklmnopqrstuv",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "WEB_CONCURRENCY": "3",
        }
        for command in (["migrate"], ["seed_demo"], ["collectstatic"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, *(["--noinput"] if command != ["seed_demo"] else [])],
                cwd=ROOT, env=env, check=True, capture_output=True,
            )  # fmt: skip
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        server = subprocess.Popen(
            [gunicorn, "compsite.wsgi", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        site = Site(env, port)
        deadline = time.monotonic() + 30
        while True:
            try:
                site.get("/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        try:
            yield site, redis
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
        # The restart is logged as a warning by each worker that noticed it; nothing worse.
        assert '"level": "ERROR"' not in output, output


def every_worker_shows(site: Site, check, loads: int = 12) -> None:
    """``loads`` fresh connections: gunicorn hands them to whichever worker is free."""
    for _ in range(loads):
        check(site.get(f"/compare/{SLUG}/"))


def test_votes_and_edits_show_on_the_next_request_whichever_worker_answers(site):
    site, redis = site
    start = shown_votes(site.get(f"/compare/{SLUG}/"))
    every_worker_shows(site, lambda html: None, loads=20)  # every worker holds the page now
    for cast in range(1, 16):
        site.vote("smolvlm2" if cast % 2 else "smolvlm2-2b")
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
    site.vote("smolvlm2")
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
