"""The newsletter's section of the editors' dashboard (editors/dashboard.py): deliveries of the
latest editions that failed and wait for a retry."""

from django.utils.text import Truncator

from editors.dashboard import Section, register
from newsletter.models import Delivery, Edition

# The editions that went out most recently (they have a number): older failures are history.
RECENT_EDITIONS = 4


def _recent_editions():
    return (
        Edition.objects.filter(number__isnull=False)
        .order_by("-number")
        .values("pk")[:RECENT_EDITIONS]
    )


def _failed():
    # Each edition's failed deliveries are read off (edition, status, id): a few index ranges.
    return (
        Delivery.objects.filter(status=Delivery.Status.FAILED, edition__in=_recent_editions())
        .select_related("edition", "subscriber")
        .order_by("-id")
    )


def _filters() -> dict[str, str]:
    editions = ",".join(str(row["pk"]) for row in _recent_editions())
    return {"status__exact": Delivery.Status.FAILED, "edition__id__in": editions or "0"}


def _detail(delivery: Delivery) -> str:
    return Truncator(delivery.error or "no error recorded").chars(90)


register(
    Section(
        title=f"Failed deliveries (the last {RECENT_EDITIONS} editions)",
        model=Delivery,
        rows=_failed,
        filters=_filters,
        detail=_detail,
        empty="No delivery of a recent edition failed.",
        order=60,
    )
)
