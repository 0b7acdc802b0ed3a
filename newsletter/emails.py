"""Every email the newsletter sends, built from three templates: subject, text body, HTML body.

``templates/newsletter/email/<kind>_subject.txt``, ``<kind>.txt`` and ``<kind>.html`` make one
``EmailMultiAlternatives``. The HTML goes through css-inline so mail clients that drop ``<style>``
blocks still see the styles; no ``<style>`` block is left in what we send. Every link is absolute,
built from ``SITE_URL`` exactly as configured, never from a request.
"""

from __future__ import annotations

import datetime
import email.policy
import email.utils
import random
import re
import secrets
import sys
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import get_current_timezone

from comparisons.models import Comparison
from compsite.urls_absolute import absolute
from newsletter.models import BRAND, Edition, Subscriber

# Styles come from the template's own <style> block; nothing is fetched from the network.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


class NewsletterEmail(EmailMultiAlternatives):
    """Headers written on one line, up to RFC 5322's 998 characters.

    With the usual 78, Python's email package meets a header it cannot fold (a List-Unsubscribe
    URL has no space to fold at) and writes it as an RFC 2047 encoded word, which mail clients do
    not decode in that header: the one-click unsubscribe would not work.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def list_id() -> str:
    return f"{BRAND} <weekly.{urlsplit(settings.SITE_URL).hostname}>"


def build(
    kind: str, *, to: str, context: dict, headers: dict[str, str] | None = None
) -> NewsletterEmail:
    context = {"brand": BRAND, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"newsletter/email/{kind}_subject.txt", context)
    # A subject is one line whatever the template's whitespace.
    subject = " ".join(subject.split())
    text = render_to_string(f"newsletter/email/{kind}.txt", context)
    html = _INLINER.inline(render_to_string(f"newsletter/email/{kind}.html", context))
    message = NewsletterEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_email(subscriber: Subscriber) -> EmailMultiAlternatives:
    return build(
        "confirm",
        to=subscriber.email,
        context={
            "confirm_url": absolute(subscriber.confirm_url()),
            "newsletter_url": absolute("/newsletter/"),
        },
    )


def welcome_email(subscriber: Subscriber) -> EmailMultiAlternatives:
    return build(
        "welcome",
        to=subscriber.email,
        context={
            "interests_url": absolute(subscriber.interests_url()),
            "newsletter_url": absolute("/newsletter/"),
        },
    )


def _link(name: str, token: str) -> str:
    """An absolute signed link, as ``Subscriber.unsubscribe_url`` and ``interests_url`` make it."""
    return absolute(reverse(f"newsletter:{name}", kwargs={"token": token}))


def _edition(
    edition: Edition,
    comparisons: list[Comparison],
    *,
    to: str,
    unsubscribe_token: str,
    interests_token: str,
    has_interests: bool,
) -> NewsletterEmail:
    unsubscribe_url = _link("unsubscribe", unsubscribe_token)
    items = [
        {"comparison": comparison, "url": absolute(comparison.get_absolute_url())}
        for comparison in comparisons
    ]
    return build(
        "edition",
        to=to,
        context={
            "edition": edition,
            "subject": edition.subject_for(comparisons),
            "items": items,
            "web_url": absolute(edition.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url,
            "interests_url": _link("interests", interests_token),
            "has_interests": has_interests,
        },
        headers={
            # RFC 2369 and RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs
            # "List-Unsubscribe=One-Click" to this address.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(),
        },
    )


def edition_email(
    edition: Edition,
    subscriber: Subscriber,
    comparisons: list[Comparison],
    *,
    has_interests: bool = False,
) -> EmailMultiAlternatives:
    """One subscriber's copy: their comparisons, their unsubscribe and interests links."""
    return _edition(
        edition,
        comparisons,
        to=subscriber.email,
        unsubscribe_token=subscriber.unsubscribe_token,
        interests_token=subscriber.interests_token,
        has_interests=has_interests,
    )


