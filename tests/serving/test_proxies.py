"""Who the site believes, on the real stack: gunicorn from gunicorn.conf.py, Caddy from the
repository's Caddyfile, Postgres and Redis.

Forwarded headers count only from the proxies (FORWARDED_ALLOW_IPS, 127.0.0.1 here), so a client
is the rightmost X-Forwarded-For address that is not a proxy's. 127.0.0.1 is where the proxies
connect from; 127.0.0.2 and 127.0.0.3 are readers, or somebody who reached gunicorn directly.
"""

import gzip
import http.client
import itertools
import random
from contextlib import ExitStack, contextmanager
from email.message import Message
from urllib.parse import urlsplit

import psycopg
import pytest
import zstandard
from bs4 import BeautifulSoup

from tests.html import attr
from tests.services import (
    CADDYFILE,
    Browser,
    Server,
    caddy,
    free_port,
    gunicorn,
    own_database,
    prepare_site,
    private_redis,
    run_django,
    site_env,
    varnish,
)

pytestmark = pytest.mark.processes

SLUG = "smolvlm2-vs-smolvlm2-2b"
EDITOR, PASSWORD = "editor@example.com", "the-right-passphrase-472"
# gunicorn reached from the proxy's address, as the TLS proxy reaches it.
BEHIND_THE_PROXY = {"X-Forwarded-Proto": "https"}
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def prepared():
    with own_database("aitv_proxies") as database, private_redis() as redis:
        prepare_site(site_env(database, redis.url))
        run_django(
            site_env(database, redis.url),
            "from django.contrib.auth.models import Group, User\n"
            f"user = User.objects.create_user({EDITOR!r}, {EDITOR!r}, {PASSWORD!r}, is_staff=True)\n"
            "user.groups.add(Group.objects.get(name='Editors'))\n",
        )
        yield database, redis


@pytest.fixture
def stack(prepared):
    """A clean start for each test: no counters, cached pages or sign-in records."""
    database, redis = prepared
    redis.flush()
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DELETE FROM axes_accessattempt")
        conn.execute("DELETE FROM newsletter_subscriber")
    return Stack(database, redis.url)


class Stack:
    def __init__(self, database: str, redis: str) -> None:
        self.database, self.redis = database, redis

    def env(self, site: str, **overrides: str) -> dict[str, str]:
        return site_env(self.database, self.redis, SITE_URL=site, **overrides)

    def proxied(self, **overrides: str):
        """The shipped chain's first hop: Caddy with the Caddyfile (TLS) in front of gunicorn."""
        app, front = free_port(), free_port()
        address = f"https://127.0.0.1:{front}"
        return chain(
            gunicorn(self.env(address, **overrides), app),
            caddy(CADDYFILE, proxy_env(address, f"127.0.0.1:{app}"), address),
        )

    def two_hops(self, **overrides: str):
        """The shipped stack: Caddy (TLS, the Caddyfile) → Varnish (deploy/varnish/) → gunicorn.
        Varnish appends the address it was reached from (Caddy's) to X-Forwarded-For."""
        app, middle, front = free_port(), free_port(), free_port()
        address = f"https://127.0.0.1:{front}"
        return chain(
            gunicorn(self.env(address, **overrides), app),
            varnish(app, port=middle),
            caddy(CADDYFILE, proxy_env(address, f"127.0.0.1:{middle}"), address),
        )


def proxy_env(address: str, upstream: str) -> dict[str, str]:
    return {"PROXY_ADDRESS": address, "PROXY_UPSTREAM": upstream, "PROXY_BIND": "127.0.0.1"}


@contextmanager
def chain(*servers):
    """Servers started in order (the application first) and stopped in reverse; the front one
    is what the test talks to."""
    with ExitStack() as started:
        yield [started.enter_context(server) for server in servers][-1]


# --- 2: SCRIPT_NAME and friends change no page -------------------------------------------


def assert_links_at_the_site_root(html: str) -> None:
    """Links, forms, styles and scripts all point at the site's own root, as the site has it."""
    soup = BeautifulSoup(html, "html.parser")
    urls = [
        attr(tag, name)
        for name in ("href", "src", "action")
        for tag in soup.find_all(True, attrs={name: True})
    ]
    assert any(url.startswith("/compare/") for url in urls)
    for url in urls:
        assert not urlsplit(url).path.startswith(("/x/", "//")), url
        assert "evil.example" not in url, url


