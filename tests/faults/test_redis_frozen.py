"""A Redis that hangs (the redis-server stopped with SIGSTOP: connections are accepted, nothing
answers) must not hang the site: under the real gunicorn, sign-up, /healthz and votes answer
within their deadline, what they store is stored, and after SIGCONT everything works again.

The deadlines promised are 2 s; the test allows DEADLINE, generously more, so that a busy machine
never fails it. It checks that answers come, not how fast.
"""

import base64
import json
import re
import time

import psycopg
import pytest
import redis

from tests.services import Answer, Site, gunicorn_site, own_database, private_redis

pytestmark = pytest.mark.processes

SLUG = "smolvlm2-vs-smolvlm2-2b"
DEADLINE = 5.0  # seconds; the promise is 2


@pytest.fixture
def frozen_site():
    with (
        own_database("aitv_frozen") as database,
        private_redis() as server,
        gunicorn_site(database, server.url, workers=3) as served,
    ):
        try:
            yield served.site, server, database
        finally:
            server.thaw()  # stop() kills it whatever its state; a thawed gunicorn stops cleanly
    # No worker was killed for taking too long.
    assert "WORKER TIMEOUT" not in served.output, served.output


def within_deadline(site: Site, path: str, data: dict | None = None, **kwargs):
    """The answer to one request (or why none came within DEADLINE), and the seconds it took:
    shown when the test fails, never compared with anything."""
    started = time.monotonic()
    answer: Answer | str
    try:
        answer = site.request(path, data, timeout=DEADLINE, **kwargs)
    except TimeoutError:
        answer = f"no answer within {DEADLINE} s"
    except OSError as error:  # the worker was killed mid-request, say
        answer = f"{type(error).__name__}: {error}"
    return answer, round(time.monotonic() - started, 1)


def query(database: str, sql: str, *params):
    with psycopg.connect(database) as conn:
        return conn.execute(sql, params).fetchall()


def vote_count(database: str) -> int:
    return query(database, "SELECT count(*) FROM comparisons_vote")[0][0]


def shown_votes(html: str) -> int:
    total = re.search(r'class="vote-total"><strong>([\d,]+) votes?', html)
    assert total is not None, "no vote total on the page"
    return int(total.group(1).replace(",", ""))


def queued_tasks(url: str) -> list[tuple[str, list]]:
    """(task name, arguments) of the messages waiting in Celery's queue, newest first."""
    client = redis.Redis.from_url(url)
    try:
        messages = [json.loads(raw) for raw in client.lrange("celery", 0, -1)]
    finally:
        client.close()
    # Celery's message protocol 2: the body is [args, kwargs, embed], JSON in base64.
    return [
        (message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0])
        for message in messages
    ]


def test_a_frozen_redis_never_hangs_sign_up_health_or_votes(frozen_site):
    site, server, database = frozen_site
    # Before the freeze: two readers' browsers with the forms loaded, the pages cached.
    signup_form = site.form("/newsletter/")
    vote_form = site.form(f"/compare/{SLUG}/")
    votes = vote_count(database)
    shown = shown_votes(site.get(f"/compare/{SLUG}/"))
    assert site.request("/healthz").status == 200

    server.freeze()
    requests = {
        "sign-up": within_deadline(
            site, "/newsletter/subscribe/", {"email": "frozen@example.com", "next": "/"},
            form=signup_form,
        ),
        "healthz": within_deadline(site, "/healthz"),
        "vote": within_deadline(site, f"/compare/{SLUG}/vote/", {"tool": "smolvlm2"}, form=vote_form),
        "page": within_deadline(site, f"/compare/{SLUG}/"),
    }  # fmt: skip
    answered = {
        name: answer if isinstance(answer, str) else answer.status
        for name, (answer, _) in requests.items()
    }
    took = {name: seconds for name, (_, seconds) in requests.items()}
    assert answered == {"sign-up": 303, "healthz": 503, "vote": 303, "page": 200}, took
    health = requests["healthz"][0]

    # The sign-up is stored; settling it (and the confirmation email) waits for the broker.
    [(subscriber_id, status, requested, sent)] = query(
        database,
        "SELECT id, status, signup_requested_at, confirmation_sent_at"
        " FROM newsletter_subscriber WHERE email = %s",
        "frozen@example.com",
    )
    assert (status, requested is not None, sent) == ("pending", True, None)
    # /healthz says what failed.
    report = json.loads(health.body)
    assert report["database"] == "ok"
    assert report["cache"].startswith("TimeoutError"), report
    assert report["broker"] != "ok", report
    # The vote is stored.
    assert vote_count(database) == votes + 1

    server.thaw()
    health = site.request("/healthz", timeout=DEADLINE)
    assert (health.status, json.loads(health.body)) == (
        200,
        {"database": "ok", "cache": "ok", "broker": "ok"},
    )
    # The sweep (beat runs it every ten minutes) queues the sign-up the outage held back: the
    # worker settles it and sends the confirmation.
    swept = site.run(
        "import datetime\n"
        "from django.utils import timezone\n"
        "from newsletter import services\n"
        "later = timezone.now() + datetime.timedelta(minutes=10)\n"
        "print(services.newsletter_sweep(now=later).sign_ups)\n"
    )
    assert swept.split() == ["1"]
    assert queued_tasks(server.url) == [("newsletter.settle_sign_up", [subscriber_id])]
    # Requests use Redis again: a sign-up queues its own task, a vote shows at once.
    again = site.request(
        "/newsletter/subscribe/", {"email": "after@example.com", "next": "/"},
        form=site.form("/newsletter/"), timeout=DEADLINE,
    )  # fmt: skip
    assert again.status == 303
    [(after_id,)] = query(
        database, "SELECT id FROM newsletter_subscriber WHERE email = %s", "after@example.com"
    )
    assert queued_tasks(server.url) == [
        ("newsletter.settle_sign_up", [after_id]),
        ("newsletter.settle_sign_up", [subscriber_id]),
    ]
    form = site.form(f"/compare/{SLUG}/")
    assert site.request(f"/compare/{SLUG}/vote/", {"tool": "smolvlm2-2b"}, form=form).status == 303
    assert shown_votes(site.get(f"/compare/{SLUG}/")) == shown + 2