# --- Many copies of one edition ---------------------------------------------------------------
#
# A batch sends up to 100 copies of an edition that differ only in the recipient and two signed
# tokens (and in the comparisons and the "categories you chose" line for subscribers with
# interests). ``EditionCopies`` renders each distinct copy once, with placeholders where those
# values go, and fills them in per subscriber; tests/newsletter/test_emails.py checks that the
# result is the message ``edition_email`` builds.

# Signing output (``pk:signature``, URL-safe base64): nothing in it is escaped in HTML, quoted in
# a URL or special in a header, so it can replace a placeholder in any of them.
_MAX_TOKEN = 100
_TOKEN = re.compile(rf"[A-Za-z0-9_:-]{{1,{_MAX_TOKEN}}}")
# A plain address: dot-atom local part, ASCII domain. The email package writes it in the To
# header exactly as given, and the SMTP backend's envelope address is the same string. Anything
# else (quoted local parts, non-ASCII) goes the one-by-one way.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)
_MAX_ADDRESS = 254
# RFC 5322's limit, which NewsletterEmail's policy folds at: a line longer than that would change
# how the email package writes a header or picks a body's transfer encoding.
_MAX_LINE = 998
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))


def _boundary() -> str:
    """A multipart boundary as ``email.generator.Generator`` makes one."""
    return "=" * 15 + f"{random.randrange(sys.maxsize):0{_BOUNDARY_DIGITS}d}" + "=="


class _Copy:
    """One distinct copy of an edition, rendered with placeholders for the per-subscriber parts."""

    def __init__(
        self, edition: Edition, comparisons: list[Comparison], *, has_interests: bool, marks
    ) -> None:
        self.marks = marks
        self.email = _edition(
            edition,
            comparisons,
            to=marks.to,
            unsubscribe_token=marks.unsubscribe,
            interests_token=marks.interests,
            has_interests=has_interests,
        )
        [(self.html, _)] = self.email.alternatives
        self.wire = self._wire_template()
        self.boundaries = self.wire.count(marks.boundary) if self.wire else 0

    def message(self, to: str, unsubscribe: str, interests: str) -> NewsletterEmail:
        def fill(value: str) -> str:
            return value.replace(self.marks.unsubscribe, unsubscribe).replace(
                self.marks.interests, interests
            )

        message = NewsletterEmail(
            subject=self.email.subject,
            body=fill(self.email.body),
            from_email=self.email.from_email,
            to=[to],
            headers={name: fill(value) for name, value in self.email.extra_headers.items()},
        )
        message.attach_alternative(fill(self.html), "text/html")
        return message

    def _wire_template(self) -> list[bytes | str] | None:
        """The bytes the SMTP backend sends, cut at each per-message value; None if unsafe.

        Even pieces are literal bytes, odd ones name the value that goes there: the recipient,
        the two tokens, the Date and Message-ID headers and the multipart boundary (new for every
        message, as the email package makes them). A value only ever fills its slot when the
        email package would have written it there as it is: both parts are sent as they are
        (7bit or 8bit, not quoted-printable or base64), and no line that takes a value could
        grow past the length where the package would fold it or encode the part.
        """
        marks = self.marks
        mime = self.email.message(policy=email.policy.SMTP)
        mime.set_boundary(marks.boundary)
        parts = list(mime.iter_parts())
        if len(parts) != 2 or any(
            part.get("Content-Transfer-Encoding") not in ("7bit", "8bit") for part in parts
        ):
            return None
        data = mime.as_bytes()
        head, blank, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        host = re.escape(str(DNS_NAME))
        # The Date and Message-ID the email package wrote: made again per message, the same way.
        made = {
            b"Date: ": (marks.date, r"\S.*"),
            b"Message-ID: ": (marks.message_id, rf"<\d+\.\d+\.\d+@{host}>"),
        }
        for name, (mark, written) in made.items():
            found = [i for i, line in enumerate(lines) if line.startswith(name)]
            if len(found) != 1 or not re.fullmatch(written, lines[found[0]][len(name) :].decode()):
                return None
            lines[found[0]] = name + mark.encode()
        data = b"\r\n".join(lines) + blank + body
        longest = {
            marks.to: _MAX_ADDRESS,
            marks.unsubscribe: _MAX_TOKEN,
            marks.interests: _MAX_TOKEN,
            marks.date: 40,
            marks.message_id: 64 + len(str(DNS_NAME)),
            marks.boundary: 40,
        }
        slots = re.compile(b"(" + b"|".join(re.escape(mark.encode()) for mark in longest) + b")")
        for line in data.split(b"\r\n"):
            widest = slots.sub(lambda slot: b"x" * longest[slot[0].decode()], line)
            if len(widest) > _MAX_LINE:
                return None
        pieces = slots.split(data)
        return [piece if i % 2 == 0 else piece.decode() for i, piece in enumerate(pieces)]

    def as_bytes(self, to: str, unsubscribe: str, interests: str) -> bytes:
        marks = self.marks
        # As Django's EmailMessage.message() dates a message.
        if settings.EMAIL_USE_LOCALTIME:
            now = datetime.datetime.now(get_current_timezone())
        else:
            now = datetime.datetime.now(datetime.UTC)
        values = {
            marks.to: to.encode(),
            marks.unsubscribe: unsubscribe.encode(),
            marks.interests: interests.encode(),
            marks.date: email.utils.format_datetime(now).encode(),
            marks.message_id: make_msgid(domain=DNS_NAME).encode(),
        }
        pieces = self.wire
        while True:
            boundary = values[marks.boundary] = _boundary().encode()
            data = b"".join(
                piece if i % 2 == 0 else values[piece] for i, piece in enumerate(pieces)
            )
            # A boundary must not turn up in what it encloses: it may only be where we put it.
            if data.count(boundary) == self.boundaries:
                return data


