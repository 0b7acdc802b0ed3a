"""Subscribers in the admin: find them, count them, export them, let them go."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry

from newsletter.models import Subscriber
from tests.editors.forms import action, form_fields
from tests.factories import CategoryFactory
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/newsletter/subscriber/"


def emails(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return sorted(cell.text for cell in soup.select("#result_list tbody th"))


@pytest.fixture
def people():
    return {
        "ada": SubscriberFactory.create(email="ada@example.com"),
        "bob": SubscriberFactory.create(email="bob@example.com"),
        "cy": SubscriberFactory.create(
            email="cy@example.com", status=Subscriber.Status.PENDING, confirmed_at=None
        ),
        "di": SubscriberFactory.create(
            email="di@example.org", status=Subscriber.Status.UNSUBSCRIBED
        ),
    }


def test_search_and_filter_by_status(editor_client, people):
    assert emails(editor_client.get(LIST, {"q": "example.org"})) == ["di@example.org"]
    assert emails(editor_client.get(LIST, {"status__exact": "confirmed"})) == [
        "ada@example.com",
        "bob@example.com",
    ]


def test_counts_per_status_head_the_list(editor_client, people):
    soup = BeautifulSoup(editor_client.get(LIST, {"q": "ada"}).content, "html.parser")
    counts = [" ".join(li.text.split()) for li in soup.select(".status-counts li")]
    # Whatever the search, the counts are of everyone.
    assert counts == [
        "Pending confirmation: 1",
        "Confirmed: 2",
        "Unsubscribed: 1",
        "Bounced: 0",
        "Complained (marked as spam): 0",
        "All: 4",
    ]
    link = soup.select_one(".status-counts a")["href"]
    assert link == "?status__exact=pending"


def test_csv_export_keeps_unicode_and_defuses_formulas(editor_client):
    vision = CategoryFactory.create(name="Vision — ünïcode")
    people = [
        SubscriberFactory.create(email="zoë@exämple.com", interests=[vision]),
        SubscriberFactory.create(email="=HYPERLINK(1)@example.com"),
        SubscriberFactory.create(email="+plus@example.com"),
        SubscriberFactory.create(email="-minus@example.com"),
        SubscriberFactory.create(email="@at@example.com"),
    ]
    response = editor_client.post(LIST, action("export_csv", *people))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subscribers.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "email",
        "status",
        "interests",
        "signed up",
        "confirmed",
        "unsubscribed",
        "bounced",
        "complained",
        "reason",
    ]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {
        "'+plus@example.com",
        "'-minus@example.com",
        "'=HYPERLINK(1)@example.com",
        "'@at@example.com",
        "zoë@exämple.com",
    }
    assert by_email["zoë@exämple.com"][1:3] == ["confirmed", "Vision — ünïcode"]
    assert by_email["zoë@exämple.com"][4].startswith(str(people[0].confirmed_at.date()))


def test_unsubscribe_action_lets_them_go_and_says_who_did_it(editor_client, editor, people):
    response = editor_client.post(
        LIST, action("unsubscribe", people["ada"], people["di"]), follow=True
    )
    assert "Unsubscribed 1 subscriber; they get no more editions." in response.content.decode()
    people["ada"].refresh_from_db()
    assert people["ada"].status == Subscriber.Status.UNSUBSCRIBED
    assert people["ada"].unsubscribed_at is not None
    entry = LogEntry.objects.get(object_id=str(people["ada"].pk))
    assert (entry.user, entry.change_message) == (editor, "Unsubscribed by an editor.")


def test_editors_change_interests_but_never_confirm_anyone_by_hand(editor_client, people):
    vision = CategoryFactory.create(name="Vision")
    cy = people["cy"]
    url = f"{LIST}{cy.pk}/change/"
    data = form_fields(editor_client.get(url).content, "subscriber_form")
    assert "status" not in data and "email" not in data
    data.update({"interests": [str(vision.pk)], "status": "confirmed", "_save": "Save"})
    assert editor_client.post(url, data).status_code == 302
    cy.refresh_from_db()
    assert list(cy.interests.all()) == [vision]
    assert cy.status == Subscriber.Status.PENDING
