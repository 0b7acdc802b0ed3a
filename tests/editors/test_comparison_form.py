"""The comparison's form: its tools first, positions already numbered, the panel's scorecards on
those tools written from it and back, and a delete that says what unpublishing would keep."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comparisons.models import Comparison, ComparisonEntry, Vote
from comparisons.voting import Reader, vote_cast
from reviews.models import Scorecard
from tests.editors.forms import form_fields
from tests.factories import ReviewerFactory, ScorecardFactory, ToolFactory, make_comparison
from tests.html import attr, soup_of

pytestmark = pytest.mark.django_db

ADD = "/admin/comparisons/comparison/add/"


def change_url(comparison) -> str:
    return f"/admin/comparisons/comparison/{comparison.pk}/change/"


def errors(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(
        node.get_text(" ", strip=True) for node in soup.select(".errornote, .errorlist")
    )


def test_the_tools_come_first(editor_client):
    form = soup_of(editor_client.get(ADD)).find("form", id="comparison_form")
    order = [node["id"] for node in form.find_all(id=["entries-group", "id_status", "id_intro"])]
    assert order == ["entries-group", "id_status", "id_intro"]


def test_a_new_comparisons_rows_are_numbered_1_to_4(editor_client):
    data = form_fields(editor_client.get(ADD).content, "comparison_form")
    assert data["entries-TOTAL_FORMS"] == "4" and data["entries-MAX_NUM_FORMS"] == "4"
    assert [data[f"entries-{row}-position"] for row in range(4)] == ["1", "2", "3", "4"]


def test_two_tools_picked_and_saved_keep_positions_1_and_2(editor_client):
    alpha, bravo = ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo")
    data = form_fields(editor_client.get(ADD).content, "comparison_form")
    data.update({"entries-0-tool": str(bravo.pk), "entries-1-tool": str(alpha.pk), "_save": "1"})
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, errors(response)
    comparison = Comparison.objects.get(title="Bravo vs Alpha")
    assert list(comparison.entries.values_list("tool__name", "position")) == [
        ("Bravo", 1),
        ("Alpha", 2),
    ]


def test_a_position_left_empty_goes_after_the_others(editor_client):
    a, b, c = (ToolFactory.create(name=name) for name in ("Alpha", "Bravo", "Charlie"))
    data = form_fields(editor_client.get(ADD).content, "comparison_form")
    data.update(
        {
            "entries-0-tool": str(a.pk),
            "entries-0-position": "",
            "entries-1-tool": str(b.pk),
            "entries-1-position": "5",
            "entries-2-tool": str(c.pk),
            "_save": "1",
        }
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, errors(response)
    comparison = Comparison.objects.get(slug__isnull=False)
    assert comparison.title == "Charlie vs Bravo vs Alpha"
    assert dict(comparison.entries.values_list("tool__name", "position")) == {
        "Charlie": 3,
        "Bravo": 5,
        "Alpha": 6,
    }


def test_a_comparisons_blank_rows_follow_its_last_tool_and_saving_as_is_works(editor_client):
    comparison = make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    ComparisonEntry.objects.filter(comparison=comparison).update(position=7)
    data = form_fields(editor_client.get(change_url(comparison)).content, "comparison_form")
    assert data["entries-TOTAL_FORMS"] == "4"
    assert [data[f"entries-{row}-position"] for row in (2, 3)] == ["8", "9"]
    third = ToolFactory.create(name="Charlie")
    data.update({"entries-2-tool": str(third.pk), "_save": "1"})
    response = editor_client.post(change_url(comparison), data)
    assert response.status_code == 302, errors(response)
    comparison.refresh_from_db()
    assert comparison.title.endswith("vs Charlie")
    assert comparison.entries.get(tool=third).position == 8


# --- The panel's scorecards, from the comparison's form ----------------------------------------


@pytest.fixture
def reviewed():
    alpha, bravo = ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo")
    ada, bo = ReviewerFactory.create(name="Ada"), ReviewerFactory.create(name="Bo")
    written = ScorecardFactory.create(reviewer=ada, tool=alpha, verdict="ship")
    return make_comparison(alpha, bravo), alpha, bravo, ada, bo, written


def panel_links(editor_client, comparison) -> dict[str, str]:
    panel = soup_of(editor_client.get(change_url(comparison))).select_one(".comparison-panel")
    assert panel is not None
    return {" ".join(a.get_text(" ").split()): attr(a, "href") for a in panel.select("a")}


def test_the_form_lists_each_reviewers_scorecard_on_each_tool(editor_client, reviewed):
    comparison, *_ = reviewed
    panel = soup_of(editor_client.get(change_url(comparison))).select_one(".comparison-panel")
    header = [th.get_text(strip=True) for th in panel.select("thead th")]
    assert header == ["Reviewer", "Alpha", "Bravo"]
    rows = {
        row.th.get_text(strip=True): [" ".join(td.get_text(" ").split()) for td in row.select("td")]
        for row in panel.select("tbody tr")
    }
    assert rows == {
        "Ada": ["Ship · Edit Ada on Alpha", "Write Ada on Bravo"],
        "Bo": ["Write Bo on Alpha", "Write Bo on Bravo"],
    }


def test_a_scorecard_written_from_the_form_comes_back_to_it(editor_client, reviewed):
    comparison, _, bravo, _, bo, _ = reviewed
    link = panel_links(editor_client, comparison)["Write Bo on Bravo"]
    page = editor_client.get(link)
    assert page.status_code == 200
    soup = soup_of(page)
    assert soup.select_one(".return-to a")["href"] == change_url(comparison)
    data = form_fields(page.content, "scorecard_form")
    assert data["tool"] == str(bravo.pk) and data["reviewer"] == str(bo.pk)  # pre-filled
    data.update({"verdict": "skip", "quote": "Too slow for a live demo.", "_save": "1"})
    response = editor_client.post(link, data)
    assert response.status_code == 302, errors(response)
    assert response["Location"] == change_url(comparison)
    scorecard = Scorecard.objects.get(reviewer=bo, tool=bravo)
    assert scorecard.verdict == "skip"
    back = editor_client.get(response["Location"])
    assert "was added successfully" in back.content.decode()
    assert "Edit Bo on Bravo" in panel_links(editor_client, comparison)


def test_a_scorecard_edited_from_the_form_comes_back_to_it(editor_client, reviewed):
    comparison, *_, written = reviewed
    link = panel_links(editor_client, comparison)["Edit Ada on Alpha"]
    data = form_fields(editor_client.get(link).content, "scorecard_form")
    data.update({"verdict": "skip", "_save": "1"})
    response = editor_client.post(link, data)
    assert response.status_code == 302 and response["Location"] == change_url(comparison)
    written.refresh_from_db()
    assert written.verdict == "skip"


def test_save_and_continue_stays_on_the_scorecard(editor_client, reviewed):
    comparison, *_ = reviewed
    link = panel_links(editor_client, comparison)["Write Bo on Alpha"]
    data = form_fields(editor_client.get(link).content, "scorecard_form")
    data.update({"verdict": "ship", "quote": "Fine.", "_continue": "1"})
    response = editor_client.post(link, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/reviews/scorecard/")


@pytest.mark.parametrize(
    "target", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"]
)
def test_only_an_address_of_this_site_is_followed(editor_client, reviewed, target):
    _, alpha, _, _, bo, _ = reviewed
    link = f"/admin/reviews/scorecard/add/?tool={alpha.pk}&reviewer={bo.pk}&next={target}"
    page = editor_client.get(link)
    assert page.status_code == 200 and soup_of(page).select_one(".return-to") is None
    data = form_fields(page.content, "scorecard_form")
    data.update({"verdict": "ship", "quote": "Fine.", "_save": "1"})
    response = editor_client.post(link, data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/reviews/scorecard/"


def test_the_add_form_has_no_panel_until_it_has_tools(editor_client):
    assert soup_of(editor_client.get(ADD)).select_one(".comparison-panel") is None


# --- Deleting a comparison that has votes ------------------------------------------------------


@pytest.fixture
def voted():
    alpha, bravo = ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo")
    comparison = make_comparison(alpha, bravo)
    for number in range(3):
        vote_cast(comparison=comparison, tool=alpha, reader=Reader(f"reader-{number}", True))
    return comparison


def delete_url(comparison) -> str:
    return f"/admin/comparisons/comparison/{comparison.pk}/delete/"


def notice(client, comparison):
    page = client.get(delete_url(comparison))
    assert page.status_code == 200
    return soup_of(page).select_one(".vote-keeping")


def test_the_delete_page_says_unpublishing_keeps_the_votes_and_does_it(editor_client, voted):
    box = notice(editor_client, voted)
    text = " ".join(box.get_text(" ").split())
    assert "Readers cast 3 votes" in text and "deletes those votes for good" in text
    assert "Unpublishing takes it off the site and keeps them" in text
    form = box.find("form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name")
    }
    response = editor_client.post(form["action"], data)
    assert response.status_code == 302
    voted.refresh_from_db()
    assert voted.status == Comparison.Status.DRAFT
    assert Vote.objects.filter(comparison=voted).count() == 3


def test_a_draft_with_votes_says_keeping_it_keeps_them(editor_client, voted):
    voted.unpublish()
    box = notice(editor_client, voted)
    assert "It is a draft already" in box.get_text()
    assert box.find("form") is None


def test_a_superuser_may_still_delete_it_with_its_votes(voted):
    root = get_user_model().objects.create_superuser("root", "root@example.com", None)
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(root)
    assert notice(client, voted) is not None
    response = client.post(delete_url(voted), {"post": "yes"})
    assert response.status_code == 302
    assert not Comparison.objects.filter(pk=voted.pk).exists()
    assert not Vote.objects.exists()


def test_an_editor_is_told_what_blocks_the_delete_and_what_to_do(editor_client, voted):
    page = soup_of(editor_client.get(delete_url(voted)))
    # Votes are read-only for editors, so Django's own check refuses the delete: the notice
    # above it offers the way that keeps them.
    assert "doesn't have permission to delete" in page.get_text()
    assert page.select_one(".vote-keeping input[type=submit]")["value"] == "Unpublish instead"


def test_no_votes_no_notice(editor_client):
    comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
    assert notice(editor_client, comparison) is None
    response = editor_client.post(delete_url(comparison), {"post": "yes"})
    assert response.status_code == 302
    assert not Comparison.objects.filter(pk=comparison.pk).exists()


def _form_queries(client, comparison) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(change_url(comparison)).status_code == 200
    return len(captured)


def test_the_panel_costs_the_same_queries_for_any_panel(editor_client, reviewed):
    comparison, alpha, bravo, *_ = reviewed
    few = _form_queries(editor_client, comparison)
    for _ in range(6):
        reviewer = ReviewerFactory.create()
        ScorecardFactory.create(reviewer=reviewer, tool=alpha)
        ScorecardFactory.create(reviewer=reviewer, tool=bravo)
    assert _form_queries(editor_client, comparison) == few
    assert len(panel_links(editor_client, comparison)) == 16  # 8 reviewers, 2 tools


@pytest.mark.parametrize("query", ["tool=abc&reviewer=xyz", "tool=1,2", "tool=&reviewer="])
def test_a_prefill_that_names_no_row_is_left_out(editor_client, query):
    page = editor_client.get(f"/admin/reviews/scorecard/add/?{query}")
    assert page.status_code == 200
    data = form_fields(page.content, "scorecard_form")
    assert data["tool"] == "" and data["reviewer"] == ""


def test_bad_addresses_of_the_comparison_pages_are_no_error(editor_client):
    for path in ("abc/change/", "99999999999999999999/change/", "abc/delete/"):
        response = editor_client.get(f"/admin/comparisons/comparison/{path}")
        assert response.status_code == 302  # back to the list, with Django's message
        assert response["Location"] == "/admin/"


def test_deleting_a_selection_with_votes_offers_to_unpublish_it(editor_client, voted) -> None:
    other = make_comparison(ToolFactory.create(), ToolFactory.create())
    page = editor_client.post(
        "/admin/comparisons/comparison/",
        {"action": "delete_selected", "index": "0", "_selected_action": [voted.pk, other.pk]},
    )
    assert page.status_code == 200
    box = soup_of(page).select_one(".vote-keeping")
    assert box is not None, "no vote-keeping box"
    assert "Readers cast 3 votes on these comparisons" in " ".join(box.get_text(" ").split())
    form = box.find("form")
    assert form is not None, "no form in the vote-keeping box"
    data: dict[str, list[str]] = {}
    for field in form.find_all("input", attrs={"name": True}):
        data.setdefault(attr(field, "name"), []).append(attr(field, "value", ""))
    assert editor_client.post(attr(form, "action"), data).status_code == 302
    statuses = set(Comparison.objects.values_list("status", flat=True))
    assert statuses == {Comparison.Status.DRAFT}
    assert Vote.objects.count() == 3
