"""Editors can find subscribers, editions and deliveries in the admin."""

import pytest

from newsletter.models import Edition
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db


def test_newsletter_admin_pages_load_and_search(staff_client):
    subscriber = SubscriberFactory.create(email="findme@example.com")
    edition = make_edition(
        make_comparison(ToolFactory.create(), ToolFactory.create()), subject="Hello"
    )
    DeliveryFactory.create(edition=edition, subscriber=subscriber)
    for path in [
        "/admin/newsletter/subscriber/?q=findme",
        "/admin/newsletter/subscriber/?status__exact=confirmed",
        f"/admin/newsletter/subscriber/{subscriber.pk}/change/",
        "/admin/newsletter/edition/?q=Hello",
        "/admin/newsletter/edition/?status__exact=draft",
        "/admin/newsletter/edition/add/",
        f"/admin/newsletter/edition/{edition.pk}/change/",
        "/admin/newsletter/delivery/?q=findme",
        "/admin/newsletter/delivery/?status__exact=pending",
    ]:
        response = staff_client.get(path)
        assert response.status_code == 200, path
    assert b"findme@example.com" in staff_client.get("/admin/newsletter/delivery/?q=findme").content


def test_editors_can_draft_or_hold_an_edition_but_not_mark_it_sent(staff_client):
    edition = make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
    page = staff_client.get(f"/admin/newsletter/edition/{edition.pk}/change/").content.decode()
    assert 'value="held"' in page
    assert 'value="sent"' not in page
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT, number=1)
    page = staff_client.get(f"/admin/newsletter/edition/{edition.pk}/change/").content.decode()
    assert 'name="status"' not in page
