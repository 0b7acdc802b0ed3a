"""`make bench`'s weekly send: a real Celery worker against plain smtplib, to the same SMTP sink.

``bench/run.py`` calls ``run(bench)`` once the page rows are done. It starts an SMTP sink (aiosmtpd,
in its own process), seeds confirmed subscribers in the benchmark database, and then:

1. sends an edition to 1,000 subscribers through a fresh ``celery -A compsite worker``;
2. grows the list to 10,000 and sends another edition through another fresh worker, timed from
   the start of the send (``edition_start``: one delivery row per subscriber, then one task per
   batch of 100, as ``send_weekly_edition`` does) until the database shows every delivery sent
   and the sink has every message;
3. sends the same 10,000 messages (built in advance with ``newsletter.emails.edition_email``, so
   only the sending is timed) with plain smtplib from one process, one connection per 100
   messages as the worker does.

The worker's process tree (main process and pool) is sampled from /proc every 0.2 s during both
sends: its peak memory must not grow with the number of subscribers.

Each step that needs Django runs as ``python -m bench.send <step>`` in its own process with the
benchmark's environment; so does the sink (``python -m bench.send sink``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = Path(PYTHON).with_name("celery")
SMALL, LARGE = 1_000, 10_000
CONCURRENCY = int(os.environ.get("BENCH_SEND_CONCURRENCY", "2"))
BATCH = 100  # newsletter.services.BATCH_SIZE: the baseline uses the same connection pattern
TARGET = 0.35  # the code-health issue: the send may fall to 0.35 of plain smtplib
DOMAIN = "bench.example"
# No wait is longer than this: a send that has not finished by then is reported as a failure.
PATIENCE = 600
SAMPLE_EVERY = 0.2


# --- The steps run in their own processes -------------------------------------------------------


def serve_sink(port: int, log: Path) -> None:
    """Accept every message and append its size to ``log``: one line per message, nothing else."""
    from aiosmtpd.controller import Controller

    out = log.open("a", buffering=1)  # line-buffered: one write per message, readable at once

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            out.write(f"{len(envelope.content)}\n")
            return "250 Message accepted for delivery"

    # server_hostname: otherwise aiosmtpd calls socket.getfqdn() for every connection.
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="sink")
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()
    out.close()


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    django.setup()


def seed(count: int) -> dict:
    """Make ``count`` confirmed subscribers (with no interests: every comparison is theirs)."""
    _django()
    from django.utils import timezone

    from newsletter.models import Subscriber

    have = Subscriber.objects.confirmed().count()
    start = Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").count()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{index:06}@{DOMAIN}",
                status=Subscriber.Status.CONFIRMED,
                confirmation_requested_at=now,
                confirmation_sent_at=now,
                confirmed_at=now,
            )
            for index in range(start, start + max(0, count - have))
        ),
        batch_size=2000,
    )
    return {"confirmed": Subscriber.objects.confirmed().count()}


def editions() -> dict:
    """Last week's edition for the small send and this week's for the large one.

    Both are prepared before either starts, so both hold the same comparisons (the five most
    recent, as for a first edition).
    """
    _django()
    import datetime

    from django.utils import timezone

    from newsletter import services
    from newsletter.models import Edition

    now = timezone.now()
    small, _ = services.edition_prepare(when=now - datetime.timedelta(days=7))
    large, _ = services.edition_prepare(when=now)
    for edition in (small, large):
        if edition.status != Edition.Status.DRAFT or not edition.items.exists():
            raise SystemExit(f"edition {edition.pk} is {edition.status} with no comparisons")
    return {"small": small.pk, "large": large.pk, "comparisons": large.items.count()}


def start(edition_id: int) -> dict:
    """What ``send_weekly_edition`` does after preparing: plan, enqueue the batches, finish."""
    _django()
    from newsletter import services

    if services.celery_is_eager():
        raise SystemExit("Celery runs eagerly (no REDIS_URL): there would be no worker to time")
    began = time.time()
    plan = services.edition_start(edition_id=edition_id)
    if not plan.started:
        raise SystemExit(f"edition {edition_id} not started: {plan.reason}")
    planned = time.time()
    queued = services.edition_dispatch(edition_id=edition_id, batches=plan.batches)
    services.edition_finish(edition_id=edition_id)
    return {
        "began": began,
        "planned": planned,
        "dispatched": time.time(),
        "recipients": plan.recipients,
        "comparisons": plan.comparisons,
        # plan.batches is read lazily as it is enqueued: the tasks queued are its batches.
        "batches": queued,
        "queued": queued,
    }


def smtplib_send(edition_id: int, port: int) -> dict:
    """The edition's messages, built first, then sent with plain smtplib: only the sending is timed.

    Built as ``deliveries_send`` builds them and turned into bytes as Django's SMTP backend does;
    one connection per ``BATCH`` messages, as the worker opens one per batch.
    """
    _django()
    import email.policy
    import smtplib

    from django.core.mail import mailers
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
    from django.core.mail.utils import DNS_NAME

    from newsletter import emails
    from newsletter.models import Delivery, Edition, Subscriber

    built = time.perf_counter()
    edition = Edition.objects.with_contents().get(pk=edition_id)
    comparisons = edition.ordered_comparisons
    interests: dict[int, set[int]] = {}
    for subscriber_id, category_id in Subscriber.interests.through.objects.values_list(
        "subscriber_id", "category_id"
    ):
        interests.setdefault(subscriber_id, set()).add(category_id)
    mailer = mailers["default"]
    assert isinstance(mailer, SMTPBackend), "the benchmark's mail goes out over SMTP"
    prep = mailer.prep_address
    messages = []
    deliveries = (
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.SENT)
        .select_related("subscriber")
        .order_by("pk")
    )
    for delivery in deliveries.iterator(chunk_size=1000):
        subscriber = delivery.subscriber
        interest_ids = interests.get(subscriber.pk, set())
        theirs = [c for c in comparisons if subscriber.wants(c, interest_ids)]
        message = emails.edition_email(
            edition, subscriber, theirs, has_interests=bool(interest_ids)
        )
        messages.append(
            (
                prep(message.from_email),
                [prep(address) for address in message.recipients()],
                message.message(policy=email.policy.SMTP).as_bytes(),
            )
        )
    built = time.perf_counter() - built
    local_hostname = DNS_NAME.get_fqdn()

    began = time.perf_counter()
    for first in range(0, len(messages), BATCH):
        connection = smtplib.SMTP("127.0.0.1", port, local_hostname=local_hostname, timeout=30)
        for sender, recipients, data in messages[first : first + BATCH]:
            connection.sendmail(sender, recipients, data)
        connection.quit()
    seconds = time.perf_counter() - began
    return {
        "messages": len(messages),
        "seconds": seconds,
        "build_seconds": built,
        "bytes": sum(len(data) for _, _, data in messages),
        "peak_rss_kb": _status(os.getpid()).get("VmHWM", 0),
    }


# --- Watching processes -------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    """The kB fields of /proc/<pid>/status (VmRSS, VmHWM…); empty once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            fields[name] = int(value.split()[0])
    return fields


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the worker's pool processes), from /proc."""
    pids, index = [pid], 0
    while index < len(pids):
        try:
            tasks = list(Path(f"/proc/{pids[index]}/task").iterdir())
        except OSError:
            tasks = []
        for task in tasks:
            try:
                pids += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
        index += 1
    return pids


