"""Tools and reviewers in the admin: lists, search, filters and markdown previews."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry

from comparisons.models import Tool
from compsite.markdown import render_markdown
from reviews.models import Scorecard
from tests.editors.forms import form_fields
from tests.factories import CategoryFactory, ReviewerFactory, ScorecardFactory, ToolFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/comparisons/tool/"


def names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [cell.text for cell in soup.select("#result_list tbody th")]


def test_the_list_shows_category_entry_panel_and_scorecards(editor_client):
    tool = ToolFactory.create(name="Listed", category=CategoryFactory.create(name="Vision"))
    tool.pricing_tiers.create(name="Free", price=0)
    tool.pricing_tiers.create(name="Pro", price=12, unit="mo")
    ScorecardFactory.create(tool=tool, verdict="ship")
    ScorecardFactory.create(tool=tool, verdict="ship")
    ScorecardFactory.create(tool=tool, verdict="skip")
    soup = BeautifulSoup(editor_client.get(LIST).content, "html.parser")
    row = soup.select_one("#result_list tbody tr")
    cells = {
        name: row.select_one(f".field-{name}").text
        for name in ("category", "entry", "panel", "scorecards")
    }
    assert cells == {"category": "Vision", "entry": "Free", "panel": "67%", "scorecards": "3"}


def test_search_by_name_and_vendor_and_filter_by_category(editor_client):
    vision = CategoryFactory.create(name="Vision")
    ToolFactory.create(name="SmolVLM2", vendor="Hugging Face", category=vision)
    ToolFactory.create(name="Whisper", vendor="OpenAI")
    assert names(editor_client.get(LIST, {"q": "smolvlm"})) == ["SmolVLM2"]
    assert names(editor_client.get(LIST, {"q": "openai"})) == ["Whisper"]
    assert names(editor_client.get(LIST, {"category__id__exact": vision.pk})) == ["SmolVLM2"]


def test_an_editor_adds_a_tool_with_pricing_and_two_scorecards(editor_client, editor):
    category = CategoryFactory.create(name="Speech")
    builder, skeptic = (
        ReviewerFactory.create(name="Builder"),
        ReviewerFactory.create(name="Skeptic"),
    )
    data = form_fields(editor_client.get("/admin/comparisons/tool/add/").content, "tool_form")
    data.update(
        {
            "name": "Parakeet",
            "slug": "parakeet",
            "category": str(category.pk),
            "tagline": "Fast speech to text",
            "description": "Runs **on device**.",
            "pricing_tiers-0-name": "Open weights",
            "pricing_tiers-0-price": "0",
            "scorecards-TOTAL_FORMS": "2",
            "scorecards-0-reviewer": str(builder.pk),
            "scorecards-0-verdict": "ship",
            "scorecards-0-quote": "Drop-in and quick.",
            "scorecards-1-reviewer": str(skeptic.pk),
            "scorecards-1-verdict": "skip",
            "scorecards-1-quote": "English only.",
            "_save": "Save",
        }
    )
    response = editor_client.post("/admin/comparisons/tool/add/", data)
    assert response.status_code == 302
    tool = Tool.objects.get(slug="parakeet")
    assert tool.entry_price == "Free"
    assert set(Scorecard.objects.filter(tool=tool).values_list("reviewer__name", "verdict")) == {
        ("Builder", "ship"),
        ("Skeptic", "skip"),
    }
    [entry] = LogEntry.objects.filter(object_id=str(tool.pk))
    assert entry.user == editor and entry.is_addition()
    assert "Added scorecard" in entry.get_change_message()


def test_markdown_fields_show_the_saved_text_rendered_and_sanitised(editor_client):
    tool = ToolFactory.create(description="Runs **on device**.\n\n<script>alert(1)</script>")
    page = editor_client.get(f"/admin/comparisons/tool/{tool.pk}/change/")
    soup = BeautifulSoup(page.content, "html.parser")
    preview = soup.find(id="id_description-preview")
    assert preview.find("strong").text == "on device"
    assert preview.find("script") is None
    textarea = soup.find("textarea", id="id_description")
    assert textarea["data-hx-post"] == "/admin/markdown-preview/"
    assert textarea["data-hx-params"] == "csrfmiddlewaretoken,field,description"


def test_the_live_preview_renders_what_the_editor_types(editor_client):
    response = editor_client.post(
        "/admin/markdown-preview/",
        {
            "field": "intro",
            "intro": "A *draft* <img src=x onerror=alert(1)> [link](javascript:alert(1))",
        },
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("em").text == "draft"
    assert soup.find("img") is None
    assert not soup.find("a", href=True)
    empty = editor_client.post("/admin/markdown-preview/", {"field": "intro", "intro": ""})
    assert b"Nothing to preview yet." in empty.content
    assert editor_client.get("/admin/markdown-preview/").status_code == 405


def test_the_live_preview_leaves_the_sites_markdown_cache_alone(editor_client):
    """Every keystroke is a new draft: cached, they would push the site's own text out."""
    before = render_markdown.cache_info()
    for draft in ("A", "A *d", "A *draft*"):
        editor_client.post("/admin/markdown-preview/", {"field": "intro", "intro": draft})
    after = render_markdown.cache_info()
    assert (after.hits + after.misses, after.currsize) == (
        before.hits + before.misses,
        before.currsize,
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/admin/comparisons/comparison/add/", "verdict"),
        ("/admin/reviews/reviewer/add/", "bio"),
        ("/admin/newsletter/edition/add/", "intro"),
    ],
)
def test_every_markdown_field_has_a_preview(editor_client, path, field):
    soup = BeautifulSoup(editor_client.get(path).content, "html.parser")
    assert soup.find(id=f"id_{field}-preview") is not None
