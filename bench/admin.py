"""`make bench-admin`: the editors' admin at directory scale, timed page by page.

Not part of `make bench`. Creates a Postgres database of its own (``aitv_admin_bench`` on the
server of ``BENCH_POSTGRES``, as `make bench` does), migrates it and loads, with set-based SQL
(``INSERT … SELECT … FROM generate_series``), the rows of the directory-scale issue's item 5:

- 50,000 tools (two pricing tiers and a scorecard per reviewer each), 10,000 comparisons;
- 10,000,000 votes, counted onto the comparisons' entries;
- 1,000,000 subscribers (85% confirmed, 5% pending, 10% gone; a fifth with interests);
- twelve editions that went out to the confirmed (about 10,200,000 deliveries; the newest still
  sending, with its last 40% waiting) and a draft.

Then it opens every changelist and change form of the admin (and the edition's workflow pages)
as a superuser through Django's test client, a warm-up and then ``--runs`` times each, and writes
the median, the slowest run and the number of queries to ``bench/ADMIN.md``. Last, it measures the
weekly send's memory (``bench.send_memory``) on that million and on databases of 10,000 and 100,000
subscribers. The databases are dropped at the end (``--keep`` keeps the big one; ``--reuse``
times an already loaded one again).

    python -m bench.admin                 # everything, about half an hour here
    python -m bench.admin --scale 0.01    # a hundredth of the rows, to try it out
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "aitv_admin_bench"
OUT = ROOT / "bench" / "ADMIN.md"

TOOLS = 50_000
COMPARISONS = 10_000
VOTES = 10_000_000
SUBSCRIBERS = 1_000_000
EDITIONS = 12  # each to every confirmed subscriber: 12 x 850,000 ≈ 10,200,000 deliveries
CHUNK = 1_000_000  # rows per INSERT for the big tables: progress, and no giant transaction
TARGET_MS = 1000


def say(message: str) -> None:
    print(f"[bench-admin] {message}", flush=True)


def server_url(database: str) -> str:
    base, _, _ = SERVER.rpartition("/")
    return f"{base}/{database}"


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def bench_environment(database: str) -> dict[str, str]:
    """The settings' environment: production's (DEBUG off), on the bench database, no Redis
    (a local-memory cache; nothing here enqueues a task)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DEBUG", "EMAIL_URL"}
    }
    env.update(
        DATABASE_URL=server_url(database),
        DJANGO_SETTINGS_MODULE="compsite.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-admin-only-secret-key-0123456789-abcdefgh"),
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        EMAIL_URL="consolemail://",
    )
    return env


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class Sizes:
    tools: int
    comparisons: int
    votes: int
    subscribers: int
    editions: int

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        return cls(
            tools=max(int(TOOLS * scale), 40),
            comparisons=max(int(COMPARISONS * scale), 10),
            votes=max(int(VOTES * scale), 100),
            subscribers=max(int(SUBSCRIBERS * scale), 100),
            editions=EDITIONS,
        )


def _chunks(total: int):
    for first in range(1, total + 1, CHUNK):
        yield first, min(first + CHUNK - 1, total)


