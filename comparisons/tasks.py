"""Work the clock starts: a scheduled comparison's pages change when its time comes, with no
edit to purge them. Beat runs ``purge_due`` every minute."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from comparisons import cache_keys
from comparisons.models import Comparison
from compsite import purge

# Longer than beat's interval, so a late or skipped run still catches what came due; purging a
# comparison twice costs one miss.
WINDOW = timedelta(minutes=5)


@shared_task(name="comparisons.purge_due")
def purge_due() -> int:
    """Purge the pages of comparisons that went live within the last ``WINDOW``; how many."""
    now = timezone.now()
    due = Comparison.objects.filter(
        status=Comparison.Status.PUBLISHED, published_at__gt=now - WINDOW, published_at__lte=now
    ).values_list("pk", "slug")
    keys: set[str] = set()
    for pk, slug in due:
        keys |= cache_keys.touched_by_comparison(pk, [slug])
    if keys and purge.enabled():
        purge.send(keys)
    return len(due)
