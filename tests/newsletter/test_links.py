"""The links in the emails: confirm, unsubscribe, manage interests.

Mail scanners prefetch every link, so a GET never changes anything; forged or altered tokens get
a friendly 400; mail clients' one-click unsubscribe works with no cookie and no CSRF token.
"""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsletter.models import Subscriber
from tests.factories import CategoryFactory
from tests.newsletter.conftest import behind_the_proxy
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def pending(**fields) -> Subscriber:
    return SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None, **fields)


def altered(token: str) -> str:
    """The token with its last character changed, as a mangled link would have it."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def bare_client(**options) -> Client:
    """A mail client's one-click POST: no cookie, nothing but the body; CSRF checks on."""
    return Client(
        enforce_csrf_checks=True,
        headers=behind_the_proxy(),
        **options,
    )


# --- Confirm ------------------------------------------------------------------------------


def test_confirm_get_shows_a_button_and_changes_nothing(client):
    subscriber = pending()
    url = subscriber.confirm_url()  # signed with the time: one link, used throughout
    for method in (client.get, client.head):
        response = method(url)
        assert response.status_code == 200
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.find("main").find("form", method="post")
    assert form["action"] == url
    assert form.find("button", type="submit")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert mail.outbox == []


def test_confirm_post_confirms_and_sends_a_welcome_once(
    client, eager, django_capture_on_commit_callbacks
):
    subscriber = pending()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(subscriber.confirm_url())
        again = client.post(subscriber.confirm_url())
    assert response.status_code == again.status_code == 200
    assert "You're subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    [welcome] = mail.outbox
    assert welcome.subject == "Welcome to Weekly AI Tool Verdicts"
    assert "List-Unsubscribe" not in welcome.extra_headers


def test_a_reused_confirm_link_says_the_address_is_already_confirmed(
    client, eager, django_capture_on_commit_callbacks
):
    subscriber = pending(email="twice@example.com")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        url = subscriber.confirm_url()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        again_post = client.post(url)
    again_get = client.get(url)
    assert "You're subscribed" in first.content.decode()
    for response in (again_post, again_get):
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        assert page.h1.text == "Already confirmed"
        status = " ".join(page.main.find(attrs={"role": "status"}).text.split())
        assert status.startswith("twice@example.com is already confirmed")
        assert "welcome email is on its way" not in response.content.decode()
        assert page.find("main").find("form", method="post") is None  # no button to press again
    assert len(mail.outbox) == 1  # one welcome, from the first use only