def load(sizes: Sizes) -> list[tuple[str, float]]:
    """Fill the (migrated, empty) database. Returns how long each step took."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    steps: list[tuple[str, float]] = []

    def step(label: str, statements: list[tuple[str, dict]] | str) -> None:
        if isinstance(statements, str):
            statements = [(statements, {})]
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
        seconds = time.perf_counter() - began
        steps.append((label, seconds))
        say(f"  {label}: {seconds:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")

    began = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    steps.append(("demo content (seed_demo)", time.perf_counter() - began))
    step(
        "20 more categories",
        """INSERT INTO comparisons_category (name, slug, description)
           SELECT 'Bench category ' || g, 'bench-category-' || g, 'Tools of a synthetic kind.'
           FROM generate_series(1, 20) g""",
    )
    params = {"tools": sizes.tools}
    step(
        f"{sizes.tools:,} tools",
        [
            (
                """INSERT INTO comparisons_tool (name, slug, category_id, vendor, tagline,
                       description, website, licence, is_published, prices_checked, created_at,
                       updated_at)
                   SELECT initcap(translate(substr(md5(g::text), 1, 4 + g %% 5), '0123456789',
                              'aeiouklrst'))
                          || ' ' || (ARRAY['Chat', 'Code', 'Vision', 'Voice', 'Scribe',
                              'Studio', 'Agent', 'Copilot', 'Lens', 'Forge', 'Pilot', 'Notes'])
                              [1 + g %% 12] || ' ' || g,
                          'bench-tool-' || lpad(g::text, 6, '0'),
                          cats.ids[1 + g %% array_length(cats.ids, 1)],
                          initcap(substr(md5((g %% 3000)::text), 1, 6)) || ' Labs',
                          'A synthetic tool for the admin benchmark, number ' || g || '.',
                          'A synthetic description of a tool that does things with models.',
                          'https://example.com/', 'MIT', g %% 10 <> 0, now()::date, now(), now()
                   FROM generate_series(1, %(tools)s) g,
                        (SELECT array_agg(id ORDER BY id) AS ids FROM comparisons_category) cats""",
                params,
            )
        ],
    )
    step(
        "their pricing tiers",
        """INSERT INTO comparisons_pricingtier (tool_id, name, price, unit, note, position)
           SELECT t.id, v.name, v.price, 'mo', '', v.position
           FROM comparisons_tool t
           CROSS JOIN (VALUES ('Free', 0, 0), ('Pro', 20, 1)) v(name, price, position)
           WHERE t.slug LIKE 'bench-tool-%%'""",
    )
    step(
        "their scorecards",
        """INSERT INTO reviews_scorecard (reviewer_id, tool_id, verdict, quote, created_at,
               updated_at)
           SELECT r.id, t.id, CASE WHEN (t.id + r.id) %% 3 = 0 THEN 'skip' ELSE 'ship' END,
                  'A synthetic argued verdict.', now(), now()
           FROM comparisons_tool t CROSS JOIN reviews_reviewer r
           WHERE t.slug LIKE 'bench-tool-%%'""",
    )
    half = sizes.tools // 2
    step(
        f"{sizes.comparisons:,} comparisons and their entries",
        [
            (
                """INSERT INTO comparisons_comparison (slug, title, kind, status, intro,
                       pricing_read, verdict, published_at, created_at, updated_at)
                   SELECT a.slug || '-vs-' || b.slug, a.name || ' vs ' || b.name, 'curated',
                          CASE WHEN g %% 50 = 0 THEN 'draft' ELSE 'published' END,
                          'A synthetic comparison.', '', 'Synthetic verdict.',
                          CASE WHEN g %% 50 <> 0 THEN now() - g * interval '1 hour' END,
                          now(), now()
                   FROM generate_series(1, %(comparisons)s) g
                   JOIN comparisons_tool a ON a.slug = 'bench-tool-' || lpad(g::text, 6, '0')
                   JOIN comparisons_tool b
                     ON b.slug = 'bench-tool-' || lpad((g + %(half)s)::text, 6, '0')""",
                {"comparisons": sizes.comparisons, "half": half},
            ),
            (
                """INSERT INTO comparisons_comparisonentry (comparison_id, tool_id, position,
                       vote_count)
                   SELECT c.id, t.id, p.position, 0
                   FROM comparisons_comparison c
                   CROSS JOIN (VALUES (1, 0), (2, 1)) p(part, position)
                   JOIN comparisons_tool t ON t.slug = split_part(c.slug, '-vs-', p.part)
                   WHERE c.slug LIKE 'bench-tool-%%'""",
                {},
            ),
        ],
    )
    step(
        "the published comparisons, numbered",
        """CREATE TEMPORARY TABLE bench_comparison AS
           SELECT c.id, row_number() OVER (ORDER BY c.id) - 1 AS n,
                  min(e.tool_id) FILTER (WHERE e.position = 0) AS first_tool,
                  min(e.tool_id) FILTER (WHERE e.position = 1) AS second_tool
           FROM comparisons_comparison c JOIN comparisons_comparisonentry e
             ON e.comparison_id = c.id
           WHERE c.status = 'published' GROUP BY c.id""",
    )
    vote_sql = """INSERT INTO comparisons_vote (comparison_id, tool_id, reader_hash, created_at,
                      updated_at)
                  SELECT c.id, CASE WHEN (g / n.count) %% 3 = 0 THEN c.second_tool
                                    ELSE c.first_tool END,
                         md5(g::text) || md5((-g)::text), at, at
                  FROM generate_series(%(first)s, %(last)s) g
                  CROSS JOIN (SELECT count(*) AS count FROM bench_comparison) n
                  JOIN bench_comparison c ON c.n = g %% n.count
                  CROSS JOIN LATERAL (SELECT now() - interval '730 days'
                                      + g * (interval '730 days' / %(votes)s) AS at) moment"""
    step(
        f"{sizes.votes:,} votes",
        [
            (vote_sql, {"first": first, "last": last, "votes": sizes.votes})
            for first, last in _chunks(sizes.votes)
        ],
    )
    step(
        "the votes counted onto the entries",
        """UPDATE comparisons_comparisonentry e SET vote_count = v.count
           FROM (SELECT comparison_id, tool_id, count(*) AS count FROM comparisons_vote
                 GROUP BY comparison_id, tool_id) v
           WHERE v.comparison_id = e.comparison_id AND v.tool_id = e.tool_id""",
    )
    subscriber_sql = """INSERT INTO newsletter_subscriber (email, status, created_at,
                            confirmation_requested_at, confirmation_sent_at, confirmed_at,
                            unsubscribed_at, signup_requested_at, signup_interests)
                        SELECT 'reader' || g || '.' || substr(md5(g::text), 1, 5) || '@'
                               || (ARRAY['example.com', 'example.org', 'mail.example.net',
                                   'post.example', 'inbox.example.com', 'example.co.uk',
                                   'news.example', 'example.de'])[1 + g %% 8],
                               CASE WHEN g %% 20 = 0 THEN 'pending'
                                    WHEN g %% 10 = 1 THEN 'unsubscribed'
                                    ELSE 'confirmed' END,
                               at, at, at,
                               CASE WHEN g %% 20 <> 0 THEN at + interval '5 minutes' END,
                               CASE WHEN g %% 10 = 1 THEN at + interval '30 days' END,
                               NULL, '[]'::jsonb
                        FROM generate_series(%(first)s, %(last)s) g
                        CROSS JOIN LATERAL (SELECT now() - interval '1095 days'
                                            + g * (interval '1095 days' / %(total)s) AS at) m"""
    step(
        f"{sizes.subscribers:,} subscribers",
        [
            (subscriber_sql, {"first": first, "last": last, "total": sizes.subscribers})
            for first, last in _chunks(sizes.subscribers)
        ],
    )
    step(
        "a fifth of them with one or two interests",
        """INSERT INTO newsletter_subscriber_interests (subscriber_id, category_id)
           SELECT s.id, cats.ids[1 + (s.id + 7 * k) %% array_length(cats.ids, 1)]
           FROM newsletter_subscriber s CROSS JOIN generate_series(0, 1) k,
                (SELECT array_agg(id ORDER BY id) AS ids FROM comparisons_category) cats
           WHERE s.id %% 5 = 0 AND (k = 0 OR s.id %% 2 = 0)""",
    )
    step(
        f"{sizes.editions} editions that went out, a draft, five comparisons each",
        [
            (
                """INSERT INTO newsletter_edition (week, number, subject, intro, status,
                       created_at, updated_at, send_started_at, deliveries_recorded_at, sent_at)
                   SELECT monday, %(editions)s + 1 - k, '', 'A synthetic edition.',
                          CASE WHEN k = 1 THEN 'sending' ELSE 'sent' END, started, started,
                          started, started,
                          CASE WHEN k <> 1 THEN started + interval '1 hour' END
                   FROM generate_series(1, %(editions)s) k
                   CROSS JOIN LATERAL (SELECT (date_trunc('week', now()) - k * interval '7 days')
                                       ::date AS monday) w
                   CROSS JOIN LATERAL (SELECT monday + interval '8 hours' AS started) s""",
                {"editions": sizes.editions},
            ),
            (
                """INSERT INTO newsletter_edition (week, subject, intro, status, created_at,
                       updated_at)
                   VALUES (date_trunc('week', now())::date, '', 'The draft.', 'draft', now(),
                           now())""",
                {},
            ),
            (
                """INSERT INTO newsletter_editionitem (edition_id, comparison_id, position)
                   SELECT e.id, c.id, c.n %% 5
                   FROM (SELECT id, row_number() OVER (ORDER BY week DESC) - 1 AS k
                         FROM newsletter_edition) e
                   JOIN bench_comparison c ON c.n / 5 = e.k""",
                {},
            ),
        ],
    )
    delivery_sql = """INSERT INTO newsletter_delivery (edition_id, subscriber_id, status,
                          attempts, error, created_at, queued_at, sent_at)
                      SELECT e.id, s.id, state.status, 1,
                             CASE WHEN state.status = 'failed'
                                  THEN 'SMTPRecipientsRefused: 550 No such mailbox' ELSE '' END,
                             e.send_started_at, e.send_started_at,
                             CASE WHEN state.status = 'sent'
                                  THEN e.send_started_at + interval '30 minutes' END
                      FROM newsletter_edition e
                      CROSS JOIN newsletter_subscriber s
                      CROSS JOIN LATERAL (SELECT CASE
                          WHEN e.status = 'sending' AND s.id > %(waiting_from)s THEN 'pending'
                          WHEN s.id %% 500 = 7 THEN 'failed' ELSE 'sent' END AS status) state
                      WHERE e.id = %(edition)s AND s.status = 'confirmed'
                      ORDER BY s.id"""
    from newsletter.models import Edition

    editions = list(
        Edition.objects.filter(number__isnull=False).order_by("number").values_list("pk", flat=True)
    )
    step(
        f"their deliveries ({len(editions)} editions, each to the confirmed)",
        [
            (delivery_sql, {"edition": pk, "waiting_from": int(sizes.subscribers * 0.6)})
            for pk in editions
        ],
    )
    step(
        "the sent editions' counts by status (Edition.delivery_counts)",
        """UPDATE newsletter_edition e SET delivery_counts = jsonb_build_object(
               'total', c.total, 'sent', c.sent, 'failed', c.failed, 'skipped', c.skipped)
           FROM (SELECT edition_id, count(*) AS total,
                        count(*) FILTER (WHERE status = 'sent') AS sent,
                        count(*) FILTER (WHERE status = 'failed') AS failed,
                        count(*) FILTER (WHERE status = 'skipped') AS skipped
                 FROM newsletter_delivery GROUP BY edition_id) c
           WHERE c.edition_id = e.id AND e.status = 'sent'""",
    )
    get_user_model().objects.create_superuser("bench", "bench@example.com", None)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    steps.append(("VACUUM (ANALYZE)", time.perf_counter() - began))
    say(f"  VACUUM (ANALYZE): {steps[-1][1]:.1f} s")
    return steps


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "tools": "comparisons_tool",
        "comparisons": "comparisons_comparison",
        "votes": "comparisons_vote",
        "subscribers": "newsletter_subscriber",
        "editions": "newsletter_edition",
        "deliveries": "newsletter_delivery",
    }
    with connection.cursor() as cursor:
        found = {}
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            found[label] = cursor.fetchone()[0]
    return found


# --- Timing --------------------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    path: str
    median_ms: float = 0
    slowest_ms: float = 0
    queries: int = 0
    status: int = 0


def _one[M](found: M | None, what: str) -> M:
    """An object a page shows: the benchmark's data set holds one."""
    if found is None:
        raise LookupError(f"no {what} in the benchmark's data")
    return found


