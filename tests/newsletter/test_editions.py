"""The weekly edition: what it is prefilled with, its subject, its number, its pages, its schedule."""

import datetime
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from comparisons.models import Comparison
from compsite.environment import cron_schedule
from newsletter import services
from newsletter.models import Delivery, Edition, edition_subject, week_start
from newsletter.tasks import send_batch, send_edition, weekly_edition
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

MONDAY_8AM = datetime.datetime(2025, 11, 24, 8, 0, tzinfo=datetime.UTC)


def comparison(days_ago: float = 1, **fields) -> Comparison:
    fields.setdefault("published_at", timezone.now() - datetime.timedelta(days=days_ago))
    return make_comparison(ToolFactory.create(), ToolFactory.create(), **fields)


def item_ids(edition: Edition) -> list[int]:
    return list(edition.items.order_by("position").values_list("comparison_id", flat=True))


# --- Prefill ------------------------------------------------------------------------------


def test_first_edition_is_prefilled_with_the_five_most_recent_comparisons():
    ordered = [comparison(days_ago=day) for day in range(1, 8)]  # newest first
    comparison(status=Comparison.Status.DRAFT, published_at=None)
    comparison(days_ago=-2)  # scheduled for the future: not published yet
    comparison(days_ago=0.5, kind=Comparison.Kind.GENERATED)  # stored from a reader's vote
    edition, created = services.edition_prepare()
    assert created
    assert edition.status == Edition.Status.DRAFT
    assert edition.number is None
    assert item_ids(edition) == [c.pk for c in ordered[:5]]


def test_later_editions_hold_what_was_published_since_the_last_one_went_out():
    with time_machine.travel(MONDAY_8AM - datetime.timedelta(days=3), tick=False):
        old = comparison(days_ago=1)
    with time_machine.travel(MONDAY_8AM, tick=False):
        first, _ = services.edition_prepare()
        assert item_ids(first) == [old.pk]
        SubscriberFactory.create()
        services.edition_start(edition_id=first.pk)
    later = MONDAY_8AM + datetime.timedelta(days=7)
    with time_machine.travel(later - datetime.timedelta(days=2), tick=False):
        newer = comparison(days_ago=1)
        newest = comparison(days_ago=0.5)
    with time_machine.travel(later, tick=False):
        second, created = services.edition_prepare()
    assert created
    assert second.week == first.week + datetime.timedelta(days=7)
    assert item_ids(second) == [newest.pk, newer.pk]


def test_a_comparison_an_earlier_edition_carried_is_not_repeated():
    with time_machine.travel(MONDAY_8AM, tick=False):
        carried = comparison(days_ago=1)
        first, _ = services.edition_prepare()
        services.edition_start(edition_id=first.pk)
        # Published "after" the send started, yet editors put it in that edition by hand.
        late = comparison(days_ago=-0.1)
        first.items.create(comparison=late, position=1)
    with time_machine.travel(MONDAY_8AM + datetime.timedelta(days=7), tick=False):
        fresh = comparison(days_ago=1)
        second, _ = services.edition_prepare()
    assert item_ids(second) == [fresh.pk]
    assert carried.pk not in item_ids(second)


def test_one_edition_per_iso_week():
    comparison()
    monday, _ = services.edition_prepare(when=MONDAY_8AM)
    sunday, created = services.edition_prepare(
        when=MONDAY_8AM + datetime.timedelta(days=6, hours=15)
    )
    assert not created
    assert sunday.pk == monday.pk
    assert monday.week == datetime.date(2025, 11, 24) == week_start(datetime.date(2025, 11, 30))
    next_monday, created = services.edition_prepare(when=MONDAY_8AM + datetime.timedelta(days=7))
    assert created and next_monday.pk != monday.pk


# --- Subject ------------------------------------------------------------------------------


def test_subject_names_the_first_comparison_and_counts_the_rest():
    a = make_comparison(ToolFactory.create(name="ChatGPT"), ToolFactory.create(name="Claude"))
    rest = [comparison() for _ in range(3)]
    assert edition_subject([a]) == "Weekly AI Tool Verdicts: ChatGPT vs Claude"
    assert edition_subject([a, rest[0]]) == "Weekly AI Tool Verdicts: ChatGPT vs Claude and 1 more"
    assert edition_subject([a, *rest]) == "Weekly AI Tool Verdicts: ChatGPT vs Claude and 3 more"


