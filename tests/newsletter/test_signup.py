"""The sign-up block: what a reader, a bot or a careless paste can send it, and what it answers."""

import datetime
import re
import threading

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.utils import timezone

from comparisons.models import Category
from newsletter import services
from newsletter.models import Subscriber
from tests.factories import CategoryFactory, ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"
NEUTRAL = "If this address needs confirming, a link is on its way (at most one an hour)"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def sign_up(client, email, **data):
    return client.post(SUBSCRIBE, {"email": email, "next": "/", **data})


def signed_up_confirmations() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Confirm your subscription")]


# --- The block on the pages ---------------------------------------------------------------


def test_block_on_home_comparison_and_newsletter_pages_follows_the_markup_contract(client):
    comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
    for path in ["/", comparison.get_absolute_url(), "/newsletter/"]:
        page = soup(client.get(path))
        block = page.find(id="newsletter")
        assert block is not None, path
        form = block.find("form", method="post")
        assert form["action"] == SUBSCRIBE
        assert form["data-hx-post"] == SUBSCRIBE
        email = form.find("input", attrs={"name": "email"})
        assert email["type"] == "email"
        assert page.find("label", attrs={"for": email["id"]}).get_text(strip=True)
        assert form.find("button", type="submit")
        # One hidden text field, empty: the only bot trap.
        text_inputs = form.find_all("input", type="text")
        assert [field["name"] for field in text_inputs] == ["website"]
        assert not text_inputs[0].get("value")
        assert "signup-trap" in text_inputs[0].find_parent("p")["class"]
        # No per-visitor token on a shared page: the sign-up checks the origin instead.
        assert not form.find("input", attrs={"name": "csrfmiddlewaretoken"})
        assert block.find(attrs={"role": "status"}) is not None


def test_comparison_page_block_returns_to_the_comparison(client):
    comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
    page = soup(client.get(comparison.get_absolute_url()))
    assert page.find("input", attrs={"name": "next"})["value"] == comparison.get_absolute_url()


def test_newsletter_page_offers_category_interests(client):
    CategoryFactory.create(name="Vision", slug="vision")
    CategoryFactory.create(name="Speech", slug="speech")
    page = soup(client.get("/newsletter/"))
    boxes = page.select('#newsletter input[type="checkbox"][name="interests"]')
    assert len(boxes) == 2
    assert page.select_one("#newsletter fieldset legend")


# --- Signing up ---------------------------------------------------------------------------


def test_no_js_sign_up_redirects_back_with_the_neutral_message(client):
    response = sign_up(client, "new@example.com")
    assert response.status_code == 303
    assert response["Location"] == "/?newsletter=sent#newsletter"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "new@example.com"
    assert subscriber.status == Subscriber.Status.PENDING
    page = soup(client.get(response["Location"]))
    assert NEUTRAL in page.find(id="newsletter").find(attrs={"role": "status"}).get_text()


def test_htmx_sign_up_answers_with_the_block_alone(htmx_client):
    response = sign_up(htmx_client, "new@example.com")
    assert response.status_code == 200
    assert b"<html" not in response.content
    block = soup(response)
    section = block.find("section")
    assert section["id"] == "newsletter"
    assert NEUTRAL in section.find(attrs={"role": "status"}).get_text()
    # The form is there again, empty, for another address.
    assert not section.find("input", attrs={"name": "email"}).get("value")


def test_sign_up_sends_a_confirmation_after_commit(
    client, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sign_up(client, "new@example.com")
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert "List-Unsubscribe" not in message.extra_headers
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmation_sent_at is not None


def test_sign_up_with_interests(client, eager, django_capture_on_commit_callbacks):
    vision = CategoryFactory.create(slug="vision")
    CategoryFactory.create(slug="speech")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "picky@example.com", interests=[vision.pk], full="1")
    assert list(Subscriber.objects.get().interests.all()) == [vision]


