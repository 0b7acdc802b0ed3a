from django.contrib import admin
from django.db.models import Exists, OuterRef

from comparisons.models import Category
from compsite import counting
from compsite.counting import LargeListMixin, Tally, planned_rows, tally
from editors.admin_tools import ListInputMixin, log_changes
from editors.csv_export import csv_download
from newsletter import services
from newsletter.models import Subscriber


def status_tallies() -> dict[str, Tally]:
    """Subscribers by status and in all, above the list: counted in one query while there are
    few, estimated by the planner (from the table's statistics) once there are many."""
    planned = planned_rows(Subscriber.objects.all())
    if planned is None or planned <= counting.EXACT_UP_TO:
        counts = Subscriber.objects.status_counts()
        return {
            "all": Tally(sum(counts.values())),
            **{status: Tally(count) for status, count in counts.items()},
        }
    return {
        "all": Tally(planned, estimated=True),
        **{
            status: tally(Subscriber.objects.filter(status=status), exact_up_to=0)
            for status in Subscriber.Status.values
        },
    }


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


class InterestFilter(admin.SimpleListFilter):
    """Subscribers interested in a category: an EXISTS on the interests table (a join would
    need DISTINCT over a million subscribers), and "Everything" for those who chose none."""

    title = "interest"
    parameter_name = "interest"

    def lookups(self, request, model_admin):
        return [("none", "Everything (no interests)")] + [
            (str(category.pk), category.name) for category in Category.objects.order_by("name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        interests = Subscriber.interests.through.objects.filter(subscriber_id=OuterRef("pk"))
        if value == "none":
            return queryset.filter(~Exists(interests))
        if not (value.isascii() and value.isdigit()) or int(value) >= 2**63:
            return queryset.none()  # names no category
        return queryset.filter(Exists(interests.filter(category_id=int(value))))


@admin.register(Subscriber)
class SubscriberAdmin(LargeListMixin, ListInputMixin, admin.ModelAdmin):
    """Readers on the list. Their status changes only through their own links and the
    unsubscribe action here: nobody is confirmed by hand (double opt-in).

    At a million rows: the list is read newest first off ``subscriber_newest``, the search by
    address off a trigram index (migration 0004), totals are estimated (``LargeListMixin``), and
    there is no date hierarchy (it groups every row by date) and no sorting by unindexed columns.
    """

    list_display = [
        "email",
        "status",
        "interest_list",
        "created_at",
        "confirmed_at",
        "mail_problem",
    ]
    # "Bounced" and "Complained" are statuses: the status filter finds them.
    list_filter = ["status", InterestFilter]
    search_fields = ["email"]
    search_help_text = "Any part of the address, at least three characters."
    sortable_by = ["email"]
    filter_horizontal = ["interests"]
    actions = ["export_csv", "unsubscribe"]
    fields = [
        "email",
        "status",
        "interests",
        "created_at",
        "confirmation_requested_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "complained_at",
        "problem",
        "soft_bounces",
    ]
    readonly_fields = [field for field in fields if field != "interests"]  # type: ignore[misc]  # plain names

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("interests")

    @admin.display(description="Bounce or complaint")
    def mail_problem(self, subscriber: Subscriber) -> str:
        """When the address bounced or complained, and the reason the mail gave."""
        moment = subscriber.complained_at or subscriber.bounced_at
        if not subscriber.is_suppressed or moment is None:
            return ""
        return f"{moment:%Y-%m-%d %H:%M} UTC: {subscriber.problem}"

    @admin.display(description="Interests")
    def interest_list(self, subscriber: Subscriber) -> str:
        return ", ".join(category.name for category in subscriber.interests.all()) or "Everything"

    def changelist_view(self, request, extra_context=None):
        counts = status_tallies()
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in Subscriber.Status.choices
            ],
            "subscriber_total": counts["all"],
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description="Export the selected subscribers as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            "email",
            "status",
            "interests",
            "signed up",
            "confirmed",
            "unsubscribed",
            "bounced",
            "complained",
            "reason",
        ]
        rows = (
            [
                subscriber.email,
                subscriber.status,
                "; ".join(category.name for category in subscriber.interests.all()),
                _iso(subscriber.created_at),
                _iso(subscriber.confirmed_at),
                _iso(subscriber.unsubscribed_at),
                _iso(subscriber.bounced_at),
                _iso(subscriber.complained_at),
                subscriber.problem,
            ]
            for subscriber in queryset.order_by("email").iterator(chunk_size=2000)
        )
        return csv_download("subscribers.csv", header, rows)

    @admin.action(description="Unsubscribe the selected subscribers", permissions=["change"])
    def unsubscribe(self, request, queryset) -> None:
        # Bounced and complained addresses already get nothing, and stay so.
        leaving = list(
            queryset.exclude(status__in=[Subscriber.Status.UNSUBSCRIBED, *Subscriber.SUPPRESSED])
        )
        for subscriber in leaving:
            services.subscriber_unsubscribe(subscriber_id=subscriber.pk)
        log_changes(self, request, leaving, "Unsubscribed by an editor.")
        self.message_user(
            request,
            f"Unsubscribed {len(leaving)} subscriber{'s' * (len(leaving) != 1)}; "
            "they get no more editions.",
        )
