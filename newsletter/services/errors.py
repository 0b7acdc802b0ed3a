"""How a failed send is read: an error about one message, or about the server; and which
errors mean the recipient's address will never take mail (a hard bounce)."""

from __future__ import annotations

import re
import smtplib

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

# An error about one message: the connection is still good for the next one.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    AnymailRecipientsRefused,  # the ESP will not send to this address (it bounced there before)
    ValueError,  # an address the backend cannot encode (anymail's invalid address is one)
)
# An error about the server or the connection: stop the batch and try again later. An ESP's
# API that fails (its outage, a refused credential) is one too.
CONNECTION_ERRORS = (smtplib.SMTPException, OSError, AnymailAPIError)

# RFC 3463's enhanced status at the start of a reply: class.subject.detail.
_ENHANCED = re.compile(r"\s*[245]\.(\d{1,3})\.\d{1,3}\b")
# Subjects about the mailbox or its address (5.1.x addressing, 5.2.x mailbox status); the rest
# (5.3 system, 5.4 routing, 5.5 protocol, 5.6 content, 5.7 policy) are about the message or the
# server, and a rejection for them says nothing about the reader's address.
_ABOUT_THE_MAILBOX = {"1", "2"}


def describe(error: BaseException) -> str:
    """The error as stored on a delivery, and shown to editors."""
    return f"{type(error).__name__}: {error}"[:1000]


def permanent_refusal(error: BaseException) -> str | None:
    """Why the recipient will never take mail, when ``error`` says so; else None (retry).

    Over SMTP that is a 5xx reply to RCPT (``SMTPRecipientsRefused``: every recipient refused
    permanently), or to DATA for our one recipient unless its enhanced status names a problem
    of the message or server rather than the mailbox. A 4xx is temporary: retried as before.
    Through an ESP it is the provider refusing the recipient (anymail's
    ``AnymailRecipientsRefused``: an address already bounced or suppressed there).
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        if replies and all(500 <= code < 600 for code, _ in replies):
            return "; ".join(f"{code} {_text(text)}" for code, text in replies)
        return None
    if isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
        text = _text(error.smtp_error)
        enhanced = _ENHANCED.match(text)
        if enhanced is None or enhanced.group(1) in _ABOUT_THE_MAILBOX:
            return f"{error.smtp_code} {text}"
        return None
    if isinstance(error, AnymailRecipientsRefused):
        return str(error)
    return None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
