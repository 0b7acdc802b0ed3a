"""`create_editor EMAIL`: a staff account in Editors, and a one-time link to choose a password."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.editors.accounts import editors_group

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-91"


def create_editor(email: str) -> str:
    out = StringIO()
    call_command("create_editor", email, stdout=out)
    return out.getvalue()


def link_in(output: str) -> str:
    [link] = re.findall(r"https?://\S+", output)
    return link


@pytest.fixture(autouse=True)
def _site(settings):
    editors_group()
    settings.SITE_URL = "https://verdicts.example"


def test_makes_a_staff_editor_without_a_usable_password():
    output = create_editor("Ada.Editor@Example.COM")
    user = get_user_model().objects.get()
    assert user.username == user.email == "Ada.Editor@example.com"
    assert user.is_staff and user.is_active and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert not user.has_usable_password()
    assert "Created the editor Ada.Editor@example.com." in output
    assert link_in(output).startswith("https://verdicts.example/admin/set-password/")
    assert "password:" not in output.lower()


def test_the_link_sets_the_password_once_and_the_editor_can_sign_in():
    link = link_in(create_editor("new.editor@example.com"))
    browser = Client(headers={"x-forwarded-proto": "https"})
    # Django moves the token out of the address (into the session) before showing the form.
    first = browser.get(urlsplit(link).path)
    assert first.status_code == 302
    form_page = browser.get(first.headers["Location"])
    assert form_page.status_code == 200
    assert b"Choose your password" in form_page.content
    assert b"new.editor@example.com" in form_page.content

    done = browser.post(
        first.headers["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/admin/set-password/done/"
    assert b"Your password is set" in browser.get("/admin/set-password/done/").content

    user = get_user_model().objects.get()
    assert user.check_password(NEW_PASSWORD)
    signed_in = Client(headers={"x-forwarded-proto": "https"})
    response = signed_in.post(
        "/admin/login/?next=/admin/",
        {"username": "new.editor@example.com", "password": NEW_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert signed_in.get("/admin/comparisons/tool/").status_code == 200

    # Used once: the same link now says so.
    again = Client(headers={"x-forwarded-proto": "https"}).get(urlsplit(link).path)
    assert again.status_code == 200
    assert b"This link no longer works" in again.content


def test_a_forged_link_sets_nothing():
    create_editor("someone@example.com")
    user = get_user_model().objects.get()
    page = Client(headers={"x-forwarded-proto": "https"}).get(
        f"/admin/set-password/{user.pk}/not-a-token/"
    )
    assert b"This link no longer works" in page.content
    assert not user.has_usable_password()


def test_running_it_again_reuses_the_account_and_keeps_its_password():
    user = get_user_model().objects.create_user(
        "writer@example.com", "writer@example.com", "existing-pass-123"
    )
    output = create_editor("writer@example.com")
    user.refresh_from_db()
    assert get_user_model().objects.count() == 1
    assert user.is_staff and user.groups.filter(name="Editors").exists()
    assert user.check_password("existing-pass-123")
    assert "already had an account" in output
    assert "existing-pass-123" not in output


@pytest.mark.parametrize("email", ["not-an-address", "two@@example.com", "", "a@b@c"])
def test_an_invalid_address_is_refused_with_a_clear_error(email):
    with pytest.raises(CommandError, match="is not a valid email address"):
        create_editor(email)
    assert not get_user_model().objects.exists()


def test_exits_non_zero_from_the_shell(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "create_editor", "nope"],
        cwd=root, env=os.environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "“nope” is not a valid email address." in result.stderr
