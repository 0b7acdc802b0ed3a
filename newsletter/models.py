"""Weekly AI Tool Verdicts: who gets it (Subscriber), what goes out (Edition) and the ledger (Delivery)."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Upper
from django.urls import reverse

from comparisons.models import Category, Comparison, ComparisonEntry, Tool
from compsite.validators import validate_single_line

BRAND = "Weekly AI Tool Verdicts"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)
CONFIRMATION_RESEND_AFTER = datetime.timedelta(hours=1)
# Soft bounces (a full mailbox, a server that is down) in a row before an address is given up.
SOFT_BOUNCES_ALLOWED = 3

# One salt per purpose: a token made for one link never opens another.
CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
INTERESTS_SALT = "newsletter.interests"


class BadToken(Exception):
    """A token that was forged, altered, made for another purpose or has expired."""


def normalise_email(raw: str) -> str:
    """Trimmed, with the domain lower-cased and in its ASCII (IDNA) form.

    The local part keeps its case: RFC 5321 leaves it to the receiving server. The domain is
    case-insensitive, and ``bücher.example`` and ``xn--bcher-kva.example`` are one domain, so both
    spellings land on one subscriber. Raises ValueError for something that is not an address,
    and for one that names no domain: an address literal (``x@[127.0.0.1]``), an IP address
    written as a domain, or a single label such as ``localhost``. Mail to those would go to
    whatever machine the address names, never to a reader's mailbox.
    """
    value = raw.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError("the domain is not a valid name") from error
    if not _is_domain_name(ascii_domain):
        raise ValueError("the address names no domain")
    return f"{local}@{ascii_domain.lower()}"


def _is_domain_name(domain: str) -> bool:
    if domain.startswith("[") or "." not in domain.strip("."):
        return False
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        return True
    return False


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def status_counts(self) -> dict[str, int]:
        """How many subscribers in each status (every status present, zero or not); one query."""
        counts = dict.fromkeys(Subscriber.Status.values, 0)
        rows = self.order_by().values_list("status").annotate(count=Count("pk"))
        counts.update(dict(rows))
        return counts

    def awaiting_confirmation_email(self, *, now: datetime.datetime) -> SubscriberQuerySet:
        """Pending addresses whose requested confirmation email never went out.

        Used by the sweep: the sign-up enqueues the email after commit, and a broker outage at
        that moment must not lose it. Requests older than a confirmation link's lifetime are left
        alone; the reader can simply sign up again.
        """
        return self.filter(
            status=Subscriber.Status.PENDING,
            confirmation_requested_at__gte=now - CONFIRM_MAX_AGE,
        ).filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=models.F("confirmation_requested_at"))
        )


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        # Set by the mail itself (newsletter/services/bounces.py): never mailed again, whatever
        # the address does later (signing up again included).
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained (marked as spam)"

    # Statuses that are never sent anything again.
    SUPPRESSED = (Status.BOUNCED, Status.COMPLAINED)

    email = models.EmailField(max_length=254, unique=True, help_text="Stored normalised.")
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    interests = models.ManyToManyField(
        Category,
        blank=True,
        related_name="subscribers",
        help_text="Empty means every comparison.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The last time a confirmation email was asked for, and the last time one went out: the
    # sweep sends what was asked for and never sent.
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # A sign-up the worker has yet to settle (services.sign_up_settle), and the categories ticked
    # in it. The web request only records these, the same way for every address.
    signup_requested_at = models.DateTimeField(null=True, blank=True)
    signup_interests = models.JSONField(default=list, blank=True)
    # What the mail servers said (services.bounces): a hard bounce, or the third soft bounce in
    # a row, marks the address bounced; a spam complaint marks it complained.
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(
        "reason",
        max_length=500,
        blank=True,
        help_text="Why the address bounced or complained, as the mail server or ESP put it.",
    )
    soft_bounces = models.PositiveSmallIntegerField(
        default=0, help_text="Soft bounces since the last delivery."
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep's look-up of sign-ups left waiting by a broker outage: few rows, ever.
            models.Index(
                fields=["signup_requested_at"],
                condition=Q(signup_requested_at__isnull=False),
                name="subscriber_signup_waiting",
            ),
            # The admin's list, newest first (Meta.ordering): a page is read off the index
            # instead of sorting a million rows. Postgres also has a trigram index on the
            # address for the admin's search (migration 0004).
            models.Index(fields=["created_at", "id"], name="subscriber_newest"),
            # A bounce or complaint names an address in whatever case the ESP kept: it is looked
            # up case-insensitively (services.bounces), off this index rather than a scan.
            models.Index(Upper("email"), name="subscriber_email_upper"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_suppressed(self) -> bool:
        return self.status in self.SUPPRESSED

    # --- Signed links ------------------------------------------------------------------------
    # Confirmation links carry a timestamp (valid 7 days); unsubscribe and interests links never
    # expire, so they are signed without one and stay the same in every edition.

    @property
    def confirm_token(self) -> str:
        return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
            {"id": self.pk, "email": self.email}
        )

    @property
    def unsubscribe_token(self) -> str:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(self.pk))

    @property
    def interests_token(self) -> str:
        return signing.Signer(salt=INTERESTS_SALT).sign(str(self.pk))

    @staticmethod
    def id_from_confirm_token(token: str) -> tuple[int, str]:
        try:
            payload = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
                token, max_age=CONFIRM_MAX_AGE
            )
            return int(payload["id"]), str(payload["email"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise BadToken(str(error)) from error

    @staticmethod
    def id_from_token(token: str, *, salt: str) -> int:
        try:
            return int(signing.Signer(salt=salt).unsign(token))
        except (signing.BadSignature, ValueError) as error:
            raise BadToken(str(error)) from error

    def confirm_url(self) -> str:
        return reverse("newsletter:confirm", kwargs={"token": self.confirm_token})

    def unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", kwargs={"token": self.unsubscribe_token})

    def interests_url(self) -> str:
        return reverse("newsletter:interests", kwargs={"token": self.interests_token})

    def wants(self, comparison: Comparison, interest_ids: set[int]) -> bool:
        """Whether a comparison matches this subscriber's interests (none means all)."""
        if not interest_ids:
            return True
        return any(tool.category_id in interest_ids for tool in comparison.ordered_tools)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week: an edition's week is named by it."""
    return day - datetime.timedelta(days=day.weekday())


