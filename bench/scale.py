"""`make bench-scale` (and part of `make bench`): each page's cost of a cache miss as the catalogue
grows from 200 to 5,000 to 50,000 tools. Writes bench/SCALE.md.

One database of its own, grown in steps by the large-demo loader (bench/largedemo.py, bulk
inserts; votes grow with the tools). At each size, in this process with DEBUG off, every page is
requested through Django's test client with Django's dummy cache in place of every cache: what
the origin does when no cache holds the page (the page cache today, an HTTP cache later). The
figure is the median of ``--runs`` requests after one to warm up, with the page's bytes and
queries, and its ratio to the same page at the smallest size.

    python -m bench.scale                          # 200, 5,000 and 50,000 tools
    python -m bench.scale --sizes 200,5000 --out /tmp/SCALE.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "aitv_bench_scale"
# (tools, comparisons, votes): votes grow with the catalogue as far as loading them here takes
# minutes, not hours (a vote row is a Python object on its way in).
SIZES = {200: (100, 100_000), 5_000: (1_000, 400_000), 50_000: (5_000, 1_000_000)}
TARGET = 3.0  # each page's miss at the largest size, at most this many times its cost at 200
NOTES = "## Notes"
TIMES = "\u00d7"  # the multiplication sign, as the tables print it
PAGES = [
    ("home", "/"),
    ("tool index", "/tools/"),
    ("tool page", "/tools/smolvlm2/"),
    ("category ranking", "/categories/vision-language-models/"),
    ("search (a name)", "/search/?q=smolvml"),
    ("search (words)", "/search/?q=vision+model"),
    ("compare suggestions", "/compare/suggest/?q=sm"),
    ("sitemap index", "/sitemap.xml"),
    ("sitemap section (tools)", "/sitemap-tools.xml"),
    ("comparison page", "/compare/smolvlm2-vs-smolvlm2-2b/"),
    ("reviewer page", "/reviewers/tomas-arendt/"),
]


@dataclass
class Measure:
    ms: float
    size: int
    queries: int


def say(message: str) -> None:
    print(f"[bench-scale] {message}", flush=True)


def create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup_django(database_url: str) -> None:
    for key in [key for key in os.environ if key.startswith(("DJANGO_", "DEBUG", "REDIS_URL"))]:
        del os.environ[key]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="compsite.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD",
        SITE_URL="https://testserver",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()


def measure_all(runs: int) -> dict[str, Measure]:
    """Every page ``runs`` times, in turns (so a slow moment on a shared machine falls on all
    pages alike rather than on one), after one request each to warm up: medians, bytes and the
    queries of one request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    sizes: dict[str, int] = {}
    queries: dict[str, int] = {}
    timings: dict[str, list[float]] = {name: [] for name, _ in PAGES}
    for name, path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        sizes[name], queries[name] = len(response.content), len(captured)
    for _ in range(runs):
        for name, path in PAGES:
            start = time.perf_counter()
            client.get(path, secure=True)
            timings[name].append((time.perf_counter() - start) * 1000)
    return {
        name: Measure(statistics.median(timings[name]), sizes[name], queries[name])
        for name, _ in PAGES
    }


def grow(tools: int) -> dict[str, int]:
    from django.db import connection

    from bench.largedemo import load

    comparisons, votes = SIZES.get(tools, (max(tools // 10, 100), tools * 20))
    start = time.monotonic()
    counts = load(random.Random(7), tools=tools, comparisons=comparisons, votes=votes)
    # What autovacuum does soon after a bulk load: statistics, and the visibility map that lets
    # counts read an index alone (without it every count reads the table: 87 ms, not 3 ms, for
    # /tools/'s at 50,000 tools).
    with connection.cursor() as cursor:  # autocommit: VACUUM runs outside a transaction
        cursor.execute("VACUUM ANALYZE")
    counts["seconds"] = round(time.monotonic() - start)
    return counts


def commit_id() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def write(out: Path, sizes: list[int], loads: dict, results: dict, runs: int) -> list[str]:
    smallest, largest = sizes[0], sizes[-1]
    missed = []
    lines = [
        "# Directory scale: each page's cost of a cache miss",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {commit_id()}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}",
        "- Written by `make bench-scale` (bench/scale.py; also run by `make bench`).",
        "",
        "Each figure is the origin's cost of a miss: the page requested in-process through Django's",
        "test client with DEBUG off and Django's dummy cache in place of every cache, the median of",
        f"{runs} requests after one to warm up (the pages take turns). The ratio is to the same page at {smallest:,} tools;",
        f"the target is at most {TARGET:g}{TIMES} at {largest:,}. Queries: those one request ran.",
        "",
        "| catalogue | tools | comparisons | votes | load (s) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for size in sizes:
        load = loads[size]
        lines.append(
            f"| {size:,} | {load['tools']:,} | {load['comparisons']:,} | {load['votes']:,} "
            f"| {load['seconds']:,} |"
        )
    header = "| page | " + " | ".join(f"{size:,} tools: ms, KB, queries" for size in sizes)
    lines += ["", header + f" | ratio at {largest:,} | target |", ""]
    lines[-1] = "| --- " * (len(sizes) + 3) + "|"
    for name, path in PAGES:
        cells = []
        for size in sizes:
            m = results[size][name]
            cells.append(f"{m.ms:,.1f} ms, {m.size / 1024:,.1f} KB, {m.queries}")
        ratio = results[largest][name].ms / results[smallest][name].ms
        met = ratio <= TARGET
        if not met:
            missed.append(name)
        lines.append(
            f"| {name} (`{path}`) | "
            + " | ".join(cells)
            + f" | {ratio:.2f}{TIMES} | {'met' if met else 'missed'} |"
        )
    lines.append("")
    # What the figures mean is written by hand under "## Notes": kept when the tables are redone.
    notes = out.read_text().partition(NOTES)[2] if out.exists() else ""
    out.write_text("\n".join(lines) + "\n" + (NOTES + notes if notes else ""))
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "SCALE.md")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))

    say(f"creating the database {options.database}")
    setup_django(create_database(options.database))
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    loads, results = {}, {}
    try:
        with override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
            # Static files by name rather than from collectstatic's manifest: nothing to collect.
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            for size in sizes:
                say(f"growing the catalogue to {size:,} tools")
                loads[size] = grow(size)
                say(f"loaded {loads[size]}")
                results[size] = measure_all(options.runs)
                for name, measured in results[size].items():
                    say(f"{size:,} tools, {name}: {measured}")
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(options.database)
    missed = write(options.out, sizes, loads, results, options.runs)
    say(f"wrote {options.out}" + (f"; over the target: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