def poison_and_look(front: Browser, attacker: Browser, site: str) -> None:
    """The attack from the issue, then what the next reader gets. The header is ignored, so
    the prefixed address is no page of the site (a redirect to HTTPS for a client that is not
    the proxy, whose X-Forwarded-Proto counts for nothing)."""
    for prefix in ("/x", "//evil.example"):
        answer = attacker.get(f"{prefix}/compare/{SLUG}/", {"SCRIPT_NAME": prefix})
        assert answer.status in (301, 404), (prefix, answer.status)
    page = front.get(f"/compare/{SLUG}/")
    assert page.status == 200
    assert_links_at_the_site_root(page.body)
    link = BeautifulSoup(page.body, "html.parser").find("link", rel="canonical")
    assert link is not None, "no canonical link"
    canonical = attr(link, "href")
    assert canonical == f"{site}/compare/{SLUG}/"


@pytest.mark.parametrize("source", ["127.0.0.1", "127.0.0.2"], ids=["proxy-address", "anybody"])
def test_a_script_name_header_sent_to_gunicorn_changes_no_page(stack, source):
    port = free_port()
    with gunicorn(stack.env(f"https://127.0.0.1:{port}"), port) as app:
        poison_and_look(
            app.browser(headers=BEHIND_THE_PROXY),
            app.browser(source, BEHIND_THE_PROXY),
            f"https://127.0.0.1:{port}",
        )


def test_a_script_name_header_sent_through_the_proxy_changes_no_page(stack):
    with stack.proxied() as proxy:
        poison_and_look(proxy.browser("127.0.0.3"), proxy.browser("127.0.0.2"), proxy.base)


def test_forwarded_proto_from_anybody_but_the_proxy_is_ignored(stack):
    port = free_port()
    with gunicorn(stack.env(f"https://127.0.0.1:{port}"), port) as app:
        assert app.browser("127.0.0.1", BEHIND_THE_PROXY).get("/tools/").status == 200
        redirected = app.browser("127.0.0.2", BEHIND_THE_PROXY).get("/tools/")
        assert redirected.status == 301
        assert redirected.headers["Location"] == f"https://127.0.0.1:{port}/tools/"


# --- 3 and 11: the address that rate limits and the sign-in lockout count -----------------


def vote(browser: Browser) -> int:
    # The form carries no token: the browser's Origin header is what the site checks.
    return browser.post(f"/compare/{SLUG}/vote/", {"tool": "smolvlm2"}).status


def sign_up(browser: Browser) -> int:
    email = f"reader-{random.randrange(10**9)}@example.com"
    return browser.post("/newsletter/subscribe/", {"email": email}).status


def sign_in(browser: Browser, username: str, password: str) -> int:
    token = browser.get("/admin/login/?next=/admin/").csrf_token()
    form = {"username": username, "password": password, "next": "/admin/",
            "csrfmiddlewaretoken": token}  # fmt: skip
    return browser.post("/admin/login/?next=/admin/", form).status


def spoofing(server: Server, source: str = "127.0.0.2") -> Browser:
    """A new visitor (no cookies) from ``source`` that claims a new address every time."""
    return server.browser(source, {"X-Forwarded-For": next(_addresses)})


def test_a_direct_client_that_forges_forwarded_for_is_counted_as_itself(stack):
    port = free_port()
    # Rates per day: a counting window that ends during the test would start the count again.
    env = stack.env(f"https://127.0.0.1:{port}", VOTE_RATE="5/d", SIGNUP_RATE="3/d")
    # gunicorn speaks TLS itself here, so requests reach the views as a browser's would.
    with gunicorn(env, port, tls=True) as app:
        votes = [vote(spoofing(app)) for _ in range(12)]
        assert votes == [303] * 5 + [429] * 7
        sign_ups = [sign_up(spoofing(app)) for _ in range(8)]
        assert sign_ups == [303] * 3 + [429] * 5


def test_the_lockout_holds_against_a_guesser_who_forges_forwarded_for(stack):
    port = free_port()
    with gunicorn(stack.env(f"https://127.0.0.1:{port}"), port, tls=True) as app:
        guesses = [sign_in(spoofing(app), EDITOR, "wrong-guess") for _ in range(8)]
        assert guesses == [200] * 4 + [429] * 4  # the fifth failure locks: AXES_FAILURE_LIMIT
        assert sign_in(spoofing(app), EDITOR, PASSWORD) == 429
        assert sign_in(app.browser("127.0.0.3"), EDITOR, PASSWORD) == 302


