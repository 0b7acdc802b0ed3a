"""The weekly send's memory against the number of subscribers (`make bench-admin` runs it).

What the worker runs to start a send, ``newsletter.tasks.send_edition`` (record one delivery per
recipient, then enqueue one task per batch of 100, then try to finish), runs here in a fresh
process for each measurement, on an edition of five comparisons, with the broker replaced by a
counter (each publish is one small message whatever the list's size; the batches themselves are
100 deliveries each at any size). Two measurements per size, each in its own process:

- the process's peak RSS during the send (the kernel's VmHWM, reset just before it through
  /proc/self/clear_refs; ``getrusage``'s lifetime peak where that cannot be reset) against its
  RSS just before: what the worker process grows by;
- the peak of Python's own allocations during the send (``tracemalloc``): what the code holds at
  once, without the interpreter's and the libraries' noise.

Sizes: 10,000 and 100,000 subscribers in databases of their own (created and dropped here), and
the million of the admin benchmark's database.

    python -m bench.send_memory run EDITION_ID rss|python   # one measurement (DATABASE_URL)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = (10_000, 100_000)


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in kB: VmRSS (resident now), VmHWM (its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Start the kernel's peak RSS (VmHWM) again from the current RSS (Linux 4.0 and later), so
    that the peak read after the send is the send's, not django.setup()'s imports'."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def prepare() -> int:
    """A new draft edition of five published comparisons, in a week of its own."""
    import datetime

    from comparisons.models import Comparison
    from newsletter.models import Edition, EditionItem

    last = Edition.objects.order_by("-week").values_list("week", flat=True).first()
    week = (last or datetime.date(2030, 1, 7)) + datetime.timedelta(days=7)
    edition = Edition.objects.create(week=week, intro="Measured.")
    comparisons = Comparison.objects.published().order_by("pk")[:5]
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, comparison=comparison, position=position)
        for position, comparison in enumerate(comparisons)
    )
    return edition.pk


def run(edition_id: int, mode: str) -> dict:
    """Start the edition's send as the worker does and report the memory it took."""
    import tracemalloc

    from newsletter import tasks
    from newsletter.models import Delivery
    from newsletter.services import queue

    published = {"batches": 0, "deliveries": 0}

    def publish(name, *args) -> bool:  # the broker, replaced by a counter
        published["batches"] += 1
        published["deliveries"] += len(args[1])
        return True

    queue.enqueue = publish
    # Everything the send imports and caches is loaded before the baseline: a tiny send first.
    Delivery.objects.filter(pk=0).exists()
    reset = _reset_peak()
    before_rss = _status_kb("VmRSS")
    if mode == "python":
        tracemalloc.start()
    began = time.perf_counter()
    result = tasks.send_edition.run(edition_id)
    seconds = time.perf_counter() - began
    python_peak = tracemalloc.get_traced_memory()[1] if mode == "python" else 0
    tracemalloc.stop()
    # Without the reset, the lifetime peak: an upper bound that may be setup's.
    peak = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "recipients": result.get("recipients", 0),
        "batches": published["batches"],
        "deliveries": published["deliveries"],
        "seconds": seconds,
        "rss_before_kb": before_rss,
        "peak_rss_kb": peak,
        "peak_is_the_sends": reset,
        "rss_growth_kb": max(peak - before_rss, 0),
        "python_peak_kb": python_peak // 1024,
    }


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    django.setup()


def _step(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "bench.send_memory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode:
        raise RuntimeError(f"bench.send_memory {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_database(env: dict) -> dict:
    """Both measurements on the database of ``env``, each on a new edition."""
    rss = _step(env, "run", str(_step(env, "prepare")["edition"]), "rss")
    python = _step(env, "run", str(_step(env, "prepare")["edition"]), "python")
    return {**rss, "python_peak_kb": python["python_peak_kb"], "python_seconds": python["seconds"]}


def measure(*, big: tuple[str, int], scale: float, env: dict) -> list[str]:
    """Measure at each size (own databases) and on the big one; returns ADMIN.md's section."""
    from bench import admin

    rows = []
    for size in (max(int(size * scale), 1000) for size in SIZES):
        name = f"aitv_admin_mem_{size}"
        admin.say(f"send memory: {size:,} subscribers in {name}")
        admin.create_database(name)
        small_env = {**env, "DATABASE_URL": admin.server_url(name)}
        try:
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--verbosity=0"],
                cwd=ROOT,
                env=small_env,
                check=True,
            )
            _step(small_env, "load", str(size))
            rows.append((size, measure_database(small_env)))
        finally:
            admin.drop_database(name)
    database, subscribers = big
    admin.say(f"send memory: {subscribers:,} subscribers in {database}")
    rows.append(
        (subscribers, measure_database({**env, "DATABASE_URL": admin.server_url(database)}))
    )
    for size, row in rows:
        admin.say(
            f"  {size:,}: {row['recipients']:,} deliveries in {row['seconds']:.1f} s, "
            f"RSS +{row['rss_growth_kb'] / 1024:.1f} MiB, Python peak "
            f"{row['python_peak_kb'] / 1024:.1f} MiB"
        )
    return [
        "## The weekly send's memory",
        "",
        "`newsletter.tasks.send_edition` as the worker runs it (record the deliveries with one "
        "`INSERT … SELECT` in the database, then enqueue a task per batch of 100 pending "
        "deliveries read a page at a time), each measurement in a fresh process, the broker "
        "replaced by a counter. RSS growth: the process's peak RSS during the send (the kernel's "
        "VmHWM, reset just before it) less its RSS just before the send; Python peak: the most that Python objects held at once "
        "(`tracemalloc`, a second run on a new edition).",
        "",
        "| subscribers | deliveries recorded | batches enqueued | seconds | RSS before | "
        "peak RSS | RSS growth | Python peak |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {size:,} | {row['recipients']:,} | {row['batches']:,} | {row['seconds']:.1f} | "
            f"{row['rss_before_kb'] / 1024:.0f} MiB | {row['peak_rss_kb'] / 1024:.0f} MiB | "
            f"{row['rss_growth_kb'] / 1024:.1f} MiB | {row['python_peak_kb'] / 1024:.2f} MiB |"
            for size, row in rows
        ),
    ]


def load(subscribers: int) -> dict:
    from bench import admin

    sizes = admin.Sizes(tools=200, comparisons=20, votes=1000, subscribers=subscribers, editions=0)
    admin.load(sizes)
    return {"subscribers": subscribers}


def main() -> None:
    command, *rest = sys.argv[1:]
    _django()
    if command == "prepare":
        result = {"edition": prepare()}
    elif command == "load":
        result = load(int(rest[0]))
    elif command == "run":
        result = run(int(rest[0]), rest[1])
    else:
        raise SystemExit(f"unknown step {command}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
