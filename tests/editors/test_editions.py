"""The week's edition in the admin: edit, preview, test, send, hold, follow and retry."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from comparisons.models import Comparison
from newsletter.models import Delivery, Edition, Subscriber
from tests.editors.forms import action, form_fields
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition
from tests.newsletter.smtp_sink import smtp_mailers, start_sink

pytestmark = pytest.mark.django_db

LIST = "/admin/newsletter/edition/"


def page_of(edition: Edition, suffix: str = "change/") -> str:
    return f"/admin/newsletter/edition/{edition.pk}/{suffix}"


@pytest.fixture
def edition():
    first = make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    second = make_comparison(ToolFactory.create(name="Charlie"), ToolFactory.create(name="Delta"))
    return make_edition(first, second, intro="This week: **two** duels.")


@pytest.fixture
def readers():
    return SubscriberFactory.create_batch(3)


def test_editors_edit_the_intro_and_reorder_the_comparisons(editor_client, edition):
    data = form_fields(editor_client.get(page_of(edition)).content, "edition_form")
    data["intro"] = "New intro."
    data["items-0-position"], data["items-1-position"] = "1", "0"
    data["_save"] = "Save"
    assert editor_client.post(page_of(edition), data).status_code == 302
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    assert edition.intro == "New intro."
    assert [c.title for c in edition.ordered_comparisons] == ["Charlie vs Delta", "Alpha vs Bravo"]


def test_the_change_page_says_when_it_goes_out_and_to_how_many(
    editor_client, editor, edition, readers
):
    SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    Edition.objects.filter(pk=edition.pk).update(week=datetime.date(2030, 3, 11))
    with time_machine.travel(datetime.datetime(2030, 3, 6, 12, 0, tzinfo=datetime.UTC)):
        editor_client.force_login(editor)  # a session from today has long expired by then
        soup = BeautifulSoup(editor_client.get(page_of(edition)).content, "html.parser")
    panel = " ".join(soup.select_one(".edition-workflow").text.split())
    assert "Goes out by itself on Monday 11 March, 08:00 UTC" in panel
    assert "to about 3 subscribers, unless held." in panel
    assert "Not ready" not in panel


def test_a_draft_whose_week_has_passed_says_it_does_not_go_out_by_itself(
    editor_client, editor, edition, readers
):
    """Beat sends the edition of the week it runs in: a draft of a past week never goes out
    unless an editor sends it."""
    Edition.objects.filter(pk=edition.pk).update(week=datetime.date(2030, 3, 4))
    with time_machine.travel(datetime.datetime(2030, 3, 6, 12, 0, tzinfo=datetime.UTC)):
        editor_client.force_login(editor)
        soup = BeautifulSoup(editor_client.get(page_of(edition)).content, "html.parser")
    panel = " ".join(soup.select_one(".edition-workflow").text.split())
    assert soup.select_one("#edition-workflow-title").text == "Draft: not scheduled"
    assert "Does not go out by itself: no scheduled send is left in its week" in panel
    assert "Send now would send it to about 3 subscribers." in panel
    assert "Goes out by itself" not in panel
    assert soup.find("a", string="Preview HTML and text")["href"] == page_of(edition, "preview/")
    assert soup.find("a", string="Send now…")["href"] == page_of(edition, "send/")


def test_preview_shows_both_versions_as_a_subscriber_gets_them(editor_client, edition):
    page = editor_client.get(page_of(edition, "preview/"))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert (
        "Weekly AI Tool Verdicts: Alpha vs Bravo and 1 more"
        in soup.select_one(".email-headers").text
    )
    assert "editor@example.com" in soup.select_one(".email-headers").text
    frame = soup.find("iframe")
    assert frame["src"] == page_of(edition, "preview/html/")
    assert "allow-scripts" not in frame["sandbox"]
    text = soup.select_one("pre.email-preview-text").text
    assert "Alpha vs Bravo" in text and "Charlie vs Delta" in text and "**two**" in text
    for script in soup.find_all("script"):
        assert script.get("src"), script

    html = editor_client.get(frame["src"])
    assert html.status_code == 200
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = html.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "sandbox" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp  # default-src 'none': no script at all
    body = html.content.decode()
    assert '<base target="_blank">' in body
    assert "<strong>two</strong>" in body and "Charlie vs Delta" in body
    # A draft shows the number it would get next, and is not numbered by looking at it.
    assert "· #1" in body
    edition.refresh_from_db()
    assert edition.number is None


def test_send_me_a_test_goes_to_the_editor_only_marked_and_records_nothing(
    editor_client, editor, edition, readers, mailoutbox
):
    response = editor_client.post(page_of(edition, "test/"), follow=True)
    assert response.redirect_chain[-1][0] == page_of(edition)
    [message] = mailoutbox
    assert message.to == ["editor@example.com"] and not message.cc and not message.bcc
    assert message.subject == "[Test] Weekly AI Tool Verdicts: Alpha vs Bravo and 1 more"
    html = message.alternatives[0].content
    assert "Alpha vs Bravo" in html and "Alpha vs Bravo" in message.body
    assert not Delivery.objects.exists()
    edition.refresh_from_db()
    assert (edition.status, edition.number, edition.send_started_at) == ("draft", None, None)
    assert "Sent “[Test] Weekly AI Tool Verdicts" in response.content.decode()
    entry = LogEntry.objects.get(object_id=str(edition.pk))
    assert (entry.user, entry.get_change_message()) == (
        editor,
        "Sent a test to editor@example.com.",
    )


def test_the_test_goes_over_smtp_to_one_address(settings, editor_client, edition, readers):
    sink, controller = start_sink()
    settings.MAILERS = smtp_mailers(sink.port)
    try:
        editor_client.post(page_of(edition, "test/"))
    finally:
        controller.stop()
    [(address, message)] = sink.messages()
    assert address == "editor@example.com"
    assert str(message["Subject"]).startswith("[Test] ")


def test_send_now_asks_first_then_sends_to_every_confirmed_subscriber(
    eager, editor_client, editor, edition, readers, mailoutbox
):
    SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    confirm = editor_client.get(page_of(edition, "send/"))
    soup = BeautifulSoup(confirm.content, "html.parser")
    assert soup.find("input", type="submit")["value"] == "Yes, send it to 3 subscribers"
    assert [li.text for li in soup.select("#content-main ol li")] == [
        "Alpha vs Bravo",
        "Charlie vs Delta",
    ]
    assert mailoutbox == []

    response = editor_client.post(page_of(edition, "send/"), follow=True)
    assert "Edition #1 is on its way to 3 subscribers." in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in readers)
    edition.refresh_from_db()
    assert (edition.status, edition.number) == (Edition.Status.SENT, 1)
    assert LogEntry.objects.filter(
        object_id=str(edition.pk), user=editor, change_message="Started the send: 3 recipients."
    ).exists()


def test_send_now_from_the_list_goes_through_the_same_question(editor_client, edition):
    response = editor_client.post(LIST, action("send_now", edition))
    assert response.status_code == 302
    assert response.headers["Location"] == page_of(edition, "send/")


def test_an_edition_with_a_comparison_not_on_the_site_is_not_sent(
    eager, editor_client, edition, readers, mailoutbox
):
    draft = make_comparison(
        ToolFactory.create(), ToolFactory.create(), status=Comparison.Status.DRAFT
    )
    edition.items.create(comparison=draft, position=5)
    confirm = editor_client.get(page_of(edition, "send/")).content.decode()
    assert f"“{draft}” is not on the site yet (draft)" in confirm
    assert 'type="submit"' not in confirm.split('id="content-main"')[1]
    response = editor_client.post(page_of(edition, "send/"), follow=True)
    assert "Not sent:" in response.content.decode()
    assert mailoutbox == []
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_send_now_is_refused_without_a_postal_address(
    eager, settings, editor_client, edition, readers, mailoutbox
):
    settings.NEWSLETTER_POSTAL_ADDRESS = ""
    confirm = editor_client.get(page_of(edition, "send/")).content.decode()
    assert "No postal address is set: set NEWSLETTER_POSTAL_ADDRESS" in confirm
    assert 'type="submit"' not in confirm.split('id="content-main"')[1]
    response = editor_client.post(page_of(edition, "send/"), follow=True)
    assert "Not sent: No postal address is set" in response.content.decode()
    assert mailoutbox == []
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    assert not Delivery.objects.exists()


def test_hold_and_release(eager, editor_client, editor, edition, readers, mailoutbox):
    editor_client.post(page_of(edition, "hold/"))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.HELD
    response = editor_client.post(page_of(edition, "send/"), follow=True)
    assert "Not sent: It is held: release it first." in response.content.decode()
    assert mailoutbox == []

    editor_client.post(LIST, action("release", edition))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    editor_client.post(LIST, action("hold", edition))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.HELD
    messages = list(
        LogEntry.objects.filter(object_id=str(edition.pk), user=editor)
        .order_by("pk")
        .values_list("change_message", flat=True)
    )
    assert messages == ["Held.", "Released: back to draft.", "Held."]


def sending_edition(edition: Edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENDING,
        number=1,
        send_started_at=timezone.now(),
        deliveries_recorded_at=timezone.now(),
    )
    statuses = ["sent"] * 3 + ["failed"] + ["pending"] * 2
    for status in statuses:
        DeliveryFactory.create(
            edition=edition,
            subscriber=SubscriberFactory.create(),
            status=status,
            attempts=1,
            error="SMTPRecipientsRefused: 550 No such mailbox" if status == "failed" else "",
        )
    edition.refresh_from_db()
    return edition


def test_while_sending_the_page_shows_progress_that_updates_itself(editor_client, edition):
    edition = sending_edition(edition)
    soup = BeautifulSoup(editor_client.get(page_of(edition)).content, "html.parser")
    progress = soup.find(id="send-progress")
    assert progress["data-hx-get"] == page_of(edition, "progress/")
    assert progress["data-hx-trigger"] == "every 3s"
    bar = progress.find("progress")
    assert (bar["value"], bar["max"]) == ("4", "6")
    counts = " ".join(progress.select_one(".send-progress-counts").text.split())
    assert counts.startswith("3 sent · 1 failed · 2 waiting · 6 total (66% done")
    failed = progress.select_one("table.failed-deliveries tbody tr")
    assert "SMTPRecipientsRefused: 550 No such mailbox" in failed.text

    # The fragment it polls; once everything is through it stops asking.
    Delivery.objects.filter(status="pending").update(status="sent")
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    fragment = editor_client.get(page_of(edition, "progress/"), headers={"hx-request": "true"})
    soup = BeautifulSoup(fragment.content, "html.parser")
    done = soup.find(id="send-progress")
    assert not done.has_attr("data-hx-trigger")
    assert done.find("progress")["value"] == "6"
    assert "5 sent · 1 failed" in " ".join(done.text.split())


def test_failed_deliveries_are_retried(eager, editor_client, editor, edition, mailoutbox):
    edition = sending_edition(edition)
    Delivery.objects.filter(status="pending").update(status="sent")
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENT, sent_at=timezone.now() - datetime.timedelta(hours=1)
    )
    first_sent_at = Edition.objects.get(pk=edition.pk).sent_at
    failed = Delivery.objects.get(status="failed")

    response = editor_client.post(page_of(edition, "retry/"), follow=True)
    assert "Sending 1 failed delivery again." in response.content.decode()
    [message] = mailoutbox
    assert message.to == [failed.subscriber.email]
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == ("sent", "", 2)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at == first_sent_at


def test_the_delivery_list_retries_failed_ones_too(eager, editor_client, edition, mailoutbox):
    edition = sending_edition(edition)
    failed = Delivery.objects.get(status="failed")
    sent = Delivery.objects.filter(status="sent").first()
    response = editor_client.post(
        "/admin/newsletter/delivery/", action("retry", failed, sent), follow=True
    )
    assert "Sending 1 failed delivery again." in response.content.decode()
    assert [m.to for m in mailoutbox] == [[failed.subscriber.email]]


def test_opening_the_next_edition_prepares_it_prefilled(editor_client):
    with time_machine.travel(datetime.datetime(2026, 3, 4, 12, 0, tzinfo=datetime.UTC)):
        make_comparison(ToolFactory.create(name="Echo"), ToolFactory.create(name="Foxtrot"))
        listing = editor_client.get(LIST).content.decode()
        assert "The next edition goes out by itself on <strong>Monday 9 March, 08:00 UTC" in listing
        response = editor_client.post(f"{LIST}next/")
        again = editor_client.post(f"{LIST}next/")
    edition = Edition.objects.get()
    assert response.headers["Location"] == again.headers["Location"] == page_of(edition)
    assert edition.week == datetime.date(2026, 3, 9)
    assert [c.title for c in Edition.objects.with_contents().get().ordered_comparisons] == [
        "Echo vs Foxtrot"
    ]
    assert Edition.objects.count() == 1


@pytest.mark.parametrize("status", [Edition.Status.SENDING, Edition.Status.SENT])
def test_an_edition_that_went_out_is_read_only_and_says_why(
    editor_client, edition, readers, status
):
    change = page_of(edition)
    form = form_fields(editor_client.get(change).content, "edition_form")  # while a draft
    Edition.objects.filter(pk=edition.pk).update(
        status=status, number=1, send_started_at=timezone.now()
    )
    web_page = "/newsletter/1/"
    assert "two</strong> duels" in editor_client.get(web_page).content.decode()

    # Subscribers have it as it is, and its web page says so: nothing changes it now.
    form.update(intro="Rewritten after the fact.", _save="Save")
    assert editor_client.post(change, form).status_code == 403
    assert editor_client.get(page_of(edition, "delete/")).status_code == 403
    edition.refresh_from_db()
    assert edition.intro == "This week: **two** duels."
    assert "Rewritten" not in editor_client.get(web_page).content.decode()

    soup = BeautifulSoup(editor_client.get(change).content, "html.parser")
    assert soup.select_one("#edition_form [name=intro], #edition_form [name=subject]") is None
    # Nor its comparisons: the inline keeps only its hidden management form.
    assert soup.select_one("#edition_form [name^=items-]:not([type=hidden])") is None
    assert soup.select_one("[name=_save], [name=_continue]") is None
    notice = " ".join(soup.select_one(".edition-read-only").text.split())
    assert "can no longer be edited" in notice and "web page" in notice
    # The workflow that still applies stays: a test to oneself, and holding a send.
    assert soup.find("button", string="Send me a test")
    assert (soup.find("button", string="Hold") is not None) == (status == Edition.Status.SENDING)


@pytest.fixture
def broker(monkeypatch):
    """The broker, replaced by a list of what was published; ``broker.up`` false refuses."""
    from newsletter.services import queue

    class Broker(list):
        up = True

    published = Broker()

    def publish(name, *args) -> bool:
        if published.up:
            published.append((name, args))
        return published.up

    monkeypatch.setattr(queue, "enqueue", publish)
    return published


def test_send_now_numbers_it_and_queues_its_start_without_recording_in_the_request(
    editor_client, editor, edition, broker
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsletter.tasks import send_edition

    SubscriberFactory.create_batch(40)
    with CaptureQueriesContext(connection) as captured:
        response = editor_client.post(page_of(edition, "send/"), follow=True)
    page = response.content.decode()
    assert "Edition #1 is on its way to 40 subscribers." in page
    assert "The worker is recording who it goes to" in page
    assert broker == [("newsletter.send_edition", (edition.pk,))]
    edition.refresh_from_db()
    assert (edition.status, edition.number) == (Edition.Status.SENDING, 1)
    assert edition.send_started_at is not None and edition.deliveries_recorded_at is None
    assert not Delivery.objects.exists()
    # Nothing in the request is per subscriber: no delivery written, no subscriber read.
    sql = [query["sql"] for query in captured.captured_queries]
    assert not [q for q in sql if q.startswith('INSERT INTO "newsletter_delivery"')]
    assert not [q for q in sql if q.startswith('SELECT "newsletter_subscriber"."id"')]
    assert LogEntry.objects.filter(
        object_id=str(edition.pk), user=editor, change_message="Started the send: 40 recipients."
    ).exists()

    # The worker's part: record, then a task per batch.
    assert send_edition.run(edition.pk) == {"queued": 1, "recipients": 40}
    assert Delivery.objects.count() == 40
    assert [name for name, _ in broker[1:]] == ["newsletter.send_batch"]


def test_send_now_with_the_worker_unreachable_leaves_it_a_draft(
    editor_client, edition, readers, broker
):
    broker.up = False
    response = editor_client.post(page_of(edition, "send/"), follow=True)
    assert "Not sent: the worker could not be reached." in response.content.decode()
    edition.refresh_from_db()
    assert (edition.status, edition.number, edition.send_started_at) == ("draft", None, None)
    assert not Delivery.objects.exists()


def test_after_send_now_the_list_and_the_next_edition_move_on_to_the_week_after(
    eager, settings, editor_client, editor, readers, mailoutbox
):
    """Opened on a Friday, the next edition is Monday's; sent at once, Monday's run has nothing
    left to send, so what goes out next is the Monday after, and opening "the next edition"
    prepares that one rather than the edition that went out."""
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1"
    with time_machine.travel(datetime.datetime(2030, 3, 8, 12, 0, tzinfo=datetime.UTC)):
        editor_client.force_login(editor)
        make_comparison(ToolFactory.create(name="Echo"), ToolFactory.create(name="Foxtrot"))
        editor_client.post(f"{LIST}next/")
        early = Edition.objects.get()
        assert early.week == datetime.date(2030, 3, 11)

        answer = editor_client.post(page_of(early, "send/"), follow=True).content.decode()
        assert "Edition #1 is on its way to 3 subscribers." in answer
        assert (
            "Next: the edition for the week of 18 March 2030 goes out by itself on "
            "Monday 18 March 2030 at 08:00 UTC." in answer
        )
        listing = BeautifulSoup(editor_client.get(LIST).content, "html.parser")
        line = " ".join(listing.select_one(".edition-prepare p").text.split())
        assert line.startswith(
            "The next edition goes out by itself on Monday 18 March, 08:00 UTC: the edition for "
            "the week of 18 March 2030, prefilled"
        )

        response = editor_client.post(f"{LIST}next/")
    early.refresh_from_db()
    assert early.status == Edition.Status.SENT
    following = Edition.objects.get(week=datetime.date(2030, 3, 18))
    assert response.headers["Location"] == page_of(following)
    assert following.status == Edition.Status.DRAFT
    assert len(mailoutbox) == 3  # the early one, once each


def test_the_list_says_when_the_next_edition_is_held(editor_client, editor):
    with time_machine.travel(datetime.datetime(2030, 3, 8, 12, 0, tzinfo=datetime.UTC)):
        editor_client.force_login(editor)
        make_edition(week=datetime.date(2030, 3, 11), status=Edition.Status.HELD)
        listing = BeautifulSoup(editor_client.get(LIST).content, "html.parser")
    line = " ".join(listing.select_one(".edition-prepare p").text.split())
    assert line.startswith(
        "The next scheduled send is Monday 11 March, 08:00 UTC, but the edition for the week of "
        "11 March 2030 is held: nothing goes out then unless an editor releases it."
    )
