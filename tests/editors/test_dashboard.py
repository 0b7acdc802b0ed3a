"""The admin index is the editors' dashboard: what needs doing, each section a count, its first
rows linking to their pages and a link to the list filtered to all of them; bounded in queries
and read off indexes however many rows match."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup, NavigableString, Tag
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comparisons.models import Comparison, Tool
from editors import dashboard
from newsletter.models import Delivery, Edition
from tests.editors.test_admin_scale import analyze, plan_of
from tests.factories import CategoryFactory, ScorecardFactory, ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
STALE = "Tools with prices checked over 90 days ago"


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(NOW, tick=False):
        yield


def sections(client) -> dict[str, Tag]:
    response = client.get("/admin/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    found: dict[str, Tag] = {}
    for module in soup.select(".dashboard-section"):
        caption = module.find("caption")
        assert caption is not None, module
        title = caption.contents[0]
        assert isinstance(title, NavigableString), caption
        found[title.strip()] = module
    return found


def count_of(module) -> str:
    return module.select_one(".dashboard-count").get_text(strip=True)


def row_links(module) -> dict[str, str]:
    return {link.get_text(strip=True): link["href"] for link in module.select("tbody th a")}


def see_all(module) -> str:
    return module.select_one(".dashboard-more a")["href"]


@pytest.fixture
def work():
    """One of each kind of work, and things that need none."""
    reviewed = ToolFactory.create(name="Reviewed", prices_checked=datetime.date(2026, 11, 20))
    ScorecardFactory.create(tool=reviewed)
    stale = ToolFactory.create(name="Stale", prices_checked=datetime.date(2025, 11, 18))
    ScorecardFactory.create(tool=stale)
    unreviewed = ToolFactory.create(name="Unreviewed", prices_checked=datetime.date(2026, 11, 1))
    draft_tool = ToolFactory.create(name="Draft tool", is_published=False)
    draft = make_comparison(reviewed, stale, status=Comparison.Status.DRAFT)
    scheduled = make_comparison(
        reviewed,
        unreviewed,
        published_at=datetime.datetime(2026, 12, 3, 15, 0, tzinfo=datetime.UTC),
    )
    live = make_comparison(stale, unreviewed)
    edition = make_edition(live, number=7, status=Edition.Status.SENT)
    failed = DeliveryFactory.create(
        edition=edition,
        subscriber=SubscriberFactory.create(email="bounced@example.com"),
        status=Delivery.Status.FAILED,
        error="550 mailbox unavailable",
    )
    DeliveryFactory.create(
        edition=edition, subscriber=SubscriberFactory.create(), status=Delivery.Status.SENT
    )
    return locals()


def test_each_section_counts_lists_and_links(editor_client, work):
    found = sections(editor_client)
    assert list(found) == [
        "Draft comparisons",
        "Draft tools",
        "Scheduled comparisons",
        STALE,
        "Published tools without scorecards",
        "Failed deliveries (the last 4 editions)",
    ]
    assert row_links(found["Draft comparisons"]) == {
        work["draft"].title: f"/admin/comparisons/comparison/{work['draft'].pk}/change/"
    }
    assert list(row_links(found["Draft tools"])) == ["Draft tool"]
    scheduled = found["Scheduled comparisons"]
    assert list(row_links(scheduled)) == [work["scheduled"].title]
    assert "appears 3 Dec 2026, 15:00 UTC" in scheduled.get_text()
    stale = found[STALE]
    assert list(row_links(stale)) == ["Stale"]
    assert "checked 18 Nov 2025 (12 months ago)" in stale.get_text()
    assert list(row_links(found["Published tools without scorecards"])) == ["Unreviewed"]
    failed = found["Failed deliveries (the last 4 editions)"]
    assert count_of(failed) == "1"
    assert "550 mailbox unavailable" in failed.get_text()
    assert row_links(failed) == {
        str(work["failed"]): f"/admin/newsletter/delivery/{work['failed'].pk}/change/"
    }
    for module in found.values():
        assert count_of(module) == "1"
    # The list of models stays below.
    soup = BeautifulSoup(editor_client.get("/admin/").content, "html.parser")
    assert soup.select_one("#content-main.app-list a[href='/admin/comparisons/tool/']")


def test_every_link_opens_and_see_all_lists_the_same_rows(editor_client, work):
    for title, module in sections(editor_client).items():
        for href in row_links(module).values():
            assert editor_client.get(href).status_code == 200, (title, href)
        listed = editor_client.get(see_all(module))
        assert listed.status_code == 200, title
        soup = BeautifulSoup(listed.content, "html.parser")
        assert "?e=1" not in listed.request["QUERY_STRING"]
        listed_pks = [
            box["value"] for box in soup.select("#result_list input[name=_selected_action]")
        ]
        shown_pks = [href.split("/")[-3] for href in row_links(module).values()]
        assert listed_pks == shown_pks, (title, see_all(module))


def test_empty_sections_say_so(editor_client):
    found = sections(editor_client)
    assert count_of(found["Scheduled comparisons"]) == "0"
    assert "Nothing scheduled." in found["Scheduled comparisons"].get_text()
    assert (
        "No delivery of a recent edition failed."
        in found["Failed deliveries (the last 4 editions)"].get_text()
    )


def test_only_the_latest_editions_failures_count(editor_client, work):
    older = make_edition(number=1, status=Edition.Status.SENT, week=datetime.date(2026, 1, 5))
    for number in (8, 9, 10, 11):
        make_edition(number=number, status=Edition.Status.SENT)
    DeliveryFactory.create(
        edition=older, subscriber=SubscriberFactory.create(), status=Delivery.Status.FAILED
    )
    failed = sections(editor_client)["Failed deliveries (the last 4 editions)"]
    assert count_of(failed) == "0"  # edition 7's failure is now five editions back


def test_an_account_sees_the_sections_it_may_view():
    user = get_user_model().objects.create_user("tools@example.com", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_tool", content_type=ContentType.objects.get_for_model(Tool)
        )
    )
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    assert list(sections(client)) == [
        "Draft tools",
        STALE,
        "Published tools without scorecards",
    ]


def test_staff_without_rights_see_no_dashboard():
    user = get_user_model().objects.create_user("nobody@example.com", is_staff=True)
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert not soup.select(".dashboard-section")
    assert soup.find(id="dashboard-heading") is None
    assert "permission" in soup.select_one("#content-main").get_text()  # Django's own words


def test_a_superuser_sees_every_section(work):
    root = get_user_model().objects.create_superuser("root", "root@example.com", None)
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(root)
    assert len(sections(client)) == 6


def _many(count: int) -> None:
    """``count`` more rows for every section."""
    category = CategoryFactory.create()
    start = Tool.objects.count()
    Tool.objects.bulk_create(
        Tool(
            name=f"Bulk {start + index}",
            slug=f"bulk-{start + index}",
            category=category,
            tagline="Bulk",
            is_published=index % 3 != 0,
            prices_checked=datetime.date(2025, 1, 1) + datetime.timedelta(days=index % 600),
        )
        for index in range(count)
    )
    Comparison.objects.bulk_create(
        Comparison(status=Comparison.Status.DRAFT, slug=f"bulk-draft-{start + index}")
        for index in range(count // 10)
    )
    Comparison.objects.bulk_create(
        Comparison(
            status=Comparison.Status.PUBLISHED,
            slug=f"bulk-scheduled-{start + index}",
            published_at=timezone.now() + datetime.timedelta(hours=index + 1),
        )
        for index in range(count // 10)
    )


def _index_queries(client) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin/").status_code == 200
    return len(captured)


def test_the_dashboards_queries_do_not_grow_with_the_rows(editor_client, work):
    few = _index_queries(editor_client)
    _many(3000)
    analyze(Tool, Comparison)
    assert _index_queries(editor_client) == few
    found = sections(editor_client)
    assert len(row_links(found["Draft tools"])) == dashboard.ROWS
    assert len(row_links(found[STALE])) == dashboard.ROWS
    assert int(count_of(found["Draft tools"]).replace(",", "")) == 1001


def test_the_dashboards_queries_are_pinned(editor_client, work, django_assert_num_queries):
    ContentType.objects.clear_cache()
    editor_client.get("/admin/")  # the session and the account's rights, once
    # Session and user, the account's permissions, then for each of the six sections its rows,
    # the planner's estimate and the count, and the failed deliveries' editions (twice: for
    # the rows and the link).
    with django_assert_num_queries(24):
        editor_client.get("/admin/")


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Comparison.objects.drafts()[:10], "comparison_draft"),
        (lambda: Comparison.objects.scheduled_soonest()[:10], "comparison_scheduled"),
        (lambda: Tool.objects.filter(is_published=False).order_by("-id")[:10], "tool_unpublished"),
        (lambda: Tool.objects.prices_stale()[:10], "tool_price_check"),
        (lambda: Tool.objects.unreviewed()[:10], "tool_unreviewed"),
        (lambda: Tool.objects.unreviewed(), "tool_unreviewed"),
    ],
)
def test_every_section_reads_an_index(queryset, index):
    _many(3000)
    analyze(Tool, Comparison)
    assert index in plan_of(queryset())


def test_failed_deliveries_are_read_by_edition_and_status(work):
    from newsletter.dashboard import _failed

    analyze(Delivery, Edition)
    plan = plan_of(_failed()[:10], bitmaps_only=True)
    assert "delivery_edition_status" in plan
