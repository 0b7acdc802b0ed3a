"""How a failed send is read: an error about one message, or about the server."""

from __future__ import annotations

import smtplib

# An error about one message: the connection is still good for the next one.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address the backend cannot encode
)
# An error about the server or the connection: stop the batch and try again later.
CONNECTION_ERRORS = (smtplib.SMTPException, OSError)


def describe(error: BaseException) -> str:
    """The error as stored on a delivery, and shown to editors."""
    return f"{type(error).__name__}: {error}"[:1000]
