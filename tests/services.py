"""Real service processes that tests start and stop themselves: a redis-server, a Postgres
cluster, a database of a test's own, the site under gunicorn (the repository's gunicorn.conf.py) on both, and Caddy in
front of it (the repository's Caddyfile). Two clients: ``Site`` speaks to gunicorn as the TLS
proxy in front would; ``Browser`` speaks from any loopback address (127.0.0.2 is "somebody who
is not the proxy"), over TLS where the server has it."""

import glob
import http.client
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from kombu import pools as kombu_pools

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET_KEY = "real-processes-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    """A port nobody listens on, below the range the kernel takes outgoing connections' ports
    from: a connection made between this call and the server's start cannot take it."""
    lowest_ephemeral = _ephemeral_ports()[0]
    while True:
        port = random.randrange(10_000, max(lowest_ephemeral, 10_001))
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _ephemeral_ports() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


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
        assert self.process is not None, "the private redis-server was not started"
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait(timeout=10)

    def flush(self) -> None:
        """Forget every key (rate-limit counters, cached pages): it is this test's own server."""
        import redis

        client = redis.Redis(port=self.port)
        try:
            client.flushall()
        finally:
            client.close()


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL server's programs (Debian's postgresql package)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def as_postgres(*command: str) -> None:
    """A PostgreSQL program, run as the postgres user when we are root (initdb refuses root)."""
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