def pages() -> list[Page]:
    """Every changelist and change form of the admin, with the searches and filters editors use."""
    from comparisons.models import Category, Comparison, ComparisonRedirect, Tool, Vote
    from newsletter.models import Delivery, Edition, Subscriber
    from reviews.models import Reviewer, Scorecard

    tool = _one(Tool.objects.order_by("pk").last(), "tool")
    comparison = _one(
        Comparison.objects.filter(status="published").order_by("pk").last(), "comparison"
    )
    subscriber = Subscriber.objects.order_by("pk")[Subscriber.objects.count() // 2]
    failed = _one(
        Delivery.objects.filter(status="failed").order_by("pk").last() or Delivery.objects.last(),
        "delivery",
    )
    vote = _one(Vote.objects.order_by("pk").last(), "vote")
    draft = Edition.objects.get(status="draft")
    sending = _one(Edition.objects.filter(status="sending").first(), "edition being sent")
    sent = _one(Edition.objects.filter(status="sent").order_by("-number").first(), "sent edition")
    category = _one(Category.objects.order_by("pk").last(), "category")
    interest = _one(Category.objects.order_by("pk").first(), "category")
    reviewer = _one(Reviewer.objects.order_by("pk").first(), "reviewer")
    scorecard = _one(Scorecard.objects.order_by("pk").last(), "scorecard")
    name_part = tool.name.split()[0][:5].lower()
    address = subscriber.email.split("@")[0]
    found = [
        Page("admin index", "/admin/"),
        Page("tools", "/admin/comparisons/tool/"),
        Page("tools: search", f"/admin/comparisons/tool/?q={name_part}"),
        Page("tools: a category", f"/admin/comparisons/tool/?category__id__exact={category.pk}"),
        # Where the dashboard's "see all" links lead.
        Page("tools: prices stale", "/admin/comparisons/tool/?is_published__exact=1&prices=stale"),
        Page("tools: not reviewed", "/admin/comparisons/tool/?is_published__exact=1&reviewed=no"),
        Page("tool: change", f"/admin/comparisons/tool/{tool.pk}/change/"),
        Page("tool: add", "/admin/comparisons/tool/add/"),
        Page(
            "tool autocomplete",
            "/admin/autocomplete/?app_label=comparisons&model_name=comparisonentry"
            f"&field_name=tool&term={name_part}",
        ),
        Page("comparisons", "/admin/comparisons/comparison/"),
        Page("comparisons: search", f"/admin/comparisons/comparison/?q={name_part}"),
        Page("comparisons: published", "/admin/comparisons/comparison/?publication=published"),
        Page("comparison: change", f"/admin/comparisons/comparison/{comparison.pk}/change/"),
        Page("comparison: add", "/admin/comparisons/comparison/add/"),
        Page("comparison redirects", "/admin/comparisons/comparisonredirect/"),
        Page("categories", "/admin/comparisons/category/"),
        Page("category: change", f"/admin/comparisons/category/{category.pk}/change/"),
        Page("votes", "/admin/comparisons/vote/"),
        Page("votes: today", f"/admin/comparisons/vote/?{_today()}"),
        Page("votes: search", f"/admin/comparisons/vote/?q={name_part}"),
        Page("vote: view", f"/admin/comparisons/vote/{vote.pk}/change/"),
        Page("reviewers", "/admin/reviews/reviewer/"),
        Page("reviewer: change", f"/admin/reviews/reviewer/{reviewer.pk}/change/"),
        Page("scorecards", "/admin/reviews/scorecard/"),
        Page("scorecards: search", f"/admin/reviews/scorecard/?q={name_part}"),
        Page("scorecard: change", f"/admin/reviews/scorecard/{scorecard.pk}/change/"),
        Page("subscribers", "/admin/newsletter/subscriber/"),
        Page("subscribers: search an address", f"/admin/newsletter/subscriber/?q={address}"),
        Page("subscribers: search a domain", "/admin/newsletter/subscriber/?q=example.org"),
        Page("subscribers: pending", "/admin/newsletter/subscriber/?status__exact=pending"),
        Page(
            "subscribers: an interest",
            f"/admin/newsletter/subscriber/?interest={interest.pk}",
        ),
        Page("subscribers: no interests", "/admin/newsletter/subscriber/?interest=none"),
        Page("subscribers: page 50", "/admin/newsletter/subscriber/?p=50"),
        Page("subscriber: change", f"/admin/newsletter/subscriber/{subscriber.pk}/change/"),
        Page("deliveries", "/admin/newsletter/delivery/"),
        Page(
            "deliveries: an edition's failed",
            f"/admin/newsletter/delivery/?edition__id__exact={sent.pk}&status__exact=failed",
        ),
        Page("deliveries: pending", "/admin/newsletter/delivery/?status__exact=pending"),
        Page("deliveries: search an address", f"/admin/newsletter/delivery/?q={address}"),
        Page("delivery: change", f"/admin/newsletter/delivery/{failed.pk}/change/"),
        Page("editions", "/admin/newsletter/edition/"),
        Page("edition: change (draft)", f"/admin/newsletter/edition/{draft.pk}/change/"),
        Page("edition: change (sending)", f"/admin/newsletter/edition/{sending.pk}/change/"),
        Page("edition: change (sent)", f"/admin/newsletter/edition/{sent.pk}/change/"),
        Page("edition: progress (sending)", f"/admin/newsletter/edition/{sending.pk}/progress/"),
        Page("edition: send now? (draft)", f"/admin/newsletter/edition/{draft.pk}/send/"),
        Page("edition: add", "/admin/newsletter/edition/add/"),
    ]
    if ComparisonRedirect.objects.exists():
        redirect = _one(ComparisonRedirect.objects.first(), "redirect")
        found.append(
            Page("redirect: change", f"/admin/comparisons/comparisonredirect/{redirect.pk}/change/")
        )
    return found


def _today() -> str:
    """The query of the date filter's "Today" link."""
    from urllib.parse import urlencode

    from django.utils import timezone

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return urlencode(
        {
            "created_at__gte": str(midnight),
            "created_at__lt": str(midnight + datetime.timedelta(days=1)),
        }
    )


def time_pages(found: list[Page], runs: int) -> list[Page]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(get_user_model().objects.get(username="bench"))
    for page in found:
        response = client.get(page.path)  # warm-up: caches, the connection, Postgres' buffers
        page.status = response.status_code
        if page.status != 200:
            raise RuntimeError(f"{page.label}: {page.path} answered {page.status}")
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(page.path)
            timings.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        page.median_ms = statistics.median(timings)
        page.slowest_ms = max(timings)
        page.queries = len(queries)
        mark = "" if page.median_ms < TARGET_MS else "  <-- over a second"
        say(f"  {page.label}: {page.median_ms:.0f} ms, {page.queries} queries{mark}")
    return found


# --- The report ----------------------------------------------------------------------------------


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(
    found: dict[str, int],
    steps: list[tuple[str, float]],
    timed: list[Page],
    runs: int,
    memory: list[str],
) -> str:
    load_seconds = sum(seconds for _, seconds in steps)
    over = [page for page in timed if page.median_ms >= TARGET_MS]
    lines = [
        "# The admin at directory scale",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {commit()}",
        f"- Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Postgres shared with whatever else runs",
        "- Data: " + ", ".join(f"{count:,} {label}" for label, count in found.items()),
        f"- Loading it (`python -m bench.admin`, set-based SQL): {load_seconds / 60:.1f} minutes",
        f"- Each page: opened once to warm up, then {runs} times as a superuser through Django's "
        "test client in one process (DEBUG off, the production settings, no Redis); the median "
        "and the slowest of those runs, and the queries of one more",
        f"- Target: every page under {TARGET_MS} ms; "
        + (
            "all of them are."
            if not over
            else f"{len(over)} are not: " + ", ".join(page.label for page in over) + "."
        ),
        "",
        "| page | median ms | slowest ms | queries |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| {page.label} | {page.median_ms:.0f} | {page.slowest_ms:.0f} | {page.queries} |"
            for page in timed
        ),
        "",
        "Loading, step by step:",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *(f"| {label} | {seconds:.1f} |" for label, seconds in steps),
    ]
    if memory:
        lines += ["", *memory]
    return "\n".join(lines) + "\n"