@pytest.mark.parametrize("state", [None, *Subscriber.Status])
def test_every_address_costs_the_request_the_same_work(
    client, django_capture_on_commit_callbacks, state
):
    """The same statements and one task, whoever the address belongs to: neither the answer nor
    its timing can tell an attacker who is on the list (the worker settles the difference)."""
    if state is not None:
        SubscriberFactory.create(email="known@example.com", status=state)

    def work_of(address: str) -> tuple[list[str], int]:
        statements = []

        def record(execute, sql, params, many, context):
            statements.append(re.sub(r'"s\d+_x\d+"', "<savepoint>", sql))
            return execute(sql, params, many, context)

        with (
            connection.execute_wrapper(record),
            django_capture_on_commit_callbacks() as tasks,
        ):
            assert sign_up(client, address).status_code == 303
        return statements, len(tasks)

    assert work_of("known@example.com") == work_of("brand-new@example.com")
    assert work_of("known@example.com")[1] == 1


def test_sign_up_with_unknown_interest_is_a_clear_error_not_a_crash(client):
    for value in ["999999", "abc", "1; DROP TABLE"]:
        response = sign_up(client, "picky@example.com", interests=[value], full="1")
        assert response.status_code == 200
        assert "Choose categories from the list" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("state", "resends"),
    [
        (Subscriber.Status.PENDING, True),
        (Subscriber.Status.CONFIRMED, False),
        (Subscriber.Status.UNSUBSCRIBED, True),
    ],
)
def test_sign_up_again_answers_the_same_in_every_state(
    htmx_client, client, eager, django_capture_on_commit_callbacks, state, resends
):
    fresh_htmx = sign_up(htmx_client, "first@example.com").content
    fresh_redirect = sign_up(client, "second@example.com")["Location"]
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    SubscriberFactory.create(
        email="known@example.com",
        status=state,
        confirmation_requested_at=two_days_ago,
        confirmation_sent_at=two_days_ago,
    )
    with django_capture_on_commit_callbacks(execute=True):
        again_htmx = sign_up(htmx_client, "known@example.com")
        again_redirect = sign_up(client, "known@example.com")
    assert strip_csrf(again_htmx.content) == strip_csrf(fresh_htmx)
    assert again_redirect.status_code == 303
    assert again_redirect["Location"] == fresh_redirect
    subscriber = Subscriber.objects.get(email="known@example.com")
    if state == Subscriber.Status.CONFIRMED:
        assert subscriber.status == Subscriber.Status.CONFIRMED
    else:
        assert subscriber.status == Subscriber.Status.PENDING
    assert len(signed_up_confirmations()) == (1 if resends else 0)


def strip_csrf(content: bytes) -> str:
    page = soup_from(content)
    for field in page.find_all("input", attrs={"name": "csrfmiddlewaretoken"}):
        field["value"] = ""
    return str(page)


def soup_from(content: bytes) -> BeautifulSoup:
    return BeautifulSoup(content, "html.parser")


def test_pending_address_gets_its_confirmation_again_at_most_once_an_hour(
    client, eager, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sign_up(client, "slow@example.com")
            sign_up(client, "slow@example.com")
        assert len(signed_up_confirmations()) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sign_up(client, "slow@example.com")
        assert len(signed_up_confirmations()) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sign_up(client, "slow@example.com")
        assert len(signed_up_confirmations()) == 2


def test_addresses_are_trimmed_and_domains_lower_cased_into_one_subscriber(client):
    sign_up(client, "  Reader.Name@Example.COM \n")
    sign_up(client, "Reader.Name@example.com")
    [subscriber] = Subscriber.objects.all()
    # The local part keeps its case: only the receiving server may fold it.
    assert subscriber.email == "Reader.Name@example.com"


def test_international_domain_is_one_subscriber_in_either_spelling(client):
    assert sign_up(client, "leser@BÜCHER.example").status_code == 303
    assert sign_up(client, "leser@xn--bcher-kva.example").status_code == 303
    [subscriber] = Subscriber.objects.all()
    assert subscriber.email == "leser@xn--bcher-kva.example"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address."),
        ("   ", "Enter your email address."),
        ("not-an-address", "doesn't look like an email address"),
        ("two@@example.com", "doesn't look like an email address"),
        ("jöhn@example.com", "doesn't look like an email address"),
        ("nul\x00byte@example.com", ""),
        ("a@" + "b" * 300 + ".com", ""),
        ("x" * 100_000 + "@example.com", ""),
        ("a" * 64 + "@" + ("b" * 60 + ".") * 4 + "com", "at most 254 characters"),
        ("<script>alert(1)</script>@example.com", "doesn't look like an email address"),
    ],
)
def test_invalid_address_gets_a_clear_message_tied_to_the_field(client, email, message):
    response = sign_up(client, email)
    assert response.status_code == 200
    page = soup(response)
    field = page.find("input", attrs={"name": "email"})
    assert field["aria-invalid"] == "true"
    error = page.find(id="newsletter-email-error")
    assert error is not None
    assert "newsletter-email-error" in field["aria-describedby"].split()
    assert message in error.get_text()
    assert "<script>alert" not in response.content.decode()
    assert not Subscriber.objects.exists()


