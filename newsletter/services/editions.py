"""Preparing an edition and the editors' controls on it: what it holds, who it would reach,
holding it back, and samples of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from comparisons.models import Comparison
from compsite.counting import Tally, tally
from compsite.environment import cron_schedule
from newsletter import emails
from newsletter.models import Edition, EditionItem, SendProgress, Subscriber, week_start

FIRST_EDITION_SIZE = 5
TEST_SUBJECT_PREFIX = "[Test] "
# Every edition's footer carries the sender's postal address (CAN-SPAM): none, no edition goes out.
POSTAL_ADDRESS_MISSING = (
    "No postal address is set: set NEWSLETTER_POSTAL_ADDRESS to the address printed in every "
    "edition's footer, then send it."
)


def edition_candidates() -> list[Comparison]:
    """What a new edition is prefilled with, newest first.

    The comparisons published since the last edition went out, leaving out any an earlier
    edition already carried; for the very first edition, the five most recent. Comparisons
    stored from a reader's vote on a generated pair are not news: only curated ones go out.
    """
    published = Comparison.objects.published().filter(kind=Comparison.Kind.CURATED)
    last = (
        Edition.objects.filter(send_started_at__isnull=False).order_by("-send_started_at").first()
    )
    if last is None:
        return list(published.latest_first()[:FIRST_EDITION_SIZE])
    return list(
        published.filter(published_at__gt=last.send_started_at)
        .exclude(editions__send_started_at__isnull=False)
        .distinct()
        .latest_first()
    )


def edition_prepare(*, when: datetime.datetime | None = None) -> tuple[Edition, bool]:
    """The edition of ``when``'s ISO week (UTC), created as a prefilled draft if missing."""
    when = when or timezone.now()
    week = week_start(when.astimezone(datetime.UTC).date())
    with transaction.atomic():
        edition, created = Edition.objects.get_or_create(week=week)
        if created:
            EditionItem.objects.bulk_create(
                EditionItem(edition=edition, comparison=comparison, position=position)
                for position, comparison in enumerate(edition_candidates())
            )
    return edition, created


def edition_recipients(comparisons: list[Comparison]):
    """Confirmed subscribers with no interests, or with one among these comparisons' categories.

    Written with EXISTS rather than a join, so that each subscriber is one row without DISTINCT:
    the query feeds ``sending.record_deliveries`` and counts as it is.
    """
    categories = {
        tool.category_id for comparison in comparisons for tool in comparison.ordered_tools
    }
    interests = Subscriber.interests.through.objects.filter(subscriber_id=OuterRef("pk"))
    return Subscriber.objects.confirmed().filter(
        ~Exists(interests) | Exists(interests.filter(category_id__in=categories))
    )


def number_edition(edition: Edition) -> None:
    highest = Edition.objects.aggregate(highest=Max("number"))["highest"] or 0
    edition.number = highest + 1


