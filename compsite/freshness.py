"""How old a fact is, in words that stay true while a shared cache keeps the page.

Pages say when prices were checked and how long ago ("18 November 2025 (12 months ago)"), and
warn once the check is more than ``STALE_AFTER_DAYS`` old. The age is counted in whole calendar
months (whole years from two years on), never in days: a page may be served from a shared cache
for up to a day, and a day cannot move a month count by more than one. To be exact rather than
nearly so, ``PriceCheck.changes_on`` names the day the wording next changes, and the page's
cache lifetime ends at that day's start (``compsite.http_cache.shared_until``).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

STALE_AFTER_DAYS = 90


def stale_before(today: datetime.date | None = None) -> datetime.date:
    """Checks before this day are stale (more than ``STALE_AFTER_DAYS`` days old)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=STALE_AFTER_DAYS)


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from ``start`` to ``end``: 18 Nov 2025 to 17 Nov 2026 is 11, to 18 Nov is
    12. A month is complete on the same day of the month (or the month's last day, when it is
    shorter: 31 January to 28 February is one month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day < min(start.day, last_day):
        months -= 1
    return months


def _months_after(start: datetime.date, months: int) -> datetime.date:
    """The day ``months`` whole months after ``start`` are complete (as ``whole_months`` counts)."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def age_in_words(months: int) -> str:
    if months < 1:
        return "less than a month ago"
    if months < 24:
        return f"{months} month{'s' * (months != 1)} ago"
    return f"{months // 12} years ago"


@dataclass(frozen=True)
class PriceCheck:
    """The date prices were checked, seen from ``today`` (the site's time zone)."""

    checked: datetime.date
    today: datetime.date

    @classmethod
    def of(cls, checked: datetime.date | None, today: datetime.date | None = None):
        """None when nothing was checked; ``today`` defaults to today in the site's time zone."""
        if checked is None:
            return None
        return cls(checked, today or timezone.localdate())

    @property
    def months(self) -> int:
        return max(whole_months(self.checked, self.today), 0)

    @property
    def age(self) -> str | None:
        """ "12 months ago"; None for a date still to come (a typo: the date alone is shown)."""
        return None if self.checked > self.today else age_in_words(self.months)

    @property
    def is_stale(self) -> bool:
        return (self.today - self.checked).days > STALE_AFTER_DAYS

    @property
    def changes_on(self) -> datetime.date:
        """The first day on which ``age`` or ``is_stale`` reads differently than today."""
        if self.checked > self.today:
            return self.checked  # from then on it has an age
        days = [_months_after(self.checked, self.months + 1)]
        if not self.is_stale:
            days.append(self.checked + datetime.timedelta(days=STALE_AFTER_DAYS + 1))
        return min(days)


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def earliest_change(*checks: PriceCheck | None) -> datetime.datetime | None:
    """When the first of ``checks`` next reads differently: where a page's cached copy ends."""
    days = [check.changes_on for check in checks if check is not None]
    return start_of(min(days)) if days else None
