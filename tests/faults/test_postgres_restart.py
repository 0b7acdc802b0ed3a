"""Postgres restarted under a running gunicorn: a clean 503 while it is down, 200 after, no restart.

The test runs its own Postgres cluster (initdb as the postgres user, a free port, a temporary
folder), so stopping it disturbs nothing else on the machine.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.services import PrivateCluster, free_port

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


def fetch(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def cluster():
    cluster = PrivateCluster(database="faults")
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.remove()


def test_requests_fail_cleanly_during_a_restart_and_succeed_after(cluster):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "REDIS_URL")},
        "DATABASE_URL": cluster.url,
        "SECRET_KEY": "fault-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    # The production start: hashed static files must be collected before gunicorn serves pages.
    subprocess.run(
        [*manage, "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "compsite.wsgi", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        site = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = fetch(f"{site}/tools/")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200

        cluster.stop()
        for path in ["/tools/", "/tools/smolvlm2/", "/search/?q=claude"]:
            status, body = fetch(site + path)
            assert status == 503, (path, status)
            assert "We&#x27;ll be right back" in body or "We'll be right back" in body
            assert "Traceback" not in body and "OperationalError" not in body
        health_status, health = fetch(f"{site}/healthz")
        assert health_status == 503 and '"database": "OperationalError' in health

        cluster.start()
        for path in ["/tools/", "/tools/smolvlm2/", "/healthz"]:
            status, _ = fetch(site + path)
            assert status == 200, (path, status)
        assert server.poll() is None  # the same process throughout
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output
