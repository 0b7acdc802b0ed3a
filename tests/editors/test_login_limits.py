"""Password guessing at the admin sign-in is cut short (django-axes)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.editors.accounts import make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-passphrase-472"


def browser(address: str = "203.0.113.9") -> Client:
    """Somebody at ``address``, behind the proxy (the test client's own 127.0.0.1)."""
    return Client(headers={"x-forwarded-proto": "https", "x-forwarded-for": address})


def sign_in(client: Client, password: str, username: str = "editor@example.com"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )


@pytest.fixture
def editor_with_password(db):
    return make_editor("editor@example.com", password=PASSWORD)


def test_wrong_passwords_lock_the_account_from_that_address_until_the_cool_off(
    editor_with_password,
):
    start = timezone.now()
    guesser = browser()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = sign_in(guesser, "wrong-guess")
            assert response.status_code == 200  # the form again, with its usual error
            assert b"Please enter the correct" in response.content
        locked = sign_in(guesser, "wrong-guess")
        assert locked.status_code == 429
        assert b"Sign-in paused" in locked.content
        assert b"Wait 15 minutes" in locked.content
        assert b"Please enter the correct" not in locked.content

        # Now even the right password is refused from there…
        clock.shift(datetime.timedelta(minutes=14))
        refused = sign_in(guesser, PASSWORD)
        assert refused.status_code == 429
        assert "_auth_user_id" not in guesser.session

        # …until the cool-off has passed since the last counted failure.
        clock.shift(datetime.timedelta(minutes=2))
        allowed = sign_in(guesser, PASSWORD)
        assert allowed.status_code == 302
        assert allowed.headers["Location"] == "/admin/"
        assert guesser.get("/admin/").status_code == 200


def test_the_lockout_page_has_the_admin_look_and_no_inline_script(editor_with_password):
    from bs4 import BeautifulSoup

    guesser = browser("203.0.113.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(guesser, "wrong-guess")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.text.strip().startswith("Sign-in paused")
    assert "AI Tool Verdicts" in soup.find(id="site-name").text
    for script in soup.find_all("script"):
        assert script.get("src"), script


def test_the_editor_at_another_address_still_gets_in(editor_with_password):
    guesser = browser("203.0.113.11")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, "wrong-guess")
    assert sign_in(guesser, PASSWORD).status_code == 429
    assert sign_in(browser("198.51.100.4"), PASSWORD).status_code == 302


def test_behind_the_proxy_the_appended_address_counts(editor_with_password):
    # A guesser cannot dodge the count by writing their own X-Forwarded-For: the address our
    # proxy appended (the last one) is theirs; what they wrote before it counts for nothing.
    for index in range(settings.AXES_FAILURE_LIMIT):
        client = Client(
            headers={
                "x-forwarded-proto": "https",
                "x-forwarded-for": f"10.0.0.{index}, 192.0.2.50",
            },
        )
        response = sign_in(client, "wrong-guess")
    assert response.status_code == 429


def test_one_address_may_fail_only_so_often_across_usernames(editor_with_password):
    guesser = browser("203.0.113.13")
    answers = [
        sign_in(guesser, "wrong-guess", username=f"nobody-{n}@example.com").status_code
        for n in range(settings.SIGN_IN_FAILURES_PER_ADDRESS + 2)
    ]
    limit = settings.SIGN_IN_FAILURES_PER_ADDRESS
    assert answers == [200] * (limit - 1) + [429] * 3
    refused = sign_in(guesser, PASSWORD)
    assert refused.status_code == 429
    assert b"from your connection, for one account or several" in refused.content
    assert sign_in(browser("198.51.100.5"), PASSWORD).status_code == 302


def test_a_good_sign_in_clears_earlier_failures(editor_with_password):
    client = browser("203.0.113.12")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong-guess")
    assert sign_in(client, PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong-guess").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302
