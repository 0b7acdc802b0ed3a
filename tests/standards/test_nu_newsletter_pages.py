"""Zero Nu HTML Checker errors on the pages a subscriber's links open, in each of their states,
and on the privacy page (the site-wide crawl reaches none of the link pages)."""

import pytest

from newsletter.models import Subscriber
from tests.newsletter.factories import SubscriberFactory
from tests.standards.nu_checker import nu_errors

pytestmark = [pytest.mark.django_db, pytest.mark.processes]


def test_link_pages_in_every_state_and_the_privacy_page_have_no_nu_checker_errors(client):
    subscriber = SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    url = subscriber.confirm_url()
    documents = {"confirm": client.get(url).content}
    documents["confirmed"] = client.post(url).content
    documents["already confirmed, opened"] = client.get(url).content
    documents["already confirmed, pressed"] = client.post(url).content
    documents["privacy"] = client.get("/privacy/").content
    assert b"Already confirmed" in documents["already confirmed, opened"]
    assert b"What we keep after you unsubscribe" in documents["privacy"]
    assert nu_errors(documents) == {}
