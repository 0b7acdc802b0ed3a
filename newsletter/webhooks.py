"""The ESPs' bounce and complaint notifications, at anymail's tracking addresses.

``/anymail/postmark/tracking/`` and ``/anymail/amazon_ses/tracking/`` are django-anymail's own
views, which check the HTTP basic auth (``ANYMAIL_WEBHOOK_SECRET``), parse the provider's format
and send ``anymail.signals.tracking`` with one normalised event per recipient. Two things are
added here:

- what cannot be read (an empty body, not JSON, not the provider's shape, too large) is answered
  400 with a message, never a 500: anymail lets a parse error escape, and a provider retries a
  500 for days;
- with no secret configured the webhooks refuse everything (403) instead of taking anyone's
  posts, which is what anymail would do, with a warning.

``tracking_received`` turns each event into a ``MailReport`` (services.bounces).
"""

from __future__ import annotations

import datetime
import logging

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse

from newsletter.services.bounces import MailReport, Report, mail_report_record

logger = logging.getLogger(__name__)

# What a provider's body that is not its format raises inside anymail's parsing.
_UNREADABLE = (
    ValueError,  # json's decode error and UnicodeDecodeError are ValueErrors
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    AnymailAPIError,
    AnymailConfigurationError,  # an inbound message posted to the tracking address
    RequestDataTooBig,
)

# Postmark sends "SoftBounce" as a bounce like "HardBounce" (anymail maps both to "bounced").
_POSTMARK_SOFT = {"SoftBounce"}
# Amazon SES: "Permanent" is a hard bounce; "Transient" and "Undetermined" are soft.
_SES_HARD = {"Permanent"}


class _Unreadable(Exception):
    pass


class _ConfirmationFailed(Exception):
    pass


class _CarefulWebhook:
    """Mixed in before one of anymail's tracking views."""

    # The view refuses every post itself when no secret is set (below): no warning per request.
    warn_if_no_basic_auth = False
    basic_auth: list[str]

    def post(self, request, *args, **kwargs):
        if not self.basic_auth:
            return _answer(403, "These webhooks are off: ANYMAIL_WEBHOOK_SECRET is not set.")
        if not request.headers.get("authorization"):
            # The challenge Amazon SNS waits for before it sends its credentials.
            response = _answer(401, "Credentials required (HTTP basic auth).")
            response["WWW-Authenticate"] = 'Basic realm="ESP notifications"'
            return response
        try:
            return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as error:
            logger.warning("webhook refused: %s", error)
            return _answer(400, "Refused: wrong or missing credentials, or not a notification.")
        except _Unreadable as error:
            logger.warning("webhook body unreadable: %s", error.__cause__)
            return _answer(400, "Unreadable notification: not this provider's JSON format.")
        except _ConfirmationFailed as error:
            logger.error("SNS subscription not confirmed: %s", error.__cause__)
            return _answer(502, "Could not confirm the SNS subscription with AWS; try again.")

    def run_validators(self, request) -> None:
        try:
            super().run_validators(request)  # type: ignore[misc]
        except AnymailWebhookValidationFailure:
            raise
        except _UNREADABLE as error:
            raise _Unreadable() from error

    def parse_events(self, request):
        try:
            return list(super().parse_events(request))
        except _UNREADABLE as error:
            raise _Unreadable() from error


def _answer(status: int, text: str) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


class PostmarkTracking(_CarefulWebhook, PostmarkTrackingWebhookView):
    pass


class AmazonSESTracking(_CarefulWebhook, AmazonSESTrackingWebhookView):
    def auto_confirm_sns_subscription(self, sns_message) -> None:
        """Confirming calls AWS (boto3); when that fails, SNS is told so (502) and asks again,
        rather than getting a 500."""
        try:
            super().auto_confirm_sns_subscription(sns_message)
        except (BotoCoreError, ClientError) as error:
            raise _ConfirmationFailed() from error


def report_kind(event: AnymailTrackingEvent) -> Report | None:
    """What an event means for the subscriber, or None when it means nothing for them (opens,
    clicks, a delay the provider is still retrying)."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if event.event_type == EventType.COMPLAINED:
        return Report.COMPLAINT
    if event.event_type == EventType.DELIVERED:
        return Report.DELIVERED
    if event.event_type == EventType.BOUNCED:
        # The raw fields are whatever was posted: compared only as strings.
        if _text(raw.get("Type")) in _POSTMARK_SOFT:
            return Report.SOFT_BOUNCE
        bounce = raw.get("bounce")
        if isinstance(bounce, dict) and _text(bounce.get("bounceType")) not in _SES_HARD:
            return Report.SOFT_BOUNCE
        return Report.HARD_BOUNCE
    if event.event_type == EventType.REJECTED and event.reject_reason in (
        RejectReason.INVALID,
        RejectReason.BOUNCED,
    ):
        return Report.HARD_BOUNCE  # the provider knows the address does not exist
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _reason(event: AnymailTrackingEvent) -> str:
    parts = [event.description, event.mta_response]
    return " — ".join(str(part) for part in parts if part)


def _aware(moment: object) -> datetime.datetime | None:
    """The event's time in UTC when it came with no offset; None when it is not a time."""
    if not isinstance(moment, datetime.datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    kind = report_kind(event)
    if kind is None:
        return
    mail_report_record(
        MailReport(
            source=esp_name,
            kind=kind,
            recipient=event.recipient,
            event_id=event.event_id,
            message_id=event.message_id,
            reason=_reason(event),
            occurred_at=_aware(event.timestamp),
        )
    )
