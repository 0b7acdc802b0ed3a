"""Names, taglines, titles, subjects and the reviewer's lines hold one line of text.

A crafted admin POST once stored a tool name with "\\r\\n": every share image showing the tool
then answered 500. The models refuse control characters in their single-line fields.
"""

import pytest
from django.core.exceptions import ValidationError

from comparisons.models import Category, Comparison, PricingTier, Tool
from newsletter.models import Edition
from reviews.models import Reviewer
from tests.editors.forms import form_fields
from tests.factories import (
    CategoryFactory,
    PricingTierFactory,
    ReviewerFactory,
    ToolFactory,
    make_comparison,
)
from tests.newsletter.factories import make_edition

pytestmark = pytest.mark.django_db

SINGLE_LINE = [
    (Category, "name"),
    (Tool, "name"),
    (Tool, "vendor"),
    (Tool, "tagline"),
    (Tool, "licence"),
    (PricingTier, "name"),
    (PricingTier, "note"),
    (Comparison, "title"),
    (Reviewer, "name"),
    (Reviewer, "question"),
    (Edition, "subject"),
]
BREAKS = [
    "Alpha\r\nVision",
    "Tab\there",
    "Bell\x07",
    "Esc\x1b[31m",
    "Next\x85line",
    "Line\u2028sep",
]


def an_instance(model):
    if model is Category:
        return CategoryFactory.create()
    if model is Tool:
        return ToolFactory.create()
    if model is PricingTier:
        return PricingTierFactory.create()
    if model is Comparison:
        return make_comparison(ToolFactory.create(), ToolFactory.create())
    if model is Reviewer:
        return ReviewerFactory.create()
    return make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))


@pytest.mark.parametrize(("model", "field"), SINGLE_LINE, ids=lambda v: getattr(v, "__name__", v))
def test_single_line_fields_refuse_control_characters(model, field):
    obj = an_instance(model)
    obj.full_clean()  # valid as made
    for value in BREAKS:
        setattr(obj, field, value)
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert list(refused.value.message_dict) == [field], value


def test_names_may_be_any_script_with_punctuation_and_emoji():
    tool = ToolFactory.create()
    for name in ["视觉语言模型", "نموذج لغوي", "Ünïcödé — “quoted” & <angled>", "Robot 🤖 v2.1"]:
        tool.name = name
        tool.full_clean()


def test_the_admin_refuses_a_tool_name_with_a_line_break(editor_client):
    tool = ToolFactory.create(name="Alpha")
    change = f"/admin/comparisons/tool/{tool.pk}/change/"
    data = form_fields(editor_client.get(change).content, "tool_form")
    data.update(name="Alpha\r\nVision", _save="Save")
    response = editor_client.post(change, data)
    assert response.status_code == 200
    assert "without control characters" in str(response.context["adminform"].form.errors["name"])
    tool.refresh_from_db()
    assert tool.name == "Alpha"