def test_an_editor_subject_replaces_the_counted_one():
    edition = make_edition(comparison(), subject="Five tools we would not ship")
    edition = Edition.objects.with_contents().get(pk=edition.pk)
    assert edition.display_subject == "Five tools we would not ship"


# --- Starting a send ------------------------------------------------------------------------


def test_an_edition_with_no_comparisons_is_not_sent(capsys):
    SubscriberFactory.create()
    out = io.StringIO()
    call_command("send_weekly_edition", stdout=out)
    edition = Edition.objects.get()
    assert edition.status == Edition.Status.DRAFT
    assert edition.number is None
    assert not Delivery.objects.exists()
    assert "Nothing queued" in out.getvalue()
    assert "holds no comparisons" in out.getvalue()


def test_a_held_edition_is_not_sent():
    SubscriberFactory.create()
    edition = make_edition(comparison(), status=Edition.Status.HELD)
    plan = services.edition_start(edition_id=edition.pk)
    assert not plan.started
    assert "held" in plan.reason
    assert not Delivery.objects.exists()


def test_editions_that_go_out_are_numbered_one_two_three():
    SubscriberFactory.create()
    numbers = []
    for week in range(3):
        edition = make_edition(
            comparison(), week=datetime.date(2025, 1, 6) + datetime.timedelta(weeks=week)
        )
        services.edition_start(edition_id=edition.pk)
        edition.refresh_from_db()
        numbers.append(edition.number)
        assert edition.status == Edition.Status.SENDING
    assert numbers == [1, 2, 3]
    # An empty or held edition takes no number.
    held = make_edition(comparison(), status=Edition.Status.HELD)
    services.edition_start(edition_id=held.pk)
    held.refresh_from_db()
    assert held.number is None


def test_recipients_are_confirmed_subscribers_whose_interests_match():
    vision_tool, speech_tool = ToolFactory.create(), ToolFactory.create()
    vision, speech = vision_tool.category, speech_tool.category
    vision_only = make_comparison(vision_tool, ToolFactory.create(category=vision))
    everyone = SubscriberFactory.create()
    wants_vision = SubscriberFactory.create(interests=[vision])
    wants_speech = SubscriberFactory.create(interests=[speech])  # nothing for them this week
    SubscriberFactory.create(status="pending", confirmed_at=None)
    SubscriberFactory.create(status="unsubscribed")
    edition = make_edition(vision_only)
    plan = services.edition_start(edition_id=edition.pk)
    assert plan.recipients == 2
    recipients = set(Delivery.objects.values_list("subscriber_id", flat=True))
    assert recipients == {everyone.pk, wants_vision.pk}
    assert wants_speech.pk not in recipients


def test_command_creates_the_edition_starts_the_send_and_says_what_it_queued(eager, mailoutbox):
    comparison()
    SubscriberFactory.create_batch(3)
    out = io.StringIO()
    call_command("send_weekly_edition", stdout=out)
    edition = Edition.objects.get()
    output = out.getvalue()
    assert "Created the draft" in output
    assert "Edition #1 (1 comparisons, 3 recipients): 3 deliveries in 1 of 1 batches" in output
    assert "sent in this process" in output
    assert edition.status == Edition.Status.SENT
    assert len(mailoutbox) == 3
    # Run again: nothing more goes out.
    again = io.StringIO()
    call_command("send_weekly_edition", stdout=again)
    assert "already been sent" in again.getvalue()
    assert len(mailoutbox) == 3