def test_invalid_address_with_htmx_swaps_the_block_with_the_error(htmx_client):
    response = sign_up(htmx_client, "nope")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert soup(response).find(id="newsletter-email-error")


def test_a_request_body_too_big_to_read_is_a_400_not_a_crash(client):
    response = client.post(SUBSCRIBE, {"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400


def test_filled_honeypot_gets_the_same_answer_and_nothing_is_stored(client, htmx_client):
    response = sign_up(client, "bot@example.com", website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == "/?newsletter=sent#newsletter"
    response = sign_up(htmx_client, "bot@example.com", website="buy now")
    assert NEUTRAL in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "next_value",
    ["//evil.example/", "https://evil.example/", "/\r\nSet-Cookie: x=1", "javascript:alert(1)", ""],
)
def test_redirect_never_leaves_the_site(client, next_value):
    response = client.post(SUBSCRIBE, {"email": "a@example.com", "next": next_value})
    assert response.status_code == 303
    assert response["Location"] == "/newsletter/?newsletter=sent#newsletter"


def test_a_get_to_the_sign_up_address_changes_nothing(client):
    assert client.get(SUBSCRIBE, {"email": "a@example.com"}).status_code == 405
    assert not Subscriber.objects.exists()


def test_rate_limit_answers_429_with_a_friendly_message(client, settings):
    settings.SIGNUP_RATE = "2/m"
    assert sign_up(client, "one@example.com").status_code == 303
    assert sign_up(client, "two@example.com").status_code == 303
    response = sign_up(client, "three@example.com")
    assert response.status_code == 429
    assert "Too many sign-ups from your network" in response.content.decode()
    assert not Subscriber.objects.filter(email="three@example.com").exists()


def test_rate_limit_with_htmx_answers_429_with_the_block(htmx_client, settings):
    settings.SIGNUP_RATE = "1/m"
    sign_up(htmx_client, "one@example.com")
    response = sign_up(htmx_client, "two@example.com")
    assert response.status_code == 429
    assert b"<html" not in response.content
    status = soup(response).find(attrs={"role": "status"}).get_text()
    assert "try again in a minute" in status


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_of_one_address_make_one_subscriber_and_one_email(eager):
    """Eight requests for one address at the same moment, each on its own connection."""
    barrier = threading.Barrier(8)
    errors = []

    def attempt():
        try:
            barrier.wait()
            services.subscriber_sign_up(email="race@example.com")
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Subscriber.objects.filter(email="race@example.com").count() == 1
    assert len(signed_up_confirmations()) == 1


def test_categories_left_unticked_keep_earlier_choices_of_a_pending_address(
    client, eager, django_capture_on_commit_callbacks
):
    vision = Category.objects.create(name="Vision", slug="vision")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "picky@example.com", interests=[vision.pk], full="1")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "picky@example.com")
    assert list(Subscriber.objects.get().interests.all()) == [vision]