def test_confirm_link_lasts_seven_days(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        subscriber = pending()
        url = subscriber.confirm_url()
    with time_machine.travel(now + datetime.timedelta(days=6, hours=23), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(now + datetime.timedelta(days=7, minutes=1), tick=False):
        response = client.get(url)
        assert response.status_code == 400
        assert "Confirmation links last seven days" in response.content.decode()
        assert client.post(url).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_confirm_link_of_an_unsubscribed_address_does_not_resubscribe(client):
    subscriber = pending()
    url = subscriber.confirm_url()
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    response = client.post(url)
    assert response.status_code == 200
    assert "isn't active" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_confirm_link_for_a_deleted_subscriber_is_a_friendly_page(client):
    subscriber = pending()
    url = subscriber.confirm_url()
    subscriber.delete()
    assert client.post(url).status_code == 200


# --- Forged and mangled tokens --------------------------------------------------------------


@pytest.mark.parametrize("link", ["confirm", "unsubscribe", "interests"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_or_altered_tokens_get_a_friendly_400(client, link, method):
    subscriber = SubscriberFactory.create()
    good = {
        "confirm": subscriber.confirm_token,
        "unsubscribe": subscriber.unsubscribe_token,
        "interests": subscriber.interests_token,
    }
    tokens = [
        altered(good[link]),
        "1",
        "1:forged",
        f"{subscriber.pk}:" + "A" * 43,
        "x" * 5000,
        "%00",
        "ünïcödé",
        "..",
        # A real token made for another purpose: one salt per purpose.
        *[token for purpose, token in good.items() if purpose != link],
    ]
    for token in tokens:
        response = getattr(client, method)(f"/newsletter/{link}/{token}/")
        assert response.status_code == 400, (link, token)
        assert "This link doesn't work" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


# --- Unsubscribe ----------------------------------------------------------------------------


def test_unsubscribe_get_shows_a_button_and_changes_nothing(client):
    subscriber = SubscriberFactory.create()
    for method in (client.get, client.head):
        assert method(subscriber.unsubscribe_url()).status_code == 200
    page = BeautifulSoup(client.get(subscriber.unsubscribe_url()).content, "html.parser")
    form = page.find("main").find("form", method="post")
    assert form["action"] == subscriber.unsubscribe_url()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_one_click_unsubscribe_without_cookie_or_csrf_token_answers_200():
    subscriber = SubscriberFactory.create()
    client = bare_client()
    response = client.post(
        subscriber.unsubscribe_url(),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not client.cookies
    assert "You're unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_one_click_unsubscribe_as_multipart_and_repeated_is_still_200():
    subscriber = SubscriberFactory.create()
    client = bare_client()
    for _ in range(2):
        response = client.post(subscriber.unsubscribe_url(), data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribe_button_on_the_page_works_with_csrf_checks_on():
    subscriber = SubscriberFactory.create()
    client = bare_client()
    page = client.get(subscriber.unsubscribe_url())
    assert page.status_code == 200
    response = client.post(subscriber.unsubscribe_url())
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribe_tokens_never_expire(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        subscriber = SubscriberFactory.create()
        url = subscriber.unsubscribe_url()
    with time_machine.travel(now + datetime.timedelta(days=3650), tick=False):
        assert bare_client().post(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribe_of_a_deleted_subscriber_is_still_a_200(client):
    subscriber = SubscriberFactory.create()
    url = subscriber.unsubscribe_url()
    subscriber.delete()
    assert client.get(url).status_code == 200
    assert bare_client().post(url).status_code == 200


def test_unsubscribe_accepts_no_other_method(client):
    subscriber = SubscriberFactory.create()
    assert client.put(subscriber.unsubscribe_url()).status_code == 405
    assert client.delete(subscriber.unsubscribe_url()).status_code == 405
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


# --- Manage interests -----------------------------------------------------------------------


def test_interests_page_shows_the_current_choice_and_changes_nothing_on_get(client):
    vision = CategoryFactory.create(name="Vision", slug="vision")
    speech = CategoryFactory.create(name="Speech", slug="speech")
    subscriber = SubscriberFactory.create(interests=[vision])
    page = BeautifulSoup(client.get(subscriber.interests_url()).content, "html.parser")
    boxes = {box["value"]: box.has_attr("checked") for box in page.select("input[type=checkbox]")}
    assert boxes == {str(vision.pk): True, str(speech.pk): False}
    assert list(subscriber.interests.all()) == [vision]


def test_interests_post_saves_and_redirects_with_a_status_message(client):
    vision = CategoryFactory.create(name="Vision", slug="vision")
    speech = CategoryFactory.create(name="Speech", slug="speech")
    subscriber = SubscriberFactory.create(interests=[vision])
    response = client.post(subscriber.interests_url(), {"interests": [speech.pk]})
    assert response.status_code == 303
    assert response["Location"] == f"{subscriber.interests_url()}?saved=1"
    assert list(subscriber.interests.all()) == [speech]
    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert "Saved" in page.main.find(attrs={"role": "status"}).get_text()
    # Nothing ticked: every comparison again.
    client.post(subscriber.interests_url(), {})
    assert not subscriber.interests.exists()


def test_interests_post_with_bad_values_is_a_clear_error(client):
    subscriber = SubscriberFactory.create()
    response = client.post(subscriber.interests_url(), {"interests": ["nope"]})
    assert response.status_code == 200
    assert "Choose categories from the list" in response.content.decode()


def test_interests_post_needs_the_csrf_token():
    subscriber = SubscriberFactory.create()
    vision = CategoryFactory.create(slug="vision")
    response = bare_client().post(subscriber.interests_url(), {"interests": [vision.pk]})
    assert response.status_code == 403
    assert not subscriber.interests.exists()


# --- Query counts -------------------------------------------------------------------------


def test_link_pages_query_counts_are_pinned(client, django_assert_num_queries):
    CategoryFactory.create_batch(5)
    subscriber = SubscriberFactory.create(status=Subscriber.Status.PENDING)
    with django_assert_num_queries(1):  # is it confirmed already (a link used again)?
        client.get(subscriber.confirm_url())
    with django_assert_num_queries(1):
        client.get(subscriber.unsubscribe_url())
    with django_assert_num_queries(3):
        client.get(subscriber.interests_url())
    with django_assert_num_queries(1):
        bare_client().post(subscriber.unsubscribe_url())


def test_the_welcome_that_arrives_over_smtp_carries_a_working_unsubscribe_link(
    client, eager, sink, settings, django_capture_on_commit_callbacks
):
    """Confirm, receive the welcome at a real SMTP server, follow its unsubscribe link."""
    settings.SITE_URL = "http://testserver"
    subscriber = pending(email="welcomed@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(subscriber.confirm_url())
    [(address, welcome)] = sink.messages("Welcome")
    assert address == "welcomed@example.com"
    text = welcome.get_body(("plain",)).get_content()
    html = BeautifulSoup(welcome.get_body(("html",)).get_content(), "html.parser")
    link = html.find("a", string="Unsubscribe")["href"]
    assert f"Changed your mind? Unsubscribe here, with one click on the page it opens:\n{link}" in (
        text.replace("\r\n", "\n")
    )
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