class PrivateCluster:
    """A throwaway Postgres cluster: initdb in a temporary folder, trust authentication, a free
    port on 127.0.0.1. ``remove()`` stops it and deletes the folder."""

    def __init__(self, database: str = "postgres", *, durable: bool = True) -> None:
        binaries = postgres_binaries()
        assert binaries is not None, "the PostgreSQL server programs are needed (postgresql)"
        self.bin = binaries
        self.port = free_port()
        self.database, self.durable = database, durable
        self.root = Path(tempfile.mkdtemp(prefix="pgprivate-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        if not self.durable:  # a test run's cluster: nothing in it must survive a crash
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        # -l: the server's output goes to a file, so nothing holds our pipes open.
        log = str(self.root / "server.log")
        as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"
        )

    def create_database(self) -> None:
        as_postgres(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            self.database,
        )  # fmt: skip

    def stop(self) -> None:
        as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
             str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def fresh_broker_connections() -> None:
    """Drop this process's pooled broker connections: the next publish connects afresh, with the
    Celery app's current settings."""
    from compsite.celery import app

    kombu_pools.reset()
    # Celery's private pools, dropped on purpose (its stubs do not declare them).
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


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


def site_env(database: str, redis: str, **overrides: str) -> dict[str, str]:
    """The production configuration (DEBUG off) for processes on ``database`` and ``redis``."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        **overrides,
    }


def prepare_site(env: dict[str, str]) -> None:
    """What a deploy does before gunicorn starts, plus the demo content."""
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def run_django(env: dict[str, str], code: str) -> str:
    """Django code in a process of its own (an editor's change made elsewhere); its output."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "compsite.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def csrf_token(self) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.body)
        assert token is not None, "no CSRF token on the page"
        return token.group(1)


@dataclass
class Form:
    """What a browser holds after loading a page with a form: its cookies and CSRF token."""

    page: str
    token: str  # "" for forms without one
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
        if data is not None or form is not None:
            headers["Origin"] = f"https://{self.base.split('://')[1]}"  # as browsers send
        if form is not None and form.token:
            data = {**(data or {}), "csrfmiddlewaretoken": form.token}
            headers["Referer"] = f"https://{self.base.split('://')[1]}{form.page}"
            # The cookies are Secure (DEBUG off): a browser behind TLS sends them; urllib over
            # plain HTTP will not, so they go in by hand.
            headers["Cookie"] = form.cookies
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
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
        """Load ``path`` as a new visitor: the cookies it set and the token of its form (none
        for the vote and sign-up forms, which check the origin instead)."""
        jar = CookieJar()
        html = self.get(path, jar)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = found.group(1) if found else ""
        return Form(path, token, "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar))

    def run(self, code: str) -> str:
        """Django code in a process of its own (an editor's change made elsewhere, a worker's
        job); what it printed."""
        return run_django(self.env, code)


@dataclass
class Served:
    site: Site
    output: str = ""  # gunicorn's output (its log and the site's), once it has stopped


@contextmanager
def gunicorn_site(
    database_url: str, redis_url: str, workers: int = 2, port: int | None = None, **overrides: str
) -> Iterator[Served]:
    """The site as production runs it: migrated, demo content, collected static files, then
    gunicorn with gunicorn.conf.py (DEBUG off) on a free port. ``output`` is filled in after
    gunicorn has stopped."""
    port = port or free_port()
    env = site_env(
        database_url,
        redis_url,
        **{"SITE_URL": f"https://127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), **overrides},
    )
    prepare_site(env)
    served = Served(Site(env, port))
    with gunicorn(env, port) as server:
        try:
            yield served
        finally:
            server.stop()
            served.output = server.output


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, *options: str, tls: bool = False
) -> Iterator["Server"]:
    """gunicorn with the repository's gunicorn.conf.py on 127.0.0.1:``port``, ready to answer;
    with ``tls``, speaking HTTPS itself (a throwaway certificate), as if nothing stood in front.
    Stopped afterwards, when its ``output`` is filled in."""
    with tempfile.TemporaryDirectory(prefix="gunicorn-") as folder:
        if tls:
            options = (*options, *_self_signed(Path(folder)))
        log = Path(folder) / "output.log"
        process = subprocess.Popen(
            [GUNICORN, "compsite.wsgi", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *options],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = Server(f"{'https' if tls else 'http'}://127.0.0.1:{port}", process, log)
        try:
            server.wait_until_healthy()
            yield server
        finally:
            server.stop()


def _self_signed(folder: Path) -> list[str]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return ["--keyfile", str(key), "--certfile", str(cert)]


CADDYFILE = ROOT / "Caddyfile"


@contextmanager
def caddy(config: Path | str, env: dict[str, str], address: str) -> Iterator["Server"]:
    """Debian's caddy running ``config`` (a file, or a Caddyfile's text), whose environment
    placeholders come from ``env``; ready once ``address`` answers /healthz. Its certificate
    authority and state live in a temporary folder."""
    binary = shutil.which("caddy")
    assert binary, "caddy is needed for the proxy tests (make test installs Debian's package)"
    with tempfile.TemporaryDirectory(prefix="caddy-") as home:
        if isinstance(config, str):
            path = Path(home) / "Caddyfile"
            path.write_text(config)
            config = path
        log = Path(home) / "output.log"
        process = subprocess.Popen(
            [binary, "run", "--config", str(config), "--adapter", "caddyfile"],
            env={"PATH": os.environ["PATH"], "HOME": home, "XDG_DATA_HOME": home,
                 "XDG_CONFIG_HOME": home, **env},
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = Server(address, process, log)
        try:
            server.wait_until_healthy()
            yield server
        finally:
            server.stop()


VARNISH_VCL = ROOT / "deploy" / "varnish" / "default.vcl"


@contextmanager
def varnish(
    backend_port: int, port: int | None = None, purgers: str = "127.0.0.1"
) -> Iterator["Server"]:
    """Debian's varnishd running the shipped VCL in front of 127.0.0.1:``backend_port``, on
    ``port`` (a free one by default), with its own site.vcl (the backend, and ``purgers`` as the
    purge ACL)."""
    binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
    assert Path(binary).exists(), "varnishd is needed (make test installs Debian's package)"
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="varnish-") as folder:
        Path(folder, "site.vcl").write_text(
            f'backend default {{ .host = "127.0.0.1"; .port = "{backend_port}"; }}\n'
            f'acl purgers {{ "{purgers}"; }}\n'
        )
        os.chmod(folder, 0o755)  # varnishd's worker runs as its own user and reads the VCL
        log = Path(folder) / "output.log"
        process = subprocess.Popen(
            [binary, "-F", "-a", f"127.0.0.1:{port}", "-f", str(VARNISH_VCL),
             "-p", f"vcl_path={folder}:{VARNISH_VCL.parent}", "-n", f"{folder}/work",
             "-s", "malloc,64m", "-T", "none"],
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            server.wait_until_healthy()
            yield server
        finally:
            server.stop()


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path  # its output goes to a file: a pipe nobody reads could fill and stop it
    output: str = ""  # the log, once it has stopped

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.output = self.log.read_text()

    def wait_until_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if Browser(self.base).get("/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            assert time.monotonic() < deadline, f"{self.base} did not start"
            time.sleep(0.2)

    def browser(self, source: str = "127.0.0.1", headers: dict | None = None) -> "Browser":
        return Browser(self.base, source, headers)


class Browser:
    """One visitor: connects from ``source`` (any address in 127.0.0.0/8), keeps its cookies by
    hand (they are Secure; this also sends them over plain HTTP, as a browser behind the TLS
    proxy would), sends Origin on a POST as browsers do, follows no redirect and trusts any
    certificate (the servers are the test's own)."""

    def __init__(self, base: str, source: str = "127.0.0.1", headers: dict | None = None) -> None:
        self.base, self.source = base.rstrip("/"), source
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None
    ) -> Answer:
        connection = self.connect()
        sent = {**self.headers, **(headers or {})}
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            sent.setdefault("Origin", self.origin)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            body = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, dict(response.headers), body)

    @property
    def origin(self) -> str:
        """The site's origin as the browser saw it (https when it spoke through a TLS proxy)."""
        parts = urlsplit(self.base)
        return f"{self.headers.get('X-Forwarded-Proto', parts.scheme)}://{parts.netloc}"

    def connect(self, timeout: float = 15) -> http.client.HTTPConnection:
        parts = urlsplit(self.base)
        assert parts.hostname is not None, self.base
        address = (self.source, 0)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            return http.client.HTTPSConnection(
                parts.hostname, parts.port, context=context, timeout=timeout, source_address=address
            )
        return http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=timeout, source_address=address
        )

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict, headers: dict | None = None) -> Answer:
        return self.request("POST", path, form=form, headers=headers)