def edition_subject(comparisons: list[Comparison]) -> str:
    """“Weekly AI Tool Verdicts: A vs B and 3 more”."""
    if not comparisons:
        return BRAND
    first = comparisons[0].title
    more = len(comparisons) - 1
    return f"{BRAND}: {first} and {more} more" if more else f"{BRAND}: {first}"


@dataclass(frozen=True)
class SendProgress:
    """An edition's deliveries by status: what the editors' progress bar shows."""

    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.sent - self.failed - self.skipped

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        """Rounded down: the bar shows 100% only once nothing is pending."""
        return 100 * self.done // self.total if self.total else 0

    @classmethod
    def counted(cls, deliveries: models.QuerySet) -> SendProgress:
        """Counted from ``deliveries`` (one edition's) in one query."""
        statuses = Delivery.Status
        counts = deliveries.aggregate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(status=statuses.SENT)),
            failed=Count("pk", filter=Q(status=statuses.FAILED)),
            skipped=Count("pk", filter=Q(status=statuses.SKIPPED)),
        )
        return cls(**counts)

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
        }


class EditionQuerySet(models.QuerySet):
    def public(self) -> EditionQuerySet:
        """Editions that have gone out (or are going out): they have a number and a web page."""
        return self.filter(
            number__isnull=False, status__in=[Edition.Status.SENDING, Edition.Status.SENT]
        )

    def with_contents(self) -> EditionQuerySet:
        """The comparisons in the editor's order, each with its tools and their panel counts."""
        tools = Tool.objects.select_related("category")
        return self.prefetch_related(
            Prefetch(
                "items",
                queryset=EditionItem.objects.select_related("comparison").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "items__comparison__entries",
                queryset=ComparisonEntry.objects.order_by("position", "id"),
            ),
            Prefetch("items__comparison__entries__tool", queryset=tools),
        )


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: goes out on schedule"
        HELD = "held", "Held: editors stopped it"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    week = models.DateField(unique=True, help_text="The Monday of the edition's ISO week.")
    # Given when the send starts, so the numbers of the editions readers got run 1, 2, 3…
    number = models.PositiveIntegerField(unique=True, null=True, blank=True, editable=False)
    subject = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="Leave empty for “Weekly AI Tool Verdicts: A vs B and 3 more”, "
        "counted from the comparisons each subscriber gets.",
    )
    intro = models.TextField(blank=True, help_text="Markdown, shown above the comparisons.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    comparisons = models.ManyToManyField(
        Comparison, through="EditionItem", related_name="editions", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    send_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When its deliveries were first recorded (``services.edition_start``, in the worker). Until
    # then a sending edition is waiting for that task, and nothing may mark it sent.
    deliveries_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Its deliveries by status (SendProgress.as_dict) as they stood when the send last finished:
    # a sent edition's page and list row read them rather than count a million rows again. A
    # retry makes it "sending" again, counted live, until it finishes again.
    delivery_counts = models.JSONField(null=True, blank=True, editable=False)

    objects = EditionQuerySet.as_manager()

    listed_progress: SendProgress  # set by the admin's list (newsletter/admin/editions.py)

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        label = f"#{self.number}" if self.number else "Draft"
        return f"{label} · week of {self.week:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("newsletter:edition", kwargs={"number": self.number})

    @property
    def ordered_comparisons(self) -> list[Comparison]:
        """Uses ``EditionQuerySet.with_contents()``."""
        return [item.comparison for item in self.items.all()]

    def subject_for(self, comparisons: list[Comparison]) -> str:
        return self.subject or edition_subject(comparisons)

    @property
    def display_subject(self) -> str:
        return self.subject_for(self.ordered_comparisons)

    @property
    def has_gone_out(self) -> bool:
        """Sending or sent: subscribers have it as it is, and so does its web page."""
        return self.status in (self.Status.SENDING, self.Status.SENT)

    def progress(self) -> SendProgress:
        """Its deliveries by status: as kept when its send finished, else counted in one query
        (off the (edition, status, id) index)."""
        if self.status == self.Status.SENT and self.delivery_counts:
            return SendProgress(**self.delivery_counts)
        return SendProgress.counted(self.deliveries.all())


class EditionItem(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="edition_items"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "comparison in edition"
        verbose_name_plural = "comparisons in edition"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "comparison"], name="one_item_per_comparison"
            )
        ]

    def __str__(self) -> str:
        return f"{self.comparison} in {self.edition}"


