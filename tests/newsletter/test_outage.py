"""A sign-up while Redis (broker and cache) is down: the reader sees the usual answer, the address is
saved, and the sweep sends the confirmation once the broker is back.

The outage is real: a separate process runs the site with REDIS_URL pointing at a port where
nothing listens, against the test database.
"""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone

from newsletter import services
from newsletter.models import Subscriber
from tests.newsletter.smtp_sink import free_port
from tests.newsletter.workers import ROOT, database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

SIGN_UP_DURING_OUTAGE = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client

client = Client(headers={"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"})
response = client.post("/newsletter/subscribe/", {"email": "outage@example.com", "next": "/"})
print(response.status_code, response["Location"])
"""


def test_sign_up_during_a_broker_outage_is_kept_and_the_sweep_sends_the_confirmation(
    eager, mailoutbox
):
    result = subprocess.run(
        [sys.executable, "-c", SIGN_UP_DURING_OUTAGE],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "compsite.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "SECRET_KEY": settings.SECRET_KEY,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a guard against hanging, not a measure
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["303", "/?newsletter=sent#newsletter"]
    assert "newsletter.settle_sign_up" in result.stderr
    assert "failed to enqueue" in result.stderr

    subscriber = Subscriber.objects.get(email="outage@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.signup_requested_at is not None
    assert subscriber.confirmation_sent_at is None

    # The broker is back; the sweep (every ten minutes) finds the sign-up waiting.
    swept = services.newsletter_sweep(now=timezone.now() + datetime.timedelta(minutes=10))
    assert swept.sign_ups == 1
    [message] = mailoutbox
    assert message.to == ["outage@example.com"]
    assert message.subject == "Confirm your subscription to Weekly AI Tool Verdicts"
    subscriber.refresh_from_db()
    assert subscriber.confirmation_sent_at is not None
