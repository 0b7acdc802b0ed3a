"""Editors schedule, publish and preview comparisons; readers see exactly what is live."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from comparisons.models import Comparison
from tests.editors.forms import action, form_fields
from tests.factories import ScorecardFactory, ToolFactory, make_comparison

pytestmark = pytest.mark.django_db

ADD = "/admin/comparisons/comparison/add/"
LIST = "/admin/comparisons/comparison/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def add_comparison(editor_client, tools, **fields):
    data = form_fields(editor_client.get(ADD).content, "comparison_form")
    data["entries-TOTAL_FORMS"] = str(len(tools))
    for index, tool in enumerate(tools):
        data[f"entries-{index}-tool"] = str(tool.pk)
        data[f"entries-{index}-position"] = str(index)
    data.update(fields, _save="Save")
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").find(
        class_="errornote"
    )
    return Comparison.objects.get(slug__isnull=False, kind="curated", title__contains=tools[0].name)


def status_in_list(editor_client, comparison) -> str:
    soup = BeautifulSoup(editor_client.get(LIST).content, "html.parser")
    for row in soup.select("#result_list tbody tr"):
        if comparison.title in row.text:
            cell = row.select_one(".field-publication")
            assert cell is not None, "no publication column"
            return cell.text
    raise AssertionError(f"{comparison} is not in the list")


def test_a_future_time_schedules_it_and_it_appears_by_itself(editor_client, client):
    tools = [ToolFactory.create(name=name) for name in ("Alpha", "Bravo", "Charlie")]
    with time_machine.travel(START, tick=False) as clock:
        comparison = add_comparison(
            editor_client,
            tools,
            status="published",
            published_at_0="2026-03-02",
            published_at_1="15:00:00",
            verdict="Ship **Alpha** for the demo.",
        )
        assert comparison.publication == "Scheduled"
        assert status_in_list(editor_client, comparison) == "Scheduled for 2 Mar 2026, 15:00 UTC"
        early = client.get(comparison.get_absolute_url())  # the three's generated page meanwhile
        assert early.status_code == 200 and b"for the demo." not in early.content
        assert comparison not in Comparison.objects.published()

        clock.move_to(START + datetime.timedelta(hours=6, minutes=1))
        page = client.get(comparison.get_absolute_url())
        assert page.status_code == 200
        assert b"<strong>Alpha</strong> for the demo." in page.content
        assert b"Draft preview" not in page.content
        assert comparison.title in client.get("/").content.decode()
        assert status_in_list(editor_client, comparison) == "Published"


def test_the_list_shows_status_panel_per_tool_and_votes(editor_client):
    a, b = ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo")
    ScorecardFactory.create(tool=a, verdict="ship")
    ScorecardFactory.create(tool=a, verdict="skip")
    comparison = make_comparison(a, b)
    comparison.entries.filter(tool=a).update(vote_count=3)
    comparison.entries.filter(tool=b).update(vote_count=1)
    draft = make_comparison(ToolFactory.create(name="Delta"), b, status=Comparison.Status.DRAFT)
    soup = BeautifulSoup(editor_client.get(LIST).content, "html.parser")
    rows = {row.select_one("th").text: row for row in soup.select("#result_list tbody tr")}
    row = rows[comparison.title]
    assert row.select_one(".field-publication").text == "Published"
    assert row.select_one(".field-panel").text == "Alpha 50% · Bravo —"
    assert row.select_one(".field-votes").text == "4"
    assert rows[draft.title].select_one(".field-publication").text == "Draft"
    filtered = editor_client.get(LIST, {"publication": "draft"}).content.decode()
    assert draft.title in filtered and comparison.title not in filtered


def test_publish_and_unpublish_actions_change_what_readers_see_at_once(
    editor_client, editor, client
):
    a, b = (
        ToolFactory.create(name="Alpha", slug="alpha"),
        ToolFactory.create(name="Bravo", slug="bravo"),
    )
    draft = make_comparison(a, b, status=Comparison.Status.DRAFT, verdict="The editors pick Alpha.")
    # Readers see the pair's generated page, and the shared page cache keeps it.
    assert b"The editors pick Alpha." not in client.get(draft.get_absolute_url()).content
    assert b"The editors pick Alpha." not in client.get(draft.get_absolute_url()).content

    response = editor_client.post(LIST, action("publish", draft), follow=True)
    assert "Published 1 comparison." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_live
    assert b"The editors pick Alpha." in client.get(draft.get_absolute_url()).content

    editor_client.post(LIST, action("unpublish", draft))
    draft.refresh_from_db()
    assert draft.publication == "Draft"
    assert b"The editors pick Alpha." not in client.get(draft.get_absolute_url()).content

    history = list(
        LogEntry.objects.filter(object_id=str(draft.pk))
        .order_by("pk")
        .values_list("user__username", "change_message")
    )
    assert history == [
        (editor.username, "Published."),
        (editor.username, "Unpublished: back to draft."),
    ]
    page = editor_client.get(f"/admin/comparisons/comparison/{draft.pk}/history/").content
    assert b"Published." in page and editor.username.encode() in page


def test_publishing_keeps_a_scheduled_time(editor_client):
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    draft = make_comparison(
        ToolFactory.create(),
        ToolFactory.create(),
        status=Comparison.Status.DRAFT,
        published_at=later,
    )
    response = editor_client.post(LIST, action("publish", draft), follow=True)
    assert "is scheduled: it appears on" in response.content.decode()
    draft.refresh_from_db()
    assert draft.publication == "Scheduled" and draft.published_at == later


def test_view_on_site_previews_a_draft_for_editors_only(editor_client, client):
    draft = make_comparison(
        ToolFactory.create(), ToolFactory.create(), ToolFactory.create(),
        status=Comparison.Status.DRAFT, verdict="Not out yet.",
    )  # fmt: skip
    change = editor_client.get(f"/admin/comparisons/comparison/{draft.pk}/change/")
    view_on_site = BeautifulSoup(change.content, "html.parser").find("a", class_="viewsitelink")
    assert view_on_site["href"] == draft.get_absolute_url()
    preview = editor_client.get(view_on_site["href"])
    assert preview.status_code == 200
    assert b"Draft preview." in preview.content and b"Not out yet." in preview.content
    assert preview.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in preview.headers["Cache-Control"]

    # Readers, signed in or not, get the three tools' generated page, never the draft.
    reader = get_user_model().objects.create_user("reader@example.com")
    signed_in = Client(headers={"x-forwarded-proto": "https"})
    signed_in.force_login(reader)
    for anyone in (client, signed_in):
        page = anyone.get(draft.get_absolute_url())
        assert page.status_code == 200
        assert b"Not out yet." not in page.content and b"Draft preview." not in page.content


def test_a_draft_pair_previews_for_editors_and_stays_generated_for_readers(editor_client, client):
    draft = make_comparison(
        ToolFactory.create(),
        ToolFactory.create(),
        status=Comparison.Status.DRAFT,
        verdict="Draft verdict.",
    )
    preview = editor_client.get(draft.get_absolute_url())
    assert b"Draft preview." in preview.content and b"Draft verdict." in preview.content
    reader = client.get(draft.get_absolute_url())
    assert reader.status_code == 200
    assert b"Draft preview." not in reader.content and b"Draft verdict." not in reader.content


def test_tool_order_and_count_are_validated_with_a_clear_message(editor_client):
    tools = [ToolFactory.create() for _ in range(5)]
    data = form_fields(editor_client.get(ADD).content, "comparison_form")
    data.update({"entries-TOTAL_FORMS": "1", "entries-0-tool": str(tools[0].pk), "_save": "Save"})
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert "A comparison holds 2 to 4 tools; this one has 1." in response.content.decode()
    assert not Comparison.objects.exists()


def test_edits_and_their_inlines_are_in_the_history_with_who_made_them(editor_client, editor):
    a, b, c = (
        ToolFactory.create(name="Alpha"),
        ToolFactory.create(name="Bravo"),
        ToolFactory.create(name="Charlie"),
    )
    comparison = add_comparison(editor_client, [a, b], status="draft", intro="First.")
    url = f"/admin/comparisons/comparison/{comparison.pk}/change/"
    data = form_fields(editor_client.get(url).content, "comparison_form")
    data["intro"] = "Second."
    index = int(data["entries-INITIAL_FORMS"])  # the first empty row
    data.update({f"entries-{index}-tool": str(c.pk), f"entries-{index}-position": "2"})
    data["_save"] = "Save"
    assert editor_client.post(url, data).status_code == 302
    entries = LogEntry.objects.filter(object_id=str(comparison.pk)).order_by("pk")
    assert [entry.user for entry in entries] == [editor, editor]
    change = entries.last().get_change_message()
    assert "Changed Intro." in change
    assert "Added tool in comparison “Charlie in Alpha vs Bravo vs Charlie”." in change
