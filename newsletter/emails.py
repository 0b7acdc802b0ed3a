"""Every email the newsletter sends, built from three templates: subject, text body, HTML body.

``templates/newsletter/email/<kind>_subject.txt``, ``<kind>.txt`` and ``<kind>.html`` make one
``EmailMultiAlternatives``. The HTML goes through css-inline so mail clients that drop ``<style>``
blocks still see the styles; no ``<style>`` block is left in what we send. Every link is absolute,
built from ``SITE_URL`` exactly as configured, never from a request.
"""

from __future__ import annotations

import email.policy
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse

from comparisons import answer
from comparisons.models import Comparison
from compsite.urls_absolute import absolute
from newsletter import deliverability
from newsletter.models import BRAND, Edition, Subscriber
from reviews.models import Scorecard

# Styles come from the template's own <style> block; nothing is fetched from the network.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


class NewsletterEmail(EmailMultiAlternatives):
    """The newsletter's messages: their own Message-ID, long headers whole, DKIM-signed (over
    SMTP; through an ESP the provider does both, ``deliverability`` says why).

    Every message gets a new Message-ID at the sending domain, not the machine's name
    (``deliverability.message_id``). Headers are written on one line, up to RFC 5322's 998
    characters: with the usual 78, Python's email package meets a header it cannot fold (a
    List-Unsubscribe URL has no space to fold at) and writes it as an RFC 2047 encoded word,
    which mail clients do not decode in that header: the one-click unsubscribe would not work.
    With a DKIM key configured the message is signed as it is built, over the bytes the mailer
    then sends (the backend writes the message it gets from here with the same policy).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A copy made from another message (``EditionCopies``) gets an id of its own too.
        # Through an ESP the provider writes the id (SES replaces any we set): none of ours.
        headers = {k: v for k, v in self.extra_headers.items() if k.lower() != "message-id"}
        if not deliverability.esp_sends():
            headers["Message-ID"] = deliverability.message_id()
        self.extra_headers = headers

    def message(self, *, policy=email.policy.default):
        mime = super().message(policy=policy.clone(max_line_length=998))
        if deliverability.signs():
            signature = deliverability.dkim_signature(
                mime.as_bytes(policy=mime.policy.clone(linesep="\r\n")), list(mime.keys())
            )
            mime["DKIM-Signature"] = signature
        return mime


def list_id() -> str:
    return f"{BRAND} <weekly.{urlsplit(settings.SITE_URL).hostname}>"


def build(
    kind: str, *, to: str, context: dict, headers: dict[str, str] | None = None
) -> NewsletterEmail:
    context = {
        "brand": BRAND,
        "site_url": settings.SITE_URL,
        "postal_address": settings.NEWSLETTER_POSTAL_ADDRESS,
        **context,
    }
    # A subject is one line whatever the template's whitespace.
    subject = " ".join(render_to_string(f"newsletter/email/{kind}_subject.txt", context).split())
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
            "newsletter_url": absolute(reverse("newsletter:index")),
        },
    )


def welcome_email(subscriber: Subscriber) -> EmailMultiAlternatives:
    return build(
        "welcome",
        to=subscriber.email,
        context={
            "interests_url": absolute(subscriber.interests_url()),
            "unsubscribe_url": absolute(subscriber.unsubscribe_url()),
            "newsletter_url": absolute(reverse("newsletter:index")),
        },
    )


def _link(name: str, token: str) -> str:
    """An absolute signed link, as ``Subscriber.unsubscribe_url`` and ``interests_url`` make it."""
    return absolute(reverse(f"newsletter:{name}", kwargs={"token": token}))


def copy_lead(edition: Edition, comparisons: list[Comparison]) -> str:
    """What a copy holding only some of the edition's comparisons opens with, instead of the
    editor's intro: the intro is written for the whole edition and may talk about a comparison
    this subscriber filtered out. Empty for a copy with every comparison (it gets the intro)."""
    if len(comparisons) >= len(edition.ordered_comparisons):
        return ""
    titles = answer.names([comparison.title for comparison in comparisons])
    return f"In the categories you chose this week: {titles}."


def _with_scorecards(comparisons: list[Comparison]) -> None:
    """Each tool's scorecards and their reviewers, for the panel's sentence on a comparison no
    editor has given a verdict (``answer.panel_summary``); one query for all of them. Copies of
    one edition share the comparisons, so only the first copy queries."""
    tools = [
        tool
        for comparison in comparisons
        if not (comparison.is_curated and comparison.verdict)
        for tool in comparison.ordered_tools
    ]
    scorecards = Scorecard.objects.select_related("reviewer").order_by(
        "reviewer__position", "reviewer__name"
    )
    prefetch_related_objects(tools, Prefetch("scorecards", queryset=scorecards))


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
    _with_scorecards(comparisons)
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
            "copy_lead": copy_lead(edition, comparisons),
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
            # Gmail's feedback loop reports complaints per edition (campaign:kind:list:sender).
            "Feedback-ID": f"{edition.number}:edition:weekly:{deliverability.sending_domain()}",
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
# interests). ``EditionCopies`` renders each distinct copy once, with placeholders where the
# tokens go, and fills them in per subscriber; tests/newsletter/test_emails.py checks that the
# result is the message ``edition_email`` builds. Each copy is an ordinary message: the mailer
# turns it into MIME, with its own Date, Message-ID and boundary, as for any other.

# Signing output (``pk:signature``, URL-safe base64): nothing in it is escaped in HTML, quoted in
# a URL or special in a header, so it can replace a placeholder in any of them.
_TOKEN = re.compile(r"[A-Za-z0-9_:-]{1,100}")


@dataclass(frozen=True)
class _Marks:
    """Placeholders no content can contain: a random nonce, letters and digits only."""

    unsubscribe: str
    interests: str

    @classmethod
    def new(cls) -> _Marks:
        nonce = secrets.token_hex(12)
        return cls(unsubscribe=f"u{nonce}", interests=f"i{nonce}")


class _Copy:
    """One distinct copy of an edition, rendered with placeholders for the subscriber's tokens."""

    def __init__(
        self, edition: Edition, comparisons: list[Comparison], *, has_interests: bool, marks
    ) -> None:
        self.marks = marks
        self.email = _edition(
            edition,
            comparisons,
            to="",
            unsubscribe_token=marks.unsubscribe,
            interests_token=marks.interests,
            has_interests=has_interests,
        )
        [(html, _)] = self.email.alternatives
        assert isinstance(html, str)  # built from a rendered template
        self.html = html

    def message(self, to: str, unsubscribe: str, interests: str) -> NewsletterEmail:
        def fill(value: str) -> str:
            return value.replace(self.marks.unsubscribe, unsubscribe).replace(
                self.marks.interests, interests
            )

        message = NewsletterEmail(
            subject=str(self.email.subject),
            body=fill(str(self.email.body)),
            from_email=self.email.from_email,
            to=[to],
            headers={name: fill(value) for name, value in self.email.extra_headers.items()},
        )
        message.attach_alternative(fill(self.html), "text/html")
        return message


class EditionCopies:
    """Every subscriber's copy of one edition, each distinct copy rendered once.

    ``message`` is what ``edition_email`` returns for the same arguments.
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

    def message(
        self, subscriber: Subscriber, comparisons: list[Comparison], *, has_interests: bool
    ) -> EmailMultiAlternatives:
        unsubscribe, interests = subscriber.unsubscribe_token, subscriber.interests_token
        if not (_TOKEN.fullmatch(unsubscribe) and _TOKEN.fullmatch(interests)):
            return edition_email(self.edition, subscriber, comparisons, has_interests=has_interests)
        copy = self._copy(comparisons, has_interests)
        return copy.message(subscriber.email, unsubscribe, interests)
