"""Real service processes that tests start and stop themselves: a redis-server, a database of
a test's own, and the site under gunicorn (the repository's gunicorn.conf.py) on both."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
from kombu import pools as kombu_pools

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def private_redis() -> Iterator["PrivateRedis"]:
    """A throwaway redis-server on a free port, so an outage hurts nobody else."""
    server = PrivateRedis()
    try:
        server.start()
        yield server
    finally:
        server.stop()


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the outage tests"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel does that), nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait(timeout=10)


def fresh_broker_connections() -> None:
    """Drop this process's pooled broker connections: the next publish connects afresh, with the
    Celery app's current settings."""
    from compsite.celery import app

    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _admin_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


@contextmanager
def own_database(prefix: str = "aitv_site") -> Iterator[str]:
    """A database of the test's own on the test server, committed to and shared by the
    processes it starts; its URL. Dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Form:
    """What a browser holds after loading a page with a form: its cookies and CSRF token."""

    page: str
    token: str
    cookies: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Site:
    """The site under gunicorn, spoken to over HTTP as the TLS proxy in front would."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.base = env, f"http://127.0.0.1:{port}"

    def request(
        self,
        path: str,
        data: dict | None = None,
        *,
        form: Form | None = None,
        timeout: float = 10,
        jar: CookieJar | None = None,
    ) -> Answer:
        """One request, redirects not followed; a POST when there is ``data``. Raises
        ``TimeoutError`` when no answer comes within ``timeout`` seconds."""
        headers = {"X-Forwarded-Proto": "https"}
        if form is not None:
            data = {**(data or {}), "csrfmiddlewaretoken": form.token}
            headers["Referer"] = f"https://{self.base.split('://')[1]}{form.page}"
            # The cookies are Secure (DEBUG off): a browser behind TLS sends them; urllib over
            # plain HTTP will not, so they go in by hand.
            headers["Cookie"] = form.cookies
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        handlers = [_NoRedirect()]
        if jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as answer:
                return Answer(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Answer(answer.code, dict(answer.headers), answer.read().decode())

    def get(self, path: str, jar: CookieJar | None = None) -> str:
        answer = self.request(path, jar=jar)
        assert answer.status == 200, (path, answer.status)
        return answer.body

    def form(self, path: str) -> Form:
        """Load ``path`` as a new visitor: the cookies it set and the token of its form."""
        jar = CookieJar()
        html = self.get(path, jar)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return Form(path, token, "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar))

    def run(self, code: str) -> str:
        """Django code in a process of its own (an editor's change made elsewhere, a worker's
        job); what it printed."""
        setup = "import django; django.setup()\n"
        return subprocess.run(
            [sys.executable, "-c", setup + code],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "compsite.settings"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@dataclass
class Served:
    site: Site
    output: str = ""  # gunicorn's output (its log and the site's), once it has stopped


@contextmanager
def gunicorn_site(database_url: str, redis_url: str, workers: int = 2) -> Iterator[Served]:
    """The site as production runs it: migrated, demo content, collected static files, then
    gunicorn with gunicorn.conf.py (DEBUG off) on a free port. ``output`` is filled in after
    gunicorn has stopped."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "gunicorn-site-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
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
    served = Served(Site(env, port))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                served.site.get("/healthz")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield served
    finally:
        server.terminate()
        try:
            served.output = server.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            served.output = server.communicate()[0]
