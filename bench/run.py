"""`make bench`: the production setup under load, measured against a bare Django view.

Starts its own Postgres database, its own redis-server, two gunicorns with the project's
gunicorn.conf.py (the site with DEBUG off, and bench/baresite.py) and the shipped Varnish
(deploy/varnish/) in front of the site, loads the large demo, drives each page with wrk from a
separate process (through Varnish, and at the origin on a miss), and writes bench/RESULTS.md.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DURATION = int(os.environ.get("BENCH_SECONDS", "6"))
# The machine's speed drifts from minute to minute (a shared host): each endpoint is measured in
# ROUNDS rounds, each the bare view and then the endpoint back to back, and reported from the
# round with the median ratio, against the bare view of that same round.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = os.environ.get("BENCH_WORKERS", "4")
ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
# Its own database (dropped and made again on every run): BENCH_DATABASE names another one.
DATABASE = os.environ.get("BENCH_DATABASE", "aitv_bench")
# BENCH_ONLY=vote,send (any of "pages", "vote", "send") measures those parts alone and prints
# their rows instead of writing bench/RESULTS.md, which needs every part.
PARTS = ("pages", "vote", "send")
ONLY = [part for part in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if part]
VARNISH_VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# Through the cache a page should cost a small part of a bare Django view (the goal is 15 times); the
# vote is a ratio to the bare durable write (bench/baresite.py's /write/), once the vote path is
# simplified (the code-health issue).
TARGETS = {
    "home page via Varnish": 10.0,
    "comparison page via Varnish": 10.0,
    "tool page via Varnish": 10.0,
    "vote POST": 0.5,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


@dataclass
class Row:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    queries: str
    errors: int = 0
    bare_rps: float = 0.0  # the bare view in the same round: what the ratio is taken against
    ratios: tuple[float, ...] = ()  # every round's, lowest first


class Bench:
    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.warmed: set[str] = set()
        self.bare_runs: list[tuple[float, float, float, int]] = []
        self.site_port, self.bare_port, self.redis_port = free_port(), free_port(), free_port()
        self.cache_port = free_port()
        self.site = f"http://127.0.0.1:{self.site_port}"
        self.cache = f"http://127.0.0.1:{self.cache_port}"
        self.bare_url = f"http://127.0.0.1:{self.bare_port}/"
        self.bare_write_url = f"http://127.0.0.1:{self.bare_port}/write/"
        self.folder = Path(tempfile.mkdtemp(prefix="aitv-bench-"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD",
            "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SITE_URL": f"https://127.0.0.1:{self.site_port}",
            "CACHE_PURGE_URLS": f"http://127.0.0.1:{self.cache_port}/",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The benchmark is one client address: the vote limit would turn it into a 429 test.
            "VOTE_RATE": "100000000/m",
            "WEB_CONCURRENCY": WORKERS,
        }

    # --- set-up -----------------------------------------------------------------------------
    def start(
        self, command: list[str], port: int | None = None, env: dict | None = None
    ) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        if port:
            wait_for_port(port)
        return process

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def django_json(self, code: str):
        """Run ``code`` in a Django process on the benchmark's settings; its last line is JSON."""
        out = subprocess.run(
            [PYTHON, "-c", code],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "compsite.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def prepare(self) -> dict:
        import psycopg

        say("creating the benchmark database")
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DATABASE}")
        redis = shutil.which("redis-server")
        assert redis is not None, "the benchmark needs redis-server"
        self.start(
            [
                redis,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.redis_port,
        )
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
            # The bare durable write's table (bench/baresite.py's /write/).
            conn.execute("CREATE TABLE bench_write (key text PRIMARY KEY, at timestamptz)")
        say("loading the large demo (200 tools, 100 comparisons, 100,000 votes)")
        code = "import django, json, random; django.setup(); from bench.largedemo import load; print(json.dumps(load(random.Random(7))))"
        return self.django_json(code)

    def serve(self) -> None:
        gunicorn = str(BIN / "gunicorn")
        self.start(
            [
                gunicorn,
                "compsite.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.site_port}",
                "--access-logfile",
                "/dev/null",
            ],
            self.site_port,
        )
        self.start(
            [
                gunicorn,
                "bench.baresite:application",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.bare_port}",
                "--access-logfile",
                "/dev/null",
            ],
            self.bare_port,
            env={**self.env, "BENCH_WRITE_DATABASE": self.env["DATABASE_URL"]},
        )
        if "pages" not in ONLY:
            return  # only the page rows go through Varnish
        # The shipped VCL, with a site.vcl of the benchmark's own (its backend and purgers).
        (self.folder / "site.vcl").write_text(
            f'backend default {{ .host = "127.0.0.1"; .port = "{self.site_port}"; }}\n'
            'acl purgers { "127.0.0.1"; }\n'
        )
        self.folder.chmod(0o755)
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        self.start(
            [varnishd, "-F", "-a", f"127.0.0.1:{self.cache_port}", "-f", str(VARNISH_VCL),
             "-p", f"vcl_path={self.folder}:{VARNISH_VCL.parent}", "-n", f"{self.folder}/work",
             "-s", "malloc,256m", "-T", "none"],
            self.cache_port,
        )  # fmt: skip

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- measuring --------------------------------------------------------------------------
    def wrk(
        self, url: str, script: str | None = None, cookie: str = ""
    ) -> tuple[float, float, float, int]:
        command = [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        if script:
            command += ["-s", script]
        if url not in self.warmed:
            warm_up = [part if not part.startswith("-d") else "-d2s" for part in command]
            subprocess.run([*warm_up, url], capture_output=True, check=True)
            self.warmed.add(url)
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        found = re.search(r"Requests/sec:\s+([\d.]+)", output)
        assert found is not None, output
        rps = float(found.group(1))
        latency = {
            m.group(1): to_ms(m.group(2))
            for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE)
        }
        errors = (
            int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
        )
        return rps, latency["50"], latency["99"], errors

    def paired(
        self, name: str, url: str, queries: str, cookie: str = "", script=None, reference=None
    ) -> Row:
        """``url`` in ROUNDS rounds against the bare view (see ROUNDS); errors from every round.
        ``reference``: ``(url, script)`` of another yardstick than the bare GET."""
        rounds = []
        for _ in range(ROUNDS):
            if reference:
                bare = self.wrk(reference[0], reference[1])
            else:
                bare = self.wrk(self.bare_url, cookie=cookie)
                self.bare_runs.append(bare)
            measured = self.wrk(url, script, "" if script else cookie)  # a script sets its own
            rounds.append((measured[0] / bare[0], measured, bare))
        rounds.sort(key=lambda found: found[0])
        _, (rps, p50, p99, _), bare = rounds[len(rounds) // 2]
        errors = sum(measured[3] for _, measured, _ in rounds)
        ratios = tuple(round(ratio, 3) for ratio, _, _ in rounds)
        say(f"{name}: ratios by round {ratios}")
        return Row(name, rps, p50, p99, queries, errors, bare_rps=bare[0], ratios=ratios)

    def bare_row(self) -> Row:
        """The bare view's medians over every round of the run."""
        runs = self.bare_runs
        median = [sorted(run[i] for run in runs)[len(runs) // 2] for i in range(3)]
        errors = sum(run[3] for run in runs)
        rps, p50, p99 = median
        return Row("bare Django view", rps, p50, p99, queries="0", errors=errors, bare_rps=rps)

    def queries(self, paths: dict[str, str], vote: tuple[str, str]) -> dict[str, str]:
        """Queries per request in the steady state (second request, warm cache), in-process."""
        code = f"""
import django, json
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = {paths!r}
out = {{}}
browser = {{"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"}}
client = Client(headers=browser, HTTP_HOST="127.0.0.1")
for name, path in paths.items():
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200, path
    out[name] = len(ctx)
slug, tool = {vote!r}
with CaptureQueriesContext(connection) as ctx:
    assert Client(headers=browser, HTTP_HOST="127.0.0.1").post(f"/compare/{{slug}}/vote/", {{"tool": tool}}).status_code == 303
out["vote POST"] = len(ctx)
print(json.dumps(out))
"""
        return {name: str(count) for name, count in self.django_json(code).items()}

    def returning_visitor_cookie(self, slug: str, tool: str) -> str:
        """The cookies a reader sends after voting (the reader's and the vote mark's): pages
        must be the same, and as cheap, for them as for anybody."""
        connection = http.client.HTTPConnection("127.0.0.1", self.site_port, timeout=10)
        headers = {
            "X-Forwarded-Proto": "https",
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connection.request("POST", f"/compare/{slug}/vote/", body=f"tool={tool}", headers=headers)
        answer = connection.getresponse()
        answer.read()
        connection.close()
        assert answer.status == 303, answer.status
        cookies = SimpleCookie()
        set_cookies = answer.headers.get_all("Set-Cookie")
        assert set_cookies, "the vote set no cookie"
        for header in set_cookies:
            cookies.load(header)
        return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())

    def static_path(self, name: str) -> str:
        """A static file's address as pages print it (hashed by the manifest storage)."""
        code = (
            "import django, json; django.setup()\n"
            "from django.templatetags.static import static\n"
            f"print(json.dumps(static({name!r})))"
        )
        return self.django_json(code)

    def ballots(self) -> list[tuple[str, str]]:
        """``(comparison slug, tool slug)`` of one tool in every live stored comparison."""
        code = (
            "import django, json; django.setup()\n"
            "from comparisons.models import Comparison, ComparisonEntry\n"
            "live = Comparison.objects.published()\n"
            "rows = ComparisonEntry.objects.filter(comparison__in=live, position=0)\n"
            "print(json.dumps(list(rows.order_by('comparison_id').values_list('comparison__slug', 'tool__slug'))))"
        )
        return [tuple(pair) for pair in self.django_json(code)]

    def spread_vote_script(self, ballots: list[tuple[str, str]]) -> str:
        """A wrk script posting each vote to the next comparison of ``ballots`` in turn (a new
        reader each time, as for the vote POST), so that votes do not queue on one comparison's
        rows."""
        script = Path(tempfile.mkstemp(suffix=".lua", dir=self.folder)[1])
        entries = ",\n".join(
            f'  {{"/compare/{slug}/vote/", "tool={tool}"}}' for slug, tool in ballots
        )
        script.write_text(
            f"local ballots = {{\n{entries}\n}}\n"
            "local turn = 0\n"
            "request = function()\n"
            "  turn = turn % #ballots + 1\n"
            "  local ballot = ballots[turn]\n"
            '  return wrk.format("POST", ballot[1], {["Content-Type"] = "application/x-www-form-urlencoded", '
            '["Sec-Fetch-Site"] = "same-origin", ["X-Forwarded-Proto"] = "https"}, ballot[2])\n'
            "end\n"
        )
        return str(script)

    def post_script(self, body: str) -> str:
        """A wrk script posting ``body`` from one of the site's pages, with no cookie: for the
        vote, a new reader each time (every request inserts a vote row)."""
        script = Path(tempfile.mkstemp(suffix=".lua", dir=self.folder)[1])
        script.write_text(
            'wrk.method = "POST"\n'
            f'wrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            'wrk.headers["Sec-Fetch-Site"] = "same-origin"\n'
        )
        return str(script)


def to_ms(value: str) -> float:
    found = re.match(r"([\d.]+)(\w+)", value)
    assert found is not None, value
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    if Path("/proc/meminfo").exists():
        total = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        assert total is not None, "no MemTotal in /proc/meminfo"
        kb = int(total.group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    return f"{platform.system()} {platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


def row_line(row: Row) -> str:
    ratio = row.rps / row.bare_rps
    target = TARGETS.get(row.name)
    return f"| {row.name} | {row.rps:.0f} | {ratio:.2f} | {f'≥ {target:.2f}' if target else '—'} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.p99_ms / row.p50_ms:.1f} | {row.queries} | {row.errors} |"


def write_results(
    rows: list[Row], bare: Row, bare_runs: list[float], data: dict, send_rows: list[str]
) -> Path:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Commit: {commit()}",
        f"- Machine: {machine()}",
        f"- Load: wrk, 2 threads, {CONNECTIONS} connections, {DURATION} s per measurement after a 2 s warm-up per address; gunicorn with gunicorn.conf.py, {WORKERS} workers",
        f"- Each endpoint: {ROUNDS} rounds of the bare view then the endpoint, back to back; its row is the round with the median ratio, and the ratio is to the bare view of that round (the machine's speed drifts between minutes)",
        "- GET rows (the bare view's too) send a returning reader's cookies (the reader's and the vote mark's); \"via Varnish\" rows go through the shipped VCL (deploy/varnish/), \"at origin\" rows straight to gunicorn: the cost of a cache miss",
        "- The vote POST is a new reader's first vote each time; its ratio is to the bare durable write (bench/baresite.py's /write/: one INSERT … ON CONFLICT DO NOTHING of a fresh random key, same middleware and gunicorn), measured in the same rounds",
        "- \"vote POST, spread over comparisons\" is the same vote, each request to the next of the live comparisons in turn: what a vote costs when votes do not queue on one comparison's rows (counts, tools, day) through each other's commits",
        f"- Data: {data['tools']} tools, {data['comparisons']} comparisons, {data['votes']:,} votes",
        f"- Bare Django view: {bare.rps:.0f} requests/s (p50 {bare.p50_ms:.2f} ms, p99 {bare.p99_ms:.2f} ms; medians of its {len(bare_runs)} runs, from {min(bare_runs):.0f} to {max(bare_runs):.0f} requests/s)",
        "",
        "| endpoint | requests/s | ratio to bare | target | p50 ms | p99 ms | p99/p50 | queries/request | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [row_line(row) for row in [bare, *rows]]
    lines += ["", "Every round's ratio (lowest first), the row's being the median:", ""]
    lines += [f"- {row.name}: {', '.join(f'{r:.2f}' for r in row.ratios)}" for row in rows]
    lines += ["", *send_rows]
    path = ROOT / "bench" / "RESULTS.md"
    path.write_text("\n".join(lines).rstrip() + "\n")
    return path


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk package")
    unknown = set(ONLY) - set(PARTS)
    if unknown:
        sys.exit(f"BENCH_ONLY: unknown parts {sorted(unknown)}; choose among {', '.join(PARTS)}")
    bench = Bench()
    try:
        data = bench.prepare()
        say(f"data: {data}")
        bench.serve()
        from_slug = "smolvlm2-vs-smolvlm2-2b"
        paths = {
            "home page": "/",
            "comparison page": f"/compare/{from_slug}/",
            "tool page": "/tools/smolvlm2/",
            "search": "/search/?q=smolvlm",
        }
        vote_slug, vote_tool = from_slug, "smolvlm2"
        counts = bench.queries(paths, (vote_slug, vote_tool))
        say(f"queries per request: {counts}")
        rows = []
        if "pages" in ONLY:
            # Every GET row, the bare view's too, is a returning reader who voted: it sends the
            # reader's cookie and the vote mark's, which change nothing in what pages cost.
            cookie = bench.returning_visitor_cookie(vote_slug, vote_tool)
            for name in ("home page", "comparison page", "tool page"):
                say(f"{name} through Varnish")
                url = bench.cache + paths[name]
                rows.append(bench.paired(f"{name} via Varnish", url, "0", cookie=cookie))
            say("the vote mark's script through Varnish (what a comparison page fetches for it)")
            script_url = bench.cache + bench.static_path("js/votes.js")
            rows.append(bench.paired("votes.js via Varnish", script_url, "0", cookie=cookie))
            for name, path in paths.items():
                say(f"{name} at the origin (a cache miss)")
                url = bench.site + path
                rows.append(bench.paired(f"{name} at origin", url, counts[name], cookie=cookie))
        if "vote" in ONLY:
            say("vote POST (a new reader each time: every request inserts a vote)")
            vote_url = f"{bench.site}/compare/{vote_slug}/vote/"
            write = (bench.bare_write_url, bench.post_script("x=1"))
            rows.append(
                bench.paired(
                    "vote POST",
                    vote_url,
                    counts["vote POST"],
                    script=bench.post_script(f"tool={vote_tool}"),
                    reference=write,
                )
            )
            say("vote POST spread over every comparison (each vote to the next one)")
            rows.append(
                bench.paired(
                    "vote POST, spread over comparisons",
                    f"{bench.site}/",
                    counts["vote POST"],
                    script=bench.spread_vote_script(bench.ballots()),
                    reference=write,
                )
            )
        send_rows = []
        if "send" in ONLY and (ROOT / "bench" / "send.py").exists():
            from bench.send import run as run_send

            send_rows = run_send(bench)
        if len(ONLY) < len(PARTS):
            for row in rows:
                print(row_line(row))
            print("\n".join(send_rows))
            return
        bare = bench.bare_row()
        bare_runs = [run[0] for run in bench.bare_runs]
        results = write_results(rows, bare, bare_runs, data, send_rows)
        print(results.read_text())
    finally:
        bench.stop()


if __name__ == "__main__":
    main()