def test_one_address_trying_many_usernames_is_stopped(stack):
    port = free_port()
    with gunicorn(stack.env(f"https://127.0.0.1:{port}"), port, tls=True) as app:
        guesses = [
            sign_in(app.browser("127.0.0.2"), f"nobody-{n}@example.com", "guess") for n in range(15)
        ]
        # Each username is tried once, far below its own limit; the address's limit stops it.
        assert guesses == [200] * 9 + [429] * 6
        assert sign_in(app.browser("127.0.0.2"), EDITOR, PASSWORD) == 429
        assert sign_in(app.browser("127.0.0.3"), EDITOR, PASSWORD) == 302


def test_behind_two_proxies_two_readers_are_two_clients(stack):
    with stack.two_hops(VOTE_RATE="3/d") as proxy:
        assert [vote(proxy.browser("127.0.0.2")) for _ in range(4)] == [303, 303, 303, 429]
        assert vote(proxy.browser("127.0.0.3")) == 303

        guesses = [sign_in(proxy.browser("127.0.0.2"), EDITOR, "wrong-guess") for _ in range(5)]
        assert guesses == [200] * 4 + [429]
        assert sign_in(proxy.browser("127.0.0.3"), EDITOR, PASSWORD) == 302


# --- 9: slow clients hold the proxy, never a gunicorn worker ------------------------------


def test_slow_clients_through_the_proxy_leave_the_workers_free(stack):
    with stack.proxied(WEB_CONCURRENCY="2") as proxy:
        host = urlsplit(proxy.base).netloc
        # A sign-up that passes the CSRF origin check and has a token cookie, so Django goes on
        # to read its body; half stop sending in the headers, half in the body.
        request = (
            f"POST /newsletter/subscribe/ HTTP/1.1\r\nHost: {host}\r\nOrigin: {proxy.base}\r\n"
            f"Cookie: csrftoken={'a' * 32}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 1000\r\n"
        )
        slow = [
            slow_client(proxy, request + ("\r\nemail=a" if n % 2 else "X-Slow: 1"))
            for n in range(8)  # four times the workers
        ]
        try:
            # A worker stuck in a slow request holds it until gunicorn's 30 s timeout.
            connection = Browser(proxy.base, "127.0.0.3").connect(timeout=10)
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
        finally:
            for connection in slow:
                connection.close()


def slow_client(server: Server, start: str) -> http.client.HTTPConnection:
    """A connection from 127.0.0.2 that sent ``start`` of a request and nothing more."""
    connection = Browser(server.base, "127.0.0.2").connect(timeout=30)
    connection.connect()
    connection.sock.sendall(start.encode())
    return connection


# --- Compression: text goes out zstd- or gzip-compressed to clients that ask ----------------


def raw_get(browser: Browser, path: str, encoding: str | None) -> tuple[Message, bytes]:
    """A GET asking for ``encoding`` (none: identity); the headers and the body as sent."""
    connection = browser.connect()
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding or "identity"})
        response = connection.getresponse()
        return response.headers, response.read()
    finally:
        connection.close()


DECODERS = {
    "zstd": lambda body: zstandard.ZstdDecompressor().decompressobj().decompress(body),
    "gzip": gzip.decompress,
}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/feeds/comparisons/", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/sitemap-tools.xml", "application/xml"),
        (f"/compare/{SLUG}.json", "application/json"),
        ("/data/tools.jsonl", "application/jsonl"),  # streamed
        ("/data/comparisons.csv", "text/csv"),
    ],
)
def test_the_proxy_compresses_text_for_clients_that_ask(stack, path, content_type):
    with stack.proxied() as proxy:
        browser = proxy.browser()
        headers, plain = raw_get(browser, path, None)
        assert headers["Content-Type"].startswith(content_type)
        assert "Content-Encoding" not in headers
        for encoding, decode in DECODERS.items():
            headers, body = raw_get(browser, path, f"{encoding}, br;q=0.5")
            assert headers.get("Content-Encoding") == encoding, (path, headers)
            assert "Accept-Encoding" in ", ".join(headers.get_all("Vary"))
            assert len(body) < len(plain)
            decoded = decode(body)
            if content_type == "text/html":  # each page has a CSRF token of its own
                assert decoded.startswith(b"<!doctype html>") and decoded.endswith(b"</html>\n")
            else:
                assert decoded == plain
        # zstd is preferred when a client takes both.
        headers, _ = raw_get(browser, path, "gzip, zstd")
        assert headers.get("Content-Encoding") == "zstd"