class Sampler(threading.Thread):
    """Samples the RSS (and PSS) of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.stopping = threading.Event()
        self.peak_rss = self.peak_pss = self.peak_single = self.samples = 0
        self.processes = 0
        self.first_rss = 0
        self.hwm: dict[int, int] = {}

    def sample(self) -> None:
        pids = _tree(self.pid)
        rss = []
        for pid in pids:
            status = _status(pid)
            if status:
                rss.append(status.get("VmRSS", 0))
                # VmHWM: the kernel's own peak for the process, whatever the sampling missed.
                self.hwm[pid] = max(self.hwm.get(pid, 0), status.get("VmHWM", 0))
        if not rss:
            return
        total = sum(rss)
        if not self.samples:
            self.first_rss = total
        self.samples += 1
        self.processes = max(self.processes, len(rss))
        self.peak_rss = max(self.peak_rss, total)
        self.peak_single = max(self.peak_single, *rss)
        self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in pids))

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self.sample()
        self.stopping.set()
        self.join(timeout=5)


# --- The orchestration (in `make bench`'s own process) ------------------------------------------


@dataclass
class WorkerSend:
    deliveries: int
    seconds: float
    plan_seconds: float
    dispatch_seconds: float
    comparisons: int
    processes: int
    idle_rss_kb: int
    peak_rss_kb: int
    peak_single_kb: int
    peak_pss_kb: int
    message_bytes: int
    load: float  # the 1-minute load average as the send started

    @property
    def rate(self) -> float:
        return self.deliveries / self.seconds


class Sink:
    def __init__(self, log: Path) -> None:
        self.log = log

    def sizes(self) -> list[int]:
        try:
            text = self.log.read_text()
        except FileNotFoundError:
            return []
        return [int(line) for line in text.split("\n")[:-1]]

    def count(self) -> int:
        try:
            return self.log.read_bytes().count(b"\n")
        except FileNotFoundError:
            return 0


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no output)"


def _spawn(bench, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: stopping it reaches the worker's pool processes too.
            start_new_session=True,
        )
    bench.processes.append(process)  # bench.stop() ends it if this module fails to
    return process


def _stop(process: subprocess.Popen, seconds: float = 60) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # Celery's warm shutdown
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _step(env: dict, *args: str, timeout: float = PATIENCE) -> dict:
    """Run ``python -m bench.send <args>`` to completion and return the JSON it prints."""
    try:
        result = subprocess.run(
            [PYTHON, "-m", "bench.send", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"bench.send {args[0]} took longer than {timeout} s") from error
    if result.returncode:
        raise RuntimeError(f"bench.send {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _worker_send(
    bench, env: dict, work: Path, sink: Sink, edition_id: int, expected: int, label: str
) -> WorkerSend:
    from bench.run import say

    log = work / f"worker-{label}.log"
    worker = _spawn(
        bench,
        [
            str(CELERY),
            "-A",
            "compsite",
            "worker",
            "--loglevel=INFO",
            f"--hostname=bench-{label}@%h",
            "--pool=prefork",
            f"--concurrency={CONCURRENCY}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        log,
    )
    sampler = None
    starter = None
    try:
        deadline = time.monotonic() + 60
        while " ready." not in _tail(log, 100_000):
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited on start:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker was not ready in 60 s:\n{_tail(log)}")
            time.sleep(0.1)
        time.sleep(1)  # let the pool processes settle before the idle sample
        sampler = Sampler(worker.pid)
        sampler.sample()
        idle = sampler.peak_rss
        sampler.start()

        load = os.getloadavg()[0]
        before = sink.count()
        start_log = work / f"start-{label}.log"
        say(f"weekly send: {expected:,} deliveries through the worker")
        starter = _spawn(
            bench, [PYTHON, "-m", "bench.send", "start", str(edition_id)], env, start_log
        )
        deadline = time.monotonic() + PATIENCE
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            while True:
                counts: dict[str, int] = dict(
                    conn.execute(
                        "SELECT status, count(*) FROM newsletter_delivery "
                        "WHERE edition_id = %s GROUP BY status",
                        [edition_id],
                    ).fetchall()
                )
                received = sink.count() - before
                if counts.get("sent", 0) >= expected and received >= expected:
                    finished = time.time()
                    break
                if counts.get("failed") or counts.get("skipped"):
                    raise RuntimeError(f"deliveries did not go out: {counts}\n{_tail(log)}")
                if worker.poll() is not None:
                    raise RuntimeError(f"the Celery worker exited mid-send:\n{_tail(log)}")
                if starter.poll() not in (None, 0):
                    raise RuntimeError(f"starting the send failed:\n{_tail(start_log)}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the send did not finish in {PATIENCE} s: {counts}, the sink has "
                        f"{received} messages\n{_tail(log)}"
                    )
                time.sleep(0.05)
        sampler.stop()
        starter.wait(timeout=60)
        if starter.returncode:
            raise RuntimeError(f"starting the send failed:\n{_tail(start_log)}")
        plan = json.loads(start_log.read_text().strip().splitlines()[-1])
        if plan["recipients"] != expected:
            raise RuntimeError(f"expected {expected} recipients, the plan has {plan}")
        sizes = sink.sizes()[before : before + expected]
        return WorkerSend(
            deliveries=expected,
            seconds=finished - plan["began"],
            plan_seconds=plan["planned"] - plan["began"],
            dispatch_seconds=plan["dispatched"] - plan["planned"],
            comparisons=plan["comparisons"],
            load=load,
            processes=sampler.processes,
            idle_rss_kb=idle,
            peak_rss_kb=sampler.peak_rss,
            peak_single_kb=max(sampler.hwm.values()),
            peak_pss_kb=sampler.peak_pss,
            message_bytes=sum(sizes) // max(1, len(sizes)),
        )
    finally:
        if sampler is not None:
            sampler.stopping.set()
        if starter is not None:
            _stop(starter, 10)
        _stop(worker)


def _mib(kb: int) -> str:
    return f"{kb / 1024:.0f} MiB"


def run(bench) -> list[str]:
    from bench.run import free_port, say, wait_for_port

    work = Path(tempfile.mkdtemp(prefix="aitv-bench-send-"))
    sink_port = free_port()
    sink = Sink(work / "sink.log")
    env = {
        **bench.env,
        "DJANGO_SETTINGS_MODULE": "compsite.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "NEWSLETTER_POSTAL_ADDRESS": "AI Tool Verdicts, 1 Example Street, Springfield 12345",
    }
    say(f"weekly send: SMTP sink on port {sink_port}, logs in {work}")
    sink_process = _spawn(
        bench,
        [PYTHON, "-m", "bench.send", "sink", "--port", str(sink_port), "--log", str(sink.log)],
        env,
        work / "sink.out",
    )
    try:
        try:
            wait_for_port(sink_port)
        except RuntimeError as error:
            raise RuntimeError(
                f"the SMTP sink did not start:\n{_tail(work / 'sink.out')}"
            ) from error

        say(f"weekly send: {SMALL:,} confirmed subscribers, two editions")
        _step(env, "seed", str(SMALL))
        ids = _step(env, "editions")
        small = _worker_send(bench, env, work, sink, ids["small"], SMALL, "small")
        say(f"weekly send: {small.rate:.0f} messages/s, peak RSS {_mib(small.peak_rss_kb)}")

        say(f"weekly send: growing the list to {LARGE:,} confirmed subscribers")
        confirmed = _step(env, "seed", str(LARGE))["confirmed"]
        if confirmed != LARGE:
            raise RuntimeError(f"expected {LARGE} confirmed subscribers, found {confirmed}")
        large = _worker_send(bench, env, work, sink, ids["large"], LARGE, "large")
        say(f"weekly send: {large.rate:.0f} messages/s, peak RSS {_mib(large.peak_rss_kb)}")

        say(f"weekly send: the same {LARGE:,} messages with plain smtplib")
        before = sink.count()
        plain = _step(env, "smtplib", str(ids["large"]), str(sink_port))
        received = sink.count() - before
        if plain["messages"] != LARGE or received != LARGE:
            raise RuntimeError(f"smtplib sent {plain['messages']}, the sink got {received}")
        plain_rate = plain["messages"] / plain["seconds"]
        say(f"weekly send: smtplib {plain_rate:.0f} messages/s")
    finally:
        _stop(sink_process, 10)

    ratio = large.rate / plain_rate
    growth = large.peak_rss_kb - small.peak_rss_kb
    plain_bytes = plain["bytes"] // plain["messages"]
    return [
        "## Weekly send",
        "",
        f"- {LARGE:,} deliveries of one edition ({large.comparisons} comparisons, about "
        f"{large.message_bytes / 1024:.0f} KiB per message as the sink received them from the "
        f"worker, {plain_bytes / 1024:.0f} KiB from smtplib) to a local aiosmtpd sink in its own "
        "process, which only counts them",
        f"- Worker: `celery -A compsite worker --pool=prefork --concurrency={CONCURRENCY}` "
        f"(the main process and {CONCURRENCY} pool processes), timed from the start of the send "
        f"(planning {large.plan_seconds:.1f} s, enqueueing {LARGE // BATCH} batches "
        f"{large.dispatch_seconds:.1f} s, both included) until the database shows every delivery "
        "sent and the sink has every message; one SMTP connection per batch of 100",
        f"- smtplib: the same {LARGE:,} messages, built in advance with `edition_email` (that took "
        f"{plain['build_seconds']:.0f} s, not timed), sent from one process over one connection "
        "per 100 messages",
        f"- The baseline does not render: smtplib building and sending would have done "
        f"{plain['messages'] / (plain['build_seconds'] + plain['seconds']):.0f} messages/s in one "
        f"process (ratio {large.rate * (plain['build_seconds'] + plain['seconds']) / plain['messages']:.2f}); "
        "the target compares against sending alone",
        f"- Machine load (1-minute average) as the sends started: {small.load:.1f} and "
        f"{large.load:.1f} on {os.cpu_count()} cores; Postgres, the sink and the worker share them",
        "",
        "| sender | messages | seconds | messages/s | ratio to smtplib | target | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| Celery worker ({CONCURRENCY} processes) | {LARGE} | {large.seconds:.1f} | "
        f"{large.rate:.0f} | {ratio:.2f} | ≥ {TARGET:.2f} | {_mib(large.peak_rss_kb)} |",
        f"| plain smtplib (1 process) | {plain['messages']} | {plain['seconds']:.1f} | "
        f"{plain_rate:.0f} | 1.00 | — | {_mib(plain['peak_rss_kb'])} (holds every message) |",
        "",
        "The worker's memory against the number of subscribers (a fresh worker for each send; RSS "
        f"sampled every {SAMPLE_EVERY} s from /proc over the main process and its pool, the "
        "largest process's peak from the kernel's VmHWM; the RSS sum counts the pages the pool "
        "shares with the main process in every process, PSS splits them):",
        "",
        "| subscribers | messages/s | idle RSS | peak RSS, whole worker | peak PSS, whole worker "
        "| peak RSS, largest process |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {send.deliveries:,} | {send.rate:.0f} | {_mib(send.idle_rss_kb)} | "
            f"{_mib(send.peak_rss_kb)} | {_mib(send.peak_pss_kb)} | {_mib(send.peak_single_kb)} |"
            for send in (small, large)
        ),
        "",
        f"Ten times the subscribers: the worker's peak RSS changes by {growth / 1024:+.0f} MiB "
        f"({growth / small.peak_rss_kb:+.0%}), its largest process by "
        f"{(large.peak_single_kb - small.peak_single_kb) / 1024:+.0f} MiB, its PSS by "
        f"{(large.peak_pss_kb - small.peak_pss_kb) / 1024:+.0f} MiB"
        + (
            " (with RSS flat, a rise in PSS is pages the pool stopped sharing with the main "
            "process: copy-on-write over a longer run)."
            if abs(growth) < 0.05 * small.peak_rss_kb and large.peak_pss_kb > small.peak_pss_kb
            else "."
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.send")
    steps = parser.add_subparsers(dest="step", required=True)
    sink = steps.add_parser("sink", help="an SMTP sink that counts what it accepts")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--log", type=Path, required=True)
    steps.add_parser("seed", help="make N confirmed subscribers").add_argument("count", type=int)
    steps.add_parser("editions", help="prepare the small and the large send's editions")
    steps.add_parser("start", help="start an edition's send").add_argument("edition", type=int)
    baseline = steps.add_parser("smtplib", help="send an edition's messages with smtplib")
    baseline.add_argument("edition", type=int)
    baseline.add_argument("port", type=int)
    args = parser.parse_args()
    if args.step == "sink":
        serve_sink(args.port, args.log)
        return
    if args.step == "seed":
        result = seed(args.count)
    elif args.step == "editions":
        result = editions()
    elif args.step == "start":
        result = start(args.edition)
    else:
        result = smtplib_send(args.edition, args.port)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
