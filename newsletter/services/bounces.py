"""What the mail servers say back: bounces and spam complaints, and the addresses they end.

Two roads lead here. Through an email service provider, its notifications arrive at the
webhooks (``newsletter/webhooks.py`` turns anymail's events into a ``MailReport``); over SMTP,
the server that permanently refuses a recipient (a 5xx) says so during the send
(``services.sending``, ``services.subscriptions``).

- a hard bounce marks the subscriber bounced at once;
- a soft bounce counts: the third in a row marks it bounced (a delivery resets the count);
- a complaint (the reader pressed "spam") marks it complained.

A bounced or complained subscriber is never sent anything again: editions go to confirmed
subscribers only and each send re-reads the status at its claim, and a sign-up from the address
is settled without a confirmation email. Each report is kept once (``MailEvent``, unique per
source and key): an ESP retries a notification until it is answered, and the same soft bounce
posted twice counts once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from newsletter.models import (
    SOFT_BOUNCES_ALLOWED,
    Delivery,
    MailEvent,
    Subscriber,
    normalise_email,
)

logger = logging.getLogger(__name__)

SMTP = "SMTP"


class Report(StrEnum):
    HARD_BOUNCE = MailEvent.Kind.HARD_BOUNCE.value
    SOFT_BOUNCE = MailEvent.Kind.SOFT_BOUNCE.value
    COMPLAINT = MailEvent.Kind.COMPLAINT.value
    # Not kept: it only ends a run of soft bounces.
    DELIVERED = "delivered"


@dataclass(frozen=True)
class MailReport:
    """One thing the mail said about one recipient, as plain values from wherever it came.

    Everything but ``kind`` and ``source`` comes from outside and may be junk: it is cleaned
    and bounded here, and an address that is not one matches nobody.
    """

    source: str
    kind: Report
    recipient: object = None
    event_id: object = None
    message_id: object = None
    reason: object = None
    occurred_at: datetime.datetime | None = None
    # Known when the send itself learned it (SMTP): no look-up by address.
    subscriber_id: int | None = None


def clean_text(value: object, limit: int) -> str:
    """``value`` as one line of at most ``limit`` characters: control characters (NUL among
    them, which Postgres text cannot hold) become spaces, runs of whitespace one space."""
    if value is None:
        return ""
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cs") else char for char in str(value)[:4096]
    )
    return " ".join(text.split())[:limit]


def mail_report_record(report: MailReport) -> list[int]:
    """Apply one report; the ids of the subscribers it changed (none for a repeat)."""
    recipient = clean_text(report.recipient, 254)
    message_id = clean_text(report.message_id, 255)
    if report.kind == Report.DELIVERED:
        ids = _matching(report.subscriber_id, recipient, message_id)
        Subscriber.objects.filter(pk__in=ids, soft_bounces__gt=0).update(soft_bounces=0)
        return []
    reason = clean_text(report.reason, 500)
    occurred = report.occurred_at or timezone.now()
    with transaction.atomic():
        ids = _matching(report.subscriber_id, recipient, message_id)
        _, created = MailEvent.objects.get_or_create(
            source=clean_text(report.source, 40),
            key=_key(report, recipient, message_id, reason),
            defaults={
                "kind": report.kind.value,
                "recipient": recipient,
                "subscriber_id": ids[0] if ids else None,
                "reason": reason,
                "occurred_at": occurred,
            },
        )
        if not created:
            return []  # posted before: counted then
        changed = [
            subscriber.pk
            for subscriber in Subscriber.objects.select_for_update().filter(pk__in=ids)
            if _apply(subscriber, report.kind, reason, occurred)
        ]
    if changed:
        logger.info("%s from %s: subscribers %s", report.kind.value, report.source, changed)
    elif not ids:
        logger.info("%s from %s matched no subscriber", report.kind.value, report.source)
    return changed


def _apply(subscriber: Subscriber, kind: Report, reason: str, when: datetime.datetime) -> bool:
    """Change one locked subscriber for the report; True when it was saved."""
    status = Subscriber.Status
    if kind == Report.COMPLAINT:
        if subscriber.status == status.COMPLAINED:
            return False
        subscriber.status = status.COMPLAINED
        subscriber.complained_at = when
        subscriber.problem = reason or "Marked the newsletter as spam."
    elif kind == Report.HARD_BOUNCE:
        if subscriber.is_suppressed:
            return False
        subscriber.status = status.BOUNCED
        subscriber.bounced_at = when
        subscriber.problem = reason or "Hard bounce."
    else:
        subscriber.soft_bounces += 1
        if not subscriber.is_suppressed and subscriber.soft_bounces >= SOFT_BOUNCES_ALLOWED:
            subscriber.status = status.BOUNCED
            subscriber.bounced_at = when
            subscriber.problem = clean_text(
                f"{subscriber.soft_bounces} soft bounces in a row; the last: {reason or '?'}",
                500,
            )
    subscriber.save(
        update_fields=["status", "bounced_at", "complained_at", "problem", "soft_bounces"]
    )
    return True


def _matching(subscriber_id: int | None, recipient: str, message_id: str) -> list[int]:
    """The subscribers a report is about.

    The delivery that carried the ESP's message id names its subscriber (when the report's
    address, if any, is theirs). Otherwise the address does, compared case-insensitively
    (``normalise_email`` keeps the local part's case, and providers may not): the subscriber
    spelled exactly so if there is one, else every spelling of it.
    """
    if subscriber_id is not None:
        return [subscriber_id]
    try:
        address = normalise_email(recipient) if recipient else ""
    except ValueError:
        address = ""
    if message_id:
        carried = Delivery.objects.filter(esp_message_id=message_id).values_list(
            "subscriber_id", "subscriber__email"
        )
        ids = [pk for pk, email in carried if not address or email.casefold() == address.casefold()]
        if ids:
            return sorted(set(ids))
    if not address:
        return []
    candidates = list(Subscriber.objects.filter(email__iexact=address).values_list("pk", "email"))
    exact = [pk for pk, email in candidates if email == address]
    return exact or sorted(pk for pk, _ in candidates)


def _key(report: MailReport, recipient: str, message_id: str, reason: str) -> str:
    """What makes a report the same report again: the ESP's event id for this recipient (one
    SES notification can name several), else a digest of what it says."""
    event_id = clean_text(report.event_id, 150)
    if event_id:
        key = f"{event_id}/{recipient.casefold()}"
    else:
        when = report.occurred_at.isoformat() if report.occurred_at else ""
        key = "\x1f".join([report.kind.value, recipient.casefold(), message_id, when, reason])
    if len(key) <= 200 and event_id:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def refusal_record(*, subscriber: Subscriber, error: BaseException, reason: str, what: str) -> None:
    """The server (SMTP: a 5xx) or the ESP's API permanently refused this subscriber's address
    while sending: a hard bounce. ``what`` names the message (one key per refusal)."""
    mail_report_record(
        MailReport(
            source=getattr(error, "esp_name", None) or SMTP,
            kind=Report.HARD_BOUNCE,
            recipient=subscriber.email,
            event_id=f"{what}@{timezone.now().isoformat()}",
            reason=reason,
            subscriber_id=subscriber.pk,
        )
    )
