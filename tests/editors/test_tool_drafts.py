"""Tools start as drafts: readers see a tool once an editor publishes it."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comparisons.models import Tool
from tests.editors.forms import form_fields
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/comparisons/tool/add/"


def test_a_new_tool_is_a_draft_by_default():
    tool = Tool.objects.create(
        name="Fresh", slug="fresh", tagline="New", category=CategoryFactory.create()
    )
    assert tool.is_published is False
    assert Client(headers={"x-forwarded-proto": "https"}).get("/tools/fresh/").status_code == 404


def test_the_add_form_starts_unpublished_and_the_publish_action_publishes(editor_client):
    category = CategoryFactory.create(name="Speech")
    page = editor_client.get(ADD)
    box = BeautifulSoup(page.content, "html.parser").select_one('input[name="is_published"]')
    assert box is not None and not box.has_attr("checked")
    data = form_fields(page.content, "tool_form")
    data.update(
        {
            "name": "Parakeet",
            "slug": "parakeet",
            "category": str(category.pk),
            "tagline": "Fast speech to text",
            "_save": "Save",
        }
    )
    assert editor_client.post(ADD, data).status_code == 302
    tool = Tool.objects.get(slug="parakeet")
    assert not tool.is_published
    reader = Client(headers={"x-forwarded-proto": "https"})
    assert reader.get("/tools/parakeet/").status_code == 404
    assert "Parakeet" not in reader.get("/tools/").content.decode()

    listed = editor_client.post(
        "/admin/comparisons/tool/",
        {"action": "publish", "_selected_action": [str(tool.pk)]},
        follow=True,
    )
    assert "1 tool published." in listed.content.decode()
    tool.refresh_from_db()
    assert tool.is_published
    soup = BeautifulSoup(reader.get("/tools/parakeet/").content, "html.parser")
    assert soup.h1.get_text() == "Parakeet"
    # No tiers and no scorecards: nothing invented ("Contact sales", "0 of 0 ship").
    numbers = soup.select_one(".numbers").get_text(" ", strip=True)
    assert "Price not listed" in numbers and "Not reviewed yet" in numbers
    assert "Contact sales" not in soup.get_text() and "0 of 0" not in soup.get_text()

    editor_client.post(
        "/admin/comparisons/tool/",
        {"action": "unpublish", "_selected_action": [str(tool.pk)]},
    )
    assert reader.get("/tools/parakeet/").status_code == 404