class Delivery(models.Model):
    """One edition to one subscriber: the ledger that makes a send idempotent.

    A delivery is claimed by locking its row (``SELECT … FOR UPDATE SKIP LOCKED``) for the length
    of one SMTP exchange and marked sent in that same transaction once the server accepted the
    message. A worker that dies mid-send loses its connection, Postgres rolls the claim back and
    the row is pending again: nothing is ever left half-claimed, and the only message that can go
    out twice is the one the server accepted in the instant before the crash.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (left or changed interests before their turn)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a batch task was last enqueued for it: the sweep re-enqueues work whose task is lost.
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The ESP's id for the message (anymail's ``message_id``): its bounce and complaint
    # notifications name it. Empty over SMTP. The database's default too: the send records
    # deliveries with its own INSERT … SELECT (services.sending.record_deliveries).
    esp_message_id = models.CharField(max_length=255, blank=True, default="", db_default="")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [
            # An edition's deliveries of one status in id order: the send walks its pending ones
            # a batch at a time from here, and the admin's list pages through them newest first.
            models.Index(fields=["edition", "status", "id"], name="delivery_edition_status"),
            # An ESP's notification names the message: only deliveries sent through one have it.
            models.Index(
                fields=["esp_message_id"],
                condition=~Q(esp_message_id=""),
                name="delivery_esp_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber}"


class MailEvent(models.Model):
    """A bounce or complaint the mail reported, kept once: an ESP that posts the same
    notification twice (they retry until answered) counts once (unique ESP and event key)."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCE = "soft_bounce", "Soft bounce"
        COMPLAINT = "complaint", "Complaint"

    source = models.CharField(max_length=40, help_text="The ESP, or SMTP.")
    key = models.CharField(max_length=200, help_text="The ESP's event id (or a digest of it).")
    kind = models.CharField(max_length=12, choices=Kind)
    recipient = models.CharField(max_length=254)
    # Deleting a subscriber (their request to be forgotten) deletes what the mail said of them.
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, null=True, blank=True, related_name="mail_events"
    )
    reason = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="one_mail_event_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"