def test_command_draft_only_creates_the_next_scheduled_edition(settings):
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1"
    comparison()
    with time_machine.travel(
        datetime.datetime(2025, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        out = io.StringIO()
        call_command("send_weekly_edition", "--draft-only", stdout=out)
    edition = Edition.objects.get()
    # Thursday: the next send is Monday 1 December, in the next ISO week.
    assert edition.week == datetime.date(2025, 12, 1)
    assert edition.status == Edition.Status.DRAFT
    assert "Monday 1 December 2025 at 08:00 UTC" in out.getvalue()
    assert not Delivery.objects.exists()


def test_command_draft_only_never_calls_a_sent_edition_the_draft(settings, eager, mailoutbox):
    """Monday's edition, sent early on the Thursday before: the next draft is the week after's."""
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1"
    SubscriberFactory.create()
    thursday = datetime.datetime(2025, 11, 27, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(thursday, tick=False):
        comparison()
        call_command("send_weekly_edition", "--draft-only", stdout=io.StringIO())
        early = Edition.objects.get()
        services.edition_send_now(edition_id=early.pk)
        early.refresh_from_db()
        assert early.status == Edition.Status.SENT
        out = io.StringIO()
        call_command("send_weekly_edition", "--draft-only", stdout=out)
    text = out.getvalue()
    assert "Created the draft for the week of 8 December 2025 (0 comparisons)." in text
    assert (
        "Next: the edition for the week of 8 December 2025 goes out by itself on "
        "Monday 8 December 2025 at 08:00 UTC." in text
    )
    assert "1 December" not in text
    assert Edition.objects.get(week=datetime.date(2025, 12, 8)).status == Edition.Status.DRAFT
    assert len(mailoutbox) == 1


def test_command_says_what_goes_out_next_after_a_send(settings, eager, mailoutbox):
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1"
    SubscriberFactory.create()
    with time_machine.travel(
        datetime.datetime(2025, 11, 25, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        comparison()
        out = io.StringIO()
        call_command("send_weekly_edition", stdout=out)
        again = io.StringIO()
        call_command("send_weekly_edition", stdout=again)
    # Tuesday 25 November: this week's edition went out; next Monday's is the next.
    next_line = (
        "Next: the edition for the week of 1 December 2025 goes out by itself on "
        "Monday 1 December 2025 at 08:00 UTC."
    )
    assert next_line in out.getvalue()
    assert "is not sent because it has already been sent" in again.getvalue()
    assert next_line in again.getvalue()
    assert len(mailoutbox) == 1


# --- Pages ----------------------------------------------------------------------------------


def sent(*comparisons, number, week_offset=0) -> Edition:
    edition = make_edition(
        *comparisons,
        week=datetime.date(2025, 1, 6) + datetime.timedelta(weeks=week_offset),
    )
    Edition.objects.filter(pk=edition.pk).update(
        number=number, status=Edition.Status.SENT, send_started_at=timezone.now()
    )
    edition.refresh_from_db()
    return edition


def test_archive_lists_sent_editions_newest_first_and_never_drafts(client):
    first = sent(comparison(), number=1)
    second = sent(comparison(), comparison(), number=2, week_offset=1)
    make_edition(comparison(), week=datetime.date(2025, 6, 2))  # a draft
    make_edition(comparison(), week=datetime.date(2025, 6, 9), status=Edition.Status.HELD)
    page = BeautifulSoup(client.get("/newsletter/").content, "html.parser")
    archive = [a["href"] for a in page.select(".edition-list a")]
    assert archive == [second.get_absolute_url(), first.get_absolute_url()]
    assert archive == ["/newsletter/2/", "/newsletter/1/"]
    assert "and 1 more" in page.select(".edition-list a")[0].get_text()


def test_edition_web_page_shows_its_comparisons_in_order(client):
    a = make_comparison(ToolFactory.create(name="ChatGPT"), ToolFactory.create(name="Claude"))
    b = make_comparison(ToolFactory.create(name="Whisper"), ToolFactory.create(name="Parakeet"))
    edition = sent(a, b, number=1)
    response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Weekly AI Tool Verdicts: ChatGPT vs Claude and 1 more"
    titles = [link.get_text(strip=True) for link in page.select(".comparison-card h2 a")]
    assert titles == ["ChatGPT vs Claude", "Whisper vs Parakeet"]
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == f"{settings.SITE_URL}/newsletter/1/"


@pytest.mark.parametrize(
    "path", ["/newsletter/1/", "/newsletter/0/", "/newsletter/99999999999999999999/"]
)
def test_drafts_and_unknown_numbers_are_404(client, path):
    make_edition(comparison())  # a draft has no number at all
    assert client.get(path).status_code == 404


def test_newsletter_pages_query_counts_are_pinned(client, django_assert_num_queries):
    for number in (1, 2):
        sent(comparison(), comparison(), number=number, week_offset=number)
    with django_assert_num_queries(5):
        client.get("/newsletter/")
    with django_assert_num_queries(4):
        client.get("/newsletter/1/")
    # More editions, more comparisons: the same number of queries.
    for number in (3, 4, 5):
        sent(comparison(), comparison(), comparison(), number=number, week_offset=number)
    with django_assert_num_queries(5):
        client.get("/newsletter/")
    with django_assert_num_queries(4):
        client.get("/newsletter/5/")


# --- Schedule and task options --------------------------------------------------------------


def test_beat_runs_the_weekly_edition_on_the_configured_cron_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["newsletter-weekly-edition"]
    assert entry["task"] == weekly_edition.name == "newsletter.weekly_edition"
    assert entry["schedule"] == cron_schedule(settings.NEWSLETTER_SCHEDULE)
    assert settings.CELERY_BEAT_SCHEDULE["newsletter-sweep"]["task"] == "newsletter.sweep"


@pytest.mark.parametrize(
    ("cron", "field", "expected"),
    [
        ("0 8 * * 1", "day_of_week", {1}),
        ("0 8 * * 1", "hour", {8}),
        ("0 8 * * 1", "minute", {0}),
        ("30 7 1 * *", "day_of_month", {1}),
        ("30 7 1 * *", "day_of_week", set(range(7))),
        ("0 9 * 6 *", "month_of_year", {6}),
        ("0 9 * 6 *", "day_of_month", set(range(1, 32))),
    ],
)
def test_cron_fields_land_in_the_right_crontab_arguments(cron, field, expected):
    assert getattr(cron_schedule(cron), field) == expected


def test_default_schedule_is_mondays_at_eight_utc():
    schedule = cron_schedule("0 8 * * 1")
    sunday_noon = datetime.datetime(2025, 11, 23, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(sunday_noon, tick=False):
        assert sunday_noon + schedule.remaining_estimate(sunday_noon) == MONDAY_8AM
    monday_9am = MONDAY_8AM + datetime.timedelta(hours=1)
    with time_machine.travel(monday_9am, tick=False):
        next_run = monday_9am + schedule.remaining_estimate(monday_9am)
    assert next_run == MONDAY_8AM + datetime.timedelta(days=7)


def test_mail_tasks_survive_a_worker_crash_and_fit_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (send_batch, send_edition):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
    # A retry waits at most ten minutes in the worker, then runs for at most its time limit.
    assert send_batch.time_limit + 600 < visibility
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_the_next_send_skips_every_week_whose_edition_went_out_and_names_a_held_one(settings):
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1"
    friday = datetime.datetime(2025, 11, 28, 12, 0, tzinfo=datetime.UTC)
    # The next two Mondays' editions went out early; the third is held.
    for week, status in [
        (datetime.date(2025, 12, 1), Edition.Status.SENT),
        (datetime.date(2025, 12, 8), Edition.Status.SENDING),
        (datetime.date(2025, 12, 15), Edition.Status.HELD),
    ]:
        make_edition(week=week, status=status)
    upcoming = services.edition_next_send(now=friday)
    assert upcoming.at == datetime.datetime(2025, 12, 15, 8, 0, tzinfo=datetime.UTC)
    assert upcoming.held and upcoming.edition.week == datetime.date(2025, 12, 15)
    assert services.edition_next_send_words(upcoming) == (
        "Next: the edition for the week of 15 December 2025 is held, so nothing goes out on "
        "Monday 15 December 2025 at 08:00 UTC unless it is released."
    )
    with time_machine.travel(friday, tick=False):
        edition, created = services.edition_prepare_next()
    assert not created and edition.status == Edition.Status.HELD


def test_a_draft_is_sent_by_itself_only_by_a_run_inside_its_own_week(settings):
    settings.NEWSLETTER_SCHEDULE = "0 8 * * 1,4"  # Mondays and Thursdays
    draft = make_edition(week=datetime.date(2025, 12, 1))
    tuesday = datetime.datetime(2025, 12, 2, 12, 0, tzinfo=datetime.UTC)
    # Its Monday has passed; Thursday's run is still in its week.
    assert services.edition_send_time(edition=draft, now=tuesday) == datetime.datetime(
        2025, 12, 4, 8, 0, tzinfo=datetime.UTC
    )
    friday = datetime.datetime(2025, 12, 5, 12, 0, tzinfo=datetime.UTC)
    assert services.edition_send_time(edition=draft, now=friday) is None
    earlier = datetime.datetime(2025, 11, 20, 12, 0, tzinfo=datetime.UTC)
    assert services.edition_send_time(edition=draft, now=earlier) == datetime.datetime(
        2025, 12, 1, 8, 0, tzinfo=datetime.UTC
    )
