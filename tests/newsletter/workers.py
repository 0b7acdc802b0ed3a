"""Real ``celery -A compsite worker`` processes for the tests, on the test database and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from tests.conftest import POSTAL_ADDRESS

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
# How long a test waits for something the workers must do before it fails (and shows their
# logs). A guard against hanging, not a timed assertion: a healthy run needs a few seconds.
PATIENCE = 180


def database_url() -> str:
    """The test database (pytest-django's test_<name>), which the workers must use too."""
    config = connection.settings_dict
    credentials = config["USER"] or ""
    if config["PASSWORD"]:
        credentials += f":{config['PASSWORD']}"
    host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{config['NAME']}"


def purge_broker() -> None:
    """Empty the queue and forget unacknowledged tasks left by an earlier run's killed worker.

    Only Celery's own keys in the test Redis database: the cache's keys stay.
    """
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    client.close()


class Worker:
    def __init__(self, name: str, log_dir: Path, smtp_port: int, concurrency: int = 2):
        self.name = name
        self.log = log_dir / f"worker-{name}.log"
        assert settings.SECRET_KEY is not None
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.newsletter.worker_settings",
            "NEWSLETTER_POSTAL_ADDRESS": POSTAL_ADDRESS,
            "DATABASE_URL": database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SITE_URL": settings.SITE_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "compsite",
                    "worker",
                    "--loglevel=INFO",
                    f"--hostname={name}@%h",
                    "--pool=prefork",
                    f"--concurrency={concurrency}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: SIGKILL reaches the pool's children too, as a crash of
                # the machine or container would.
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL, no warning, no clean-up: the worker and its pool processes die mid-task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: finish, then exit
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_for(condition: Callable[[], bool], workers: list[Worker], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        for worker in workers:
            if worker.process.poll() is not None:
                raise AssertionError(
                    f"worker {worker.name} exited while waiting for {what}:\n{worker.output()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.name} ---\n{w.output()[-5000:]}" for w in workers)
            raise AssertionError(f"gave up waiting for {what}\n{logs}")
        time.sleep(0.02)
