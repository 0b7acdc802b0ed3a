import pytest
from django.urls import reverse

from comparisons.models import Category, Comparison, ComparisonEntry, PricingTier, Tool
from reviews.models import Reviewer, Scorecard
from tests.factories import ReviewerFactory, ScorecardFactory, ToolFactory, make_comparison

pytestmark = pytest.mark.django_db

MODELS = [Category, Tool, Comparison, Reviewer, Scorecard]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_has_working_admin_pages(staff_client, model):
    ScorecardFactory.create()
    make_comparison(ToolFactory.create(), ToolFactory.create())
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "ünïcode ✓"}).status_code == 200
    assert (
        staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )
    obj = model.objects.first()
    assert (
        staff_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        ).status_code
        == 200
    )


def test_tool_admin_has_pricing_and_scorecard_inlines(staff_client):
    tool = ToolFactory.create()
    ScorecardFactory.create(tool=tool)
    response = staff_client.get(reverse("admin:comparisons_tool_change", args=[tool.pk]))
    assert b"pricing_tiers-TOTAL_FORMS" in response.content
    assert b"scorecards-TOTAL_FORMS" in response.content


def entry_form(tools, **fields):
    data = {
        "kind": "curated",
        "status": "published",
        "published_at_0": "2025-11-20",
        "published_at_1": "08:00:00",
        "intro": "",
        "pricing_read": "",
        "verdict": "",
        "entries-TOTAL_FORMS": str(max(len(tools), 2)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "4",
        **fields,
    }
    for index in range(int(data["entries-TOTAL_FORMS"])):
        # An untouched extra row posts its initial position (the rows are numbered 1, 2, 3…)
        # and no tool, as a browser does.
        data[f"entries-{index}-tool"] = str(tools[index].pk) if index < len(tools) else ""
        data[f"entries-{index}-position"] = str(index + 1)
    return data


def test_creating_a_comparison_in_admin_derives_its_slug(staff_client):
    b, a = (
        ToolFactory.create(name="Bravo", slug="bravo"),
        ToolFactory.create(name="Alpha", slug="alpha"),
    )
    response = staff_client.post(reverse("admin:comparisons_comparison_add"), entry_form([b, a]))
    assert response.status_code == 302, response.content.decode()[:2000]
    comparison = Comparison.objects.get()
    assert (comparison.slug, comparison.title) == ("alpha-vs-bravo", "Bravo vs Alpha")
    assert comparison.is_live


@pytest.mark.parametrize("count", [1, 5])
def test_a_comparison_needs_two_to_four_tools(staff_client, count):
    tools = [ToolFactory.create() for _ in range(count)]
    data = entry_form(tools, **{"entries-MAX_NUM_FORMS": "1000"})
    response = staff_client.post(reverse("admin:comparisons_comparison_add"), data)
    assert response.status_code == 200
    assert Comparison.objects.count() == 0
    assert (
        b"A comparison holds 2 to 4 tools" in response.content
        or b"Please submit at most 4" in response.content
    )


def test_the_same_tool_twice_is_refused(staff_client):
    tool = ToolFactory.create()
    response = staff_client.post(
        reverse("admin:comparisons_comparison_add"), entry_form([tool, tool])
    )
    assert response.status_code == 200
    assert Comparison.objects.count() == 0
    assert ComparisonEntry.objects.count() == 0


def test_a_second_comparison_of_the_same_tools_is_refused(staff_client):
    a, b = ToolFactory.create(), ToolFactory.create()
    existing = make_comparison(a, b)
    response = staff_client.post(reverse("admin:comparisons_comparison_add"), entry_form([b, a]))
    assert response.status_code == 200
    assert f"“{existing.title}” already compares exactly these tools".encode() in response.content
    assert Comparison.objects.count() == 1


def test_tool_list_shows_entry_panel_and_scorecards(staff_client):
    tool = ToolFactory.create(name="Listed")
    PricingTier.objects.create(tool=tool, name="Pro", price=12, unit="mo")
    ScorecardFactory.create(tool=tool, reviewer=ReviewerFactory.create(), verdict="ship")
    ScorecardFactory.create(tool=tool, reviewer=ReviewerFactory.create(), verdict="skip")
    content = staff_client.get(reverse("admin:comparisons_tool_changelist")).content.decode()
    assert "$12/mo" in content and "50%" in content


def test_anonymous_visitors_reach_no_admin_page(client):
    response = client.get(reverse("admin:comparisons_tool_changelist"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
