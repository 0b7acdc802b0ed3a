"""The admin at directory scale: no select of every tool, comparison or subscriber, no full
count or date hierarchy over big tables, estimates labelled as such, indexed search and lists
(EXPLAIN, with sequential scans off), and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime
import hashlib
import itertools

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comparisons.admin.votes import VoteAdmin
from comparisons.models import Comparison, Tool, Vote
from compsite import counting
from compsite.counting import EstimatingPaginator, Tally, planned_rows, tally
from newsletter import services
from newsletter.admin.deliveries import DeliveryAdmin
from newsletter.admin.subscribers import SubscriberAdmin
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import CategoryFactory, ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

BIG = (Tool, Comparison, Subscriber)
PICKERS = (
    widgets.AutocompleteSelect,
    widgets.AutocompleteSelectMultiple,
    widgets.ForeignKeyRawIdWidget,
    widgets.ManyToManyRawIdWidget,
)
# Tables of millions of rows at directory scale (item 5 of the issue).
LARGE_LISTS = [Subscriber, Delivery, Vote]


def superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.com", None)
    return request


def many_subscribers(count: int) -> None:
    """``count`` confirmed subscribers, ``bulk<n>.<a few letters of its own>@example.net``."""
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"bulk{index}.{hashlib.md5(str(index).encode()).hexdigest()[:8]}@example.net",
            status=Subscriber.Status.CONFIRMED,
            confirmed_at=now,
        )
        for index in range(count)
    )


def analyze(*models) -> None:
    """Fresh statistics for the planner (ANALYZE runs inside the test's transaction)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def plan_of(queryset, *, bitmaps_only: bool = False) -> str:
    """The plan Postgres picks with sequential scans priced out: what an index can do. With
    ``bitmaps_only`` plain index scans are priced out too, so a small table is not simply read
    in full down its primary key (which at a million rows nobody would)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmaps_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


# --- What the forms and lists render ---------------------------------------------------------


def test_no_form_renders_a_select_of_every_tool_comparison_or_subscriber():
    request = superuser_request()
    tool = ToolFactory.create()
    comparison = make_comparison(tool, ToolFactory.create())
    objects = {Tool: tool, Comparison: comparison}
    checked = []
    for model, model_admin in admin.site._registry.items():
        for obj in (None, objects.get(model)):
            forms = [model_admin.get_form(request, obj)]
            forms += [
                inline.get_formset(request, obj).form
                for inline in model_admin.get_inline_instances(request, obj)
            ]
            for form in forms:
                for name, field in form.base_fields.items():
                    if isinstance(field, ModelChoiceField) and field.queryset.model in BIG:
                        widget = getattr(field.widget, "widget", field.widget)
                        assert isinstance(widget, PICKERS), (model, name, widget)
                        checked.append((model.__name__, name))
    # The fields that pick one of the big tables: each is a search box.
    assert {
        ("Comparison", "tool"),
        ("ComparisonRedirect", "comparison"),
        ("Edition", "comparison"),
        ("Scorecard", "tool"),
    } <= set(checked)


def test_no_list_filter_lists_every_tool_comparison_or_subscriber():
    request = superuser_request()
    for model, model_admin in admin.site._registry.items():
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            field = getattr(spec, "field", None)
            related = getattr(field, "related_model", None)
            assert related not in BIG, (model, spec.title)


@pytest.mark.parametrize("model", LARGE_LISTS)
def test_large_lists_never_count_the_whole_table_nor_group_it_by_date(model):
    model_admin = admin.site._registry[model]
    assert model_admin.show_full_result_count is False
    assert model_admin.date_hierarchy is None
    assert model_admin.paginator is EstimatingPaginator
    # Sorting by a column no index orders would sort millions of rows.
    assert set(model_admin.sortable_by) <= {"email"}


# --- Counting and estimating --------------------------------------------------------------------


def test_a_tally_counts_while_few_and_estimates_once_many():
    many_subscribers(300)
    analyze(Subscriber)
    everyone = Subscriber.objects.all()
    assert planned_rows(everyone) == 300  # ANALYZE read every row of so small a table
    assert tally(everyone) == Tally(300)
    assert str(tally(everyone)) == "300"
    estimate = tally(everyone, exact_up_to=100)
    assert estimate == Tally(300, estimated=True)
    assert str(estimate) == "about 300"
    assert str(Tally(1_000_000, estimated=True)) == "about 1,000,000"
    # A filter the statistics know: all of them are confirmed, none pending.
    assert tally(everyone.filter(status="confirmed"), exact_up_to=100).value == 300


@pytest.fixture
def estimating(monkeypatch):
    """Estimate above 50 rows instead of 20,000: the lists behave as at a million."""
    monkeypatch.setattr(counting, "EXACT_UP_TO", 50)


def test_the_subscriber_list_says_about_for_every_estimated_number(editor_client, estimating):
    many_subscribers(300)
    SubscriberFactory.create(
        email="ada@example.com", status=Subscriber.Status.PENDING, confirmed_at=None
    )
    analyze(Subscriber)
    soup = BeautifulSoup(editor_client.get("/admin/newsletter/subscriber/").content, "html.parser")
    counts = [" ".join(li.text.split()) for li in soup.select(".status-counts li")]
    assert counts[-1] == "All: about 301"
    assert all("about" in count for count in counts)
    assert (
        " ".join(soup.select_one(".paginator").text.split()).endswith(
            "about 301 subscribers Show all"
        )
        or "about 301 subscribers" in soup.select_one(".paginator").text
    )
    assert "Select all about 301 subscribers" in soup.select_one(".actions").text
    assert "All about 301 selected" in soup.select_one(".actions").text

    # A search that finds a few is counted exactly, and says so without "about".
    soup = BeautifulSoup(
        editor_client.get("/admin/newsletter/subscriber/", {"q": "ada@"}).content, "html.parser"
    )
    assert [cell.text for cell in soup.select("#result_list tbody th")] == ["ada@example.com"]
    assert "1 result" in " ".join(soup.select_one("#changelist-search").text.split())
    assert "about" not in soup.select_one(".paginator").text


def test_with_few_rows_the_list_counts_exactly(editor_client):
    many_subscribers(30)
    page = BeautifulSoup(
        editor_client.get("/admin/newsletter/subscriber/").content, "html.parser"
    ).select_one(".paginator")
    assert "30 subscribers" in page.text and "about" not in page.text


def test_an_editions_audience_is_estimated_and_said_so(editor_client, estimating):
    many_subscribers(300)
    analyze(Subscriber, Subscriber.interests.through)
    edition = make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
    confirm = BeautifulSoup(
        editor_client.get(f"/admin/newsletter/edition/{edition.pk}/send/").content, "html.parser"
    )
    button = confirm.find("input", type="submit")["value"]
    assert button.startswith("Yes, send it to about ") and button.endswith(" subscribers")
    page = BeautifulSoup(
        editor_client.get(f"/admin/newsletter/edition/{edition.pk}/change/").content,
        "html.parser",
    )
    panel = " ".join(page.select_one(".edition-workflow").text.split())
    assert "to about " in panel and "about about" not in panel


# --- Indexes: EXPLAIN with sequential scans off -----------------------------------------------


def test_the_subscriber_search_reads_the_trigram_index():
    many_subscribers(2000)
    analyze(Subscriber)
    request = superuser_request()
    model_admin = SubscriberAdmin(Subscriber, admin.site)
    address = Subscriber.objects.get(email__startswith="bulk123.").email
    part = address.split(".")[1][:7].upper()  # a part of it, in another case
    found, _ = model_admin.get_search_results(request, Subscriber.objects.all(), part)
    assert address in found.values_list("email", flat=True)  # icontains, as Django's search
    assert "subscriber_email_trgm" in plan_of(found.order_by())


def test_the_subscriber_list_is_read_in_order_off_an_index():
    many_subscribers(2000)
    analyze(Subscriber)
    newest = Subscriber.objects.all()[:100]  # Meta.ordering: newest first
    plan = plan_of(newest)
    assert "subscriber_newest" in plan and "Sort" not in plan


def test_the_delivery_search_reads_the_subscribers_trigram_index():
    edition = make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
    many_subscribers(2000)
    services.edition_start(edition_id=edition.pk)
    analyze(Subscriber, Delivery)
    model_admin = DeliveryAdmin(Delivery, admin.site)
    address = Subscriber.objects.get(email__startswith="bulk77.").email
    found, _ = model_admin.get_search_results(
        superuser_request(), Delivery.objects.all(), address.split(".")[1][:8]
    )
    assert [d.subscriber.email for d in found] == [address]
    assert "subscriber_email_trgm" in plan_of(found.order_by(), bitmaps_only=True)


def test_an_editions_deliveries_of_one_status_are_read_off_their_index():
    many_subscribers(2000)
    earlier, edition = (
        make_edition(make_comparison(ToolFactory.create(), ToolFactory.create())) for _ in "ab"
    )
    for sending in (earlier, edition):
        services.edition_start(edition_id=sending.pk)
    # The earlier edition went out; the last 50 of this one are still waiting.
    Delivery.objects.filter(edition=earlier).update(status="sent")
    waiting = Delivery.objects.filter(edition=edition).order_by("-pk")[:50].values("pk")
    Delivery.objects.filter(edition=edition).exclude(pk__in=waiting).update(status="sent")
    analyze(Delivery)
    failed = Delivery.objects.filter(edition=edition, status="failed").order_by("-pk")[:100]
    plan = plan_of(failed)
    assert "delivery_edition_status" in plan and "Sort" not in plan
    # The send's batches: pending ones after the last id, in id order.
    pending = Delivery.objects.filter(edition=edition, status="pending", pk__gt=0).order_by("pk")
    plan = plan_of(pending[:100])
    assert "delivery_edition_status" in plan and "Sort" not in plan


def test_the_vote_search_reads_the_votes_by_index():
    first = make_comparison(
        ToolFactory.create(name="Zebrafish Vision"), ToolFactory.create(name="Okapi Chat")
    )
    other = make_comparison(ToolFactory.create(), ToolFactory.create())
    tool = first.entries.first().tool
    Vote.objects.bulk_create(
        Vote(comparison=comparison, tool=comparison.entries.first().tool, reader_hash=f"{n:064}")
        for n in range(1000)
        for comparison in [first if n % 100 == 0 else other]
    )
    analyze(Vote)
    model_admin = VoteAdmin(Vote, admin.site)
    request = superuser_request()
    found, duplicates = model_admin.get_search_results(request, Vote.objects.all(), "zebrafish")
    assert not duplicates
    assert found.count() == 10 and {vote.tool for vote in found} == {tool}
    plan = plan_of(found.order_by())
    assert "Index" in plan and "comparisons_vote" in plan
    assert "Seq Scan on comparisons_vote" not in plan
    # Two words: each must match the title or the name (as Django's own search).
    found, _ = model_admin.get_search_results(
        request, Vote.objects.all(), "zebrafish nothing-like-it"
    )
    assert found.count() == 0


# --- Query counts that do not grow with the rows -------------------------------------------------


def _queries(client, path: str) -> int:
    ContentType.objects.clear_cache()  # counted whether or not an earlier test filled it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.fixture
def sent_editions():
    """Sent editions with their deliveries (counts kept, as the send keeps them)."""
    numbers = itertools.count(100)

    def make(count: int, subscribers: list[Subscriber]) -> list[Edition]:
        editions = []
        for _ in range(count):
            comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
            edition = make_edition(comparison)
            for subscriber in subscribers:
                DeliveryFactory.create(edition=edition, subscriber=subscriber, status="sent")
            Edition.objects.filter(pk=edition.pk).update(
                status=Edition.Status.SENDING,
                number=next(numbers),
                send_started_at=timezone.now(),
                deliveries_recorded_at=timezone.now(),
            )
            assert services.edition_finish(edition_id=edition.pk)
            editions.append(edition)
        return editions

    return make


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # Every list: the session, the user and the editor's two permission queries (4), then
        # its own. Subscribers: the tallies above it (EXPLAIN, counts by status), the interest
        # filter's categories, the paginator's EXPLAIN and count, the rows, their interests.
        ("/admin/newsletter/subscriber/", 11),
        ("/admin/newsletter/subscriber/?q=reader", 11),
        ("/admin/newsletter/subscriber/?interest=none", 11),
        # Deliveries: the edition filter's editions, EXPLAIN, count, the rows (joined).
        ("/admin/newsletter/delivery/", 8),
        ("/admin/newsletter/delivery/?status__exact=failed", 8),
        # Votes: EXPLAIN, count, the rows (joined).
        ("/admin/comparisons/vote/", 7),
        # Tools: the category filter, EXPLAIN, count, the rows (panel counts as subqueries),
        # their pricing tiers.
        ("/admin/comparisons/tool/", 9),
        # Editions (a few a year, counted exactly): count, full count, the rows, the date
        # hierarchy's two, the deliveries of those not sent yet, all in one, and the line above
        # the list saying which edition goes out next (newsletter.services.edition_next_send).
        ("/admin/newsletter/edition/", 11),
    ],
)
def test_list_queries_are_pinned_and_do_not_grow_with_the_rows(
    editor_client, sent_editions, path, queries
):
    def grow(times: int) -> None:
        subscribers = SubscriberFactory.create_batch(
            3 * times, interests=[CategoryFactory.create()] if times > 1 else []
        )
        sent_editions(times, subscribers)
        for _ in range(times):
            # Editions not sent yet are counted live, all of them in one query.
            make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
            comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
            entry = comparison.entries.first()
            assert entry is not None
            Vote.objects.create(
                comparison=comparison,
                tool=entry.tool,
                reader_hash=f"{timezone.now().timestamp()}-{times}-{_}",
            )

    def analyse() -> None:
        # The lists count exactly below an estimate of 20,000 rows (compsite/counting.py), and
        # the estimate is the planner's statistics: an earlier test that loaded many rows would
        # leave them claiming its numbers. Analysed inside the test's transaction, they describe
        # these rows, and roll back with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    grow(1)
    analyse()
    small = _queries(editor_client, path)
    grow(3)
    analyse()
    large = _queries(editor_client, path)
    assert small == large == queries, (path, small, large)


def test_change_form_queries_are_pinned(editor_client, sent_editions):
    subscribers = SubscriberFactory.create_batch(5)
    [sent] = sent_editions(1, subscribers)
    draft = make_edition(make_comparison(ToolFactory.create(), ToolFactory.create()))
    tool = ToolFactory.create()
    delivery = Delivery.objects.filter(edition=sent).first()
    pages = {
        f"/admin/newsletter/subscriber/{subscribers[0].pk}/change/": 8,
        f"/admin/newsletter/delivery/{delivery.pk}/change/": 8,
        f"/admin/newsletter/edition/{draft.pk}/change/": 16,
        f"/admin/newsletter/edition/{sent.pk}/change/": 14,
        f"/admin/newsletter/edition/{draft.pk}/send/": 11,
        f"/admin/comparisons/tool/{tool.pk}/change/": 11,
    }
    counted = {path: _queries(editor_client, path) for path in pages}
    assert counted == pages


def test_a_sent_editions_page_reads_its_kept_counts(editor_client, sent_editions):
    subscribers = SubscriberFactory.create_batch(4)
    [edition] = sent_editions(1, subscribers)
    edition.refresh_from_db()
    assert edition.delivery_counts == {"total": 4, "sent": 4, "failed": 0, "skipped": 0}
    # Were it to count, it would find none now; it shows what the send finished with.
    Delivery.objects.filter(edition=edition).delete()
    soup = BeautifulSoup(
        editor_client.get(f"/admin/newsletter/edition/{edition.pk}/change/").content,
        "html.parser",
    )
    counts = " ".join(soup.select_one(".send-progress-counts").text.split())
    assert counts.startswith("4 sent · 0 failed · 0 waiting · 4 total")
    assert "Sent to 4 subscribers" in soup.select_one(".edition-workflow").text
    listing = BeautifulSoup(
        editor_client.get("/admin/newsletter/edition/").content, "html.parser"
    ).select_one("#result_list tbody tr")
    assert [cell.text for cell in listing.select("td.field-sent, td.field-failed")] == ["4", "0"]


def test_the_date_filter_on_votes_keeps_working(editor_client):
    comparison = make_comparison(ToolFactory.create(), ToolFactory.create())
    tool = comparison.entries.first().tool
    old = Vote.objects.create(comparison=comparison, tool=tool, reader_hash="a" * 64)
    Vote.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    Vote.objects.create(comparison=comparison, tool=tool, reader_hash="b" * 64)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    response = editor_client.get(
        "/admin/comparisons/vote/",
        {"created_at__gte": str(today), "created_at__lt": str(today + datetime.timedelta(days=1))},
    )
    rows = BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")
    assert len(rows) == 1


def test_a_search_that_can_match_nothing_is_counted_as_nothing(editor_client):
    # No comparison or tool holds the word: Django sends no query for the votes at all.
    response = editor_client.get("/admin/comparisons/vote/", {"q": "0"})
    assert response.status_code == 200
    assert tally(Vote.objects.filter(pk__in=[])) == Tally(0)