@dataclass(frozen=True)
class _Marks:
    """Placeholders no content can contain: a random nonce, letters and digits only."""

    to: str
    unsubscribe: str
    interests: str
    date: str
    message_id: str
    boundary: str

    @classmethod
    def new(cls) -> _Marks:
        nonce = secrets.token_hex(12)
        return cls(
            to=f"to{nonce}@example.invalid",
            unsubscribe=f"u{nonce}",
            interests=f"i{nonce}",
            date=f"d{nonce}",
            message_id=f"m{nonce}",
            boundary=f"b{nonce}",
        )


class EditionCopies:
    """Every subscriber's copy of one edition, each distinct copy rendered once.

    ``message`` is what ``edition_email`` returns for the same arguments; ``as_bytes`` is what the
    SMTP backend would send for it (``message(policy=email.policy.SMTP).as_bytes()``), or None
    where that cannot be made by filling in values (an unusual address, a line too long to leave
    unfolded), and the message must go the usual way.
    """

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.marks = _Marks.new()
        self._copies: dict[tuple, _Copy] = {}

    def _copy(self, comparisons: list[Comparison], has_interests: bool) -> _Copy:
        key = (tuple(comparison.pk for comparison in comparisons), has_interests)
        copy = self._copies.get(key)
        if copy is None:
            copy = self._copies[key] = _Copy(
                self.edition, comparisons, has_interests=has_interests, marks=self.marks
            )
        return copy

    @staticmethod
    def _tokens(subscriber: Subscriber) -> tuple[str, str] | None:
        unsubscribe, interests = subscriber.unsubscribe_token, subscriber.interests_token
        if _TOKEN.fullmatch(unsubscribe) and _TOKEN.fullmatch(interests):
            return unsubscribe, interests
        return None

    def message(
        self, subscriber: Subscriber, comparisons: list[Comparison], *, has_interests: bool
    ) -> EmailMultiAlternatives:
        tokens = self._tokens(subscriber)
        if tokens is None:
            return edition_email(self.edition, subscriber, comparisons, has_interests=has_interests)
        return self._copy(comparisons, has_interests).message(subscriber.email, *tokens)

    def as_bytes(
        self, subscriber: Subscriber, comparisons: list[Comparison], *, has_interests: bool
    ) -> bytes | None:
        tokens = self._tokens(subscriber)
        address = subscriber.email
        if tokens is None or len(address) > _MAX_ADDRESS or not _PLAIN_ADDRESS.fullmatch(address):
            return None
        copy = self._copy(comparisons, has_interests)
        if copy.wire is None:
            return None
        return copy.as_bytes(address, *tokens)
