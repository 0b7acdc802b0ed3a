import random

import pytest
from django.test import Client

from compsite.celery import app as celery_app
from tests.newsletter.smtp_sink import smtp_mailers, start_sink

# Each test's client comes from its own address, so the per-IP sign-up limit (counted in Redis,
# across runs) only ever trips where a test means it to.
_network = random.Random()


def unique_ip() -> str:
    return f"10.{_network.randrange(256)}.{_network.randrange(256)}.{_network.randrange(1, 255)}"


def behind_the_proxy(**headers: str) -> dict[str, str]:
    """A new reader's headers as the proxy (the test client's 127.0.0.1) passes them on."""
    return {
        "x-forwarded-proto": "https",
        "x-forwarded-for": unique_ip(),
        "sec-fetch-site": "same-origin",  # the sign-up form is posted from the site's own page
        **headers,
    }


@pytest.fixture
def client() -> Client:
    return Client(headers=behind_the_proxy())


@pytest.fixture
def htmx_client() -> Client:
    return Client(headers=behind_the_proxy(**{"hx-request": "true"}))


@pytest.fixture
def eager():
    """Run Celery tasks in the test's own process, as the embedded default (no REDIS_URL) does.

    Celery reads its configuration from Django settings once, when the app is first used, so the
    ``settings`` fixture cannot switch this: the app's own configuration is set and restored.
    """
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def sink(settings):
    """A real SMTP server on a local port, with the default mailer pointed at it."""
    server, controller = start_sink()
    settings.MAILERS = smtp_mailers(server.port)
    yield server
    controller.stop()
