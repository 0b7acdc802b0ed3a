"""What inboxes check on the newsletter's mail: whose Message-ID it is, and a DKIM signature.

Gmail's and Yahoo's bulk-sender rules want mail signed by the domain in From (DKIM, aligned for
DMARC) and ids that name the sender, not the machine (``…@localhost`` is what Django writes
by default: the host's name). Both come from the sending domain: the address in
``DEFAULT_FROM_EMAIL``.

DKIM signing happens when ``DKIM_PRIVATE_KEY`` (PEM) and ``DKIM_SELECTOR`` are set: each message
is signed over the bytes the SMTP backend will send (``NewsletterEmail.message``). The public key
is published as a TXT record at ``<selector>._domainkey.<domain>``.

Through an email service provider (``EMAIL_URL`` ``ses://`` or ``postmark://``, django-anymail)
the provider signs with its own keys and writes the Message-ID: Amazon SES replaces Message-ID
and Date on every message, so a signature of ours over them would break on the way out, and an
id of ours would never reach the reader. On that path we add neither (``esp_sends``); the
provider's DKIM records are published instead (docs/configuration.md).
"""

from __future__ import annotations

import email.utils

import dkim
from django.conf import settings

# What the signature covers, where the message has them (RFC 6376 §5.4; RFC 8058 §4 asks for
# both List-Unsubscribe headers to be signed).
SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)


def sending_domain() -> str:
    """The domain of the address mail is sent from, in its ASCII form."""
    _, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2]
    return domain.encode("idna").decode("ascii").lower()


def message_id() -> str:
    """A new Message-ID at the sending domain."""
    return email.utils.make_msgid(domain=sending_domain())


def esp_sends() -> bool:
    """Whether the default mailer is an email service provider's API (django-anymail)."""
    mailer = getattr(settings, "MAILERS", {}).get("default", {})
    return str(mailer.get("BACKEND", "")).startswith("anymail.")


def _private_key() -> bytes | None:
    key = getattr(settings, "DKIM_PRIVATE_KEY", None)
    if not key or not getattr(settings, "DKIM_SELECTOR", None):
        return None
    # An environment variable often carries the PEM's line breaks as the two characters \n.
    return key.replace("\\n", "\n").encode("ascii")


def signs() -> bool:
    """Whether we sign: a key is configured and the mail goes out over SMTP, not an ESP."""
    return _private_key() is not None and not esp_sends()


def dkim_signature(data: bytes, present: list[str]) -> str:
    """The DKIM-Signature header's value for the message ``data`` (as it goes on the wire).

    ``present`` names the message's headers: only those of ``SIGNED_HEADERS`` it has are signed.
    The value comes back on one line: under relaxed canonicalisation (used for the headers) a
    folded and an unfolded header are the same, and a line of up to 998 characters is allowed.
    """
    key, selector = _private_key(), settings.DKIM_SELECTOR
    if key is None or not selector:
        raise ValueError("DKIM_PRIVATE_KEY and DKIM_SELECTOR are not both set")
    have = {name.lower() for name in present}
    headers = [name.encode() for name in SIGNED_HEADERS if name.lower() in have]
    domain = getattr(settings, "DKIM_DOMAIN", None) or sending_domain()
    header = dkim.sign(
        data,
        selector=selector.encode("ascii"),
        domain=domain.encode("ascii"),
        privkey=key,
        include_headers=headers,
        canonicalize=(b"relaxed", b"relaxed"),
    )
    name, _, value = header.decode("ascii").partition(":")
    assert name.lower() == "dkim-signature"
    # Unfold: the line breaks go, the whitespace after them stays (RFC 5322 §2.2.3).
    return value.replace("\r\n", "").strip()