# --- The command ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.admin", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the rows")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true", help="time an already loaded database")
    parser.add_argument("--no-memory", action="store_true", help="skip the send's memory")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    reuse = args.reuse and database_exists(DATABASE)
    if not reuse:
        say(f"creating the database {DATABASE}")
        create_database(DATABASE)
    env = bench_environment(DATABASE)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    # As in the tests: static files from the source folders (production's manifest storage
    # needs collectstatic first, and serving static files is not what is timed here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        steps: list[tuple[str, float]] = []
        if not reuse:
            say("loading (set-based SQL)")
            steps = load(Sizes.scaled(args.scale))
            say(f"loaded in {sum(s for _, s in steps) / 60:.1f} minutes")
        found = counts()
        say("rows: " + ", ".join(f"{count:,} {label}" for label, count in found.items()))
        say(f"timing each page ({args.runs} runs after a warm-up)")
        timed = time_pages(pages(), args.runs)
        memory: list[str] = []
        if not args.no_memory:
            from bench import send_memory

            connection.close()
            memory = send_memory.measure(
                big=(DATABASE, found["subscribers"]), scale=args.scale, env=env
            )
        if steps or not args.out.exists():
            args.out.write_text(report(found, steps, timed, args.runs, memory))
            say(f"wrote {args.out}")
        else:
            path = args.out.with_suffix(".reuse.md")
            path.write_text(report(found, steps, timed, args.runs, memory))
            say(f"timed a reused database: wrote {path}")
    finally:
        connection.close()
        if not args.keep:
            say(f"dropping the database {DATABASE}")
            drop_database(DATABASE)


if __name__ == "__main__":
    main()