def edition_next_send_time(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """When beat next sends the week's edition (NEWSLETTER_SCHEDULE)."""
    now = now or timezone.now()
    schedule = cron_schedule(settings.NEWSLETTER_SCHEDULE)
    # Celery counts what remains from its own clock; from ``now``, which may be any moment.
    schedule.nowfun = lambda: now
    estimate = now + schedule.remaining_estimate(now)
    # Celery's estimate is off by the moments it took to compute; cron runs on whole minutes.
    return (estimate + datetime.timedelta(seconds=30)).replace(second=0, microsecond=0)


def _week_bounds(week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(week, datetime.time.min, tzinfo=datetime.UTC)
    return start, start + datetime.timedelta(weeks=1)


def edition_send_time(
    *, edition: Edition, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When beat sends ``edition`` by itself: the first run of NEWSLETTER_SCHEDULE from now on
    inside its ISO week (beat sends the week's edition of the moment it runs). None when no run
    is left in that week: its week has passed, or the schedule skips it."""
    now = now or timezone.now()
    start, end = _week_bounds(edition.week)
    # A run at the very start of the week counts: look from just before it.
    at = edition_next_send_time(now=max(now, start - datetime.timedelta(seconds=1)))
    return at if start <= at < end else None


@dataclass(frozen=True)
class NextSend:
    """The next scheduled send that puts an edition out, and that edition if it exists yet."""

    at: datetime.datetime
    week: datetime.date
    edition: Edition | None

    @property
    def held(self) -> bool:
        return self.edition is not None and self.edition.status == Edition.Status.HELD


def edition_next_send(*, now: datetime.datetime | None = None) -> NextSend:
    """What beat sends next, and when.

    Beat sends the edition of the week it runs in, and a week's edition goes out once: after an
    editor sent it early (*Send now*), that week's remaining runs send nothing. So the next send
    is the first run whose week has no edition that has gone out (a held one counts: it is what
    that run would send, once released).
    """
    at = edition_next_send_time(now=now)
    while True:
        week = week_start(at.astimezone(datetime.UTC).date())
        edition = Edition.objects.filter(week=week).first()
        if edition is None or not edition.has_gone_out:
            return NextSend(at=at, week=week, edition=edition)
        # Finitely many editions have gone out, so this ends.
        _, end = _week_bounds(week)
        at = edition_next_send_time(now=end - datetime.timedelta(seconds=1))


def edition_next_send_words(upcoming: NextSend) -> str:
    """The next send in a sentence, for the admin's messages and the command."""
    when = f"{upcoming.at.astimezone(datetime.UTC):%A %-d %B %Y at %H:%M} UTC"
    what = f"the edition for the week of {upcoming.week:%-d %B %Y}"
    if upcoming.held:
        return f"Next: {what} is held, so nothing goes out on {when} unless it is released."
    return f"Next: {what} goes out by itself on {when}."


def edition_prepare_next(*, now: datetime.datetime | None = None) -> tuple[Edition, bool]:
    """The edition beat sends next (``edition_next_send``), created as a prefilled draft if it
    is missing; never one that has gone out already."""
    upcoming = edition_next_send(now=now)
    return edition_prepare(when=upcoming.at)


def edition_problems(*, edition: Edition) -> list[str]:
    """What stops ``edition`` going out now, in words for editors (needs ``with_contents()``)."""
    problems = []
    if not settings.NEWSLETTER_POSTAL_ADDRESS:
        problems.append(POSTAL_ADDRESS_MISSING)
    if edition.status == Edition.Status.HELD:
        problems.append("It is held: release it first.")
    elif edition.status == Edition.Status.SENT:
        problems.append("It has gone out already.")
    comparisons = edition.ordered_comparisons
    if not comparisons:
        problems.append("It holds no comparisons.")
    for comparison in comparisons:
        if not comparison.is_live:
            problems.append(
                f"“{comparison}” is not on the site yet ({comparison.publication.lower()}): "
                "readers could not open it. Publish it or take it out."
            )
    return problems


def edition_audience(*, edition: Edition, progress: SendProgress | None = None) -> Tally:
    """How many subscribers it goes to: its deliveries once they are recorded, else who would
    get it now (needs ``with_contents()``), estimated when that is a large number."""
    if edition.has_gone_out and edition.deliveries_recorded_at is not None:
        return Tally((progress or edition.progress()).total)
    return tally(edition_recipients(edition.ordered_comparisons))


def edition_hold(*, edition_id: int) -> bool:
    """Stop a draft going out on schedule, or a send between batches. True when it changed."""
    return bool(
        Edition.objects.filter(
            pk=edition_id, status__in=[Edition.Status.DRAFT, Edition.Status.SENDING]
        ).update(status=Edition.Status.HELD, updated_at=timezone.now())
    )


def edition_release(*, edition_id: int) -> bool:
    """A held edition back to draft: it goes out on schedule (or when sent now)."""
    return bool(
        Edition.objects.filter(pk=edition_id, status=Edition.Status.HELD).update(
            status=Edition.Status.DRAFT, updated_at=timezone.now()
        )
    )


def edition_sample_email(*, edition_id: int, to: str):
    """The edition as a subscriber with no interests gets it, addressed to ``to``.

    The sample subscriber is nobody (id 0): its unsubscribe and interests links lead nowhere.
    A draft shows the number it would get if it went out next.
    """
    edition = Edition.objects.with_contents().get(pk=edition_id)
    if edition.number is None:
        number_edition(edition)  # on this copy only; never saved
    sample = Subscriber(pk=0, email=to, status=Subscriber.Status.CONFIRMED)
    return emails.edition_email(edition, sample, edition.ordered_comparisons)


def edition_send_test(*, edition_id: int, to: str) -> str:
    """Send the sample to ``to`` only, its subject marked; no delivery is recorded. Returns the
    subject. SMTP errors reach the caller: the editor is waiting for an answer."""
    message = edition_sample_email(edition_id=edition_id, to=to)
    message.subject = f"{TEST_SUBJECT_PREFIX}{message.subject}"
    message.send(using="default")
    return message.subject
