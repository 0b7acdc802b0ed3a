"""Every email the newsletter sends, built from three templates: subject, text body, HTML body.

``templates/newsletter/email/<kind>_subject.txt``, ``<kind>.txt`` and ``<kind>.html`` make one
``EmailMultiAlternatives``. The HTML goes through css-inline so mail clients that drop ``<style>``
blocks still see the styles; no ``<style>`` block is left in what we send. Every link is absolute,
built from ``SITE_URL`` exactly as configured, never from a request.
"""

from __future__ import annotations

import email.policy
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from comparisons.models import Comparison
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


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


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


def edition_email(
    edition: Edition,
    subscriber: Subscriber,
    comparisons: list[Comparison],
    *,
    has_interests: bool = False,
) -> EmailMultiAlternatives:
    """One subscriber's copy: their comparisons, their unsubscribe and interests links."""
    unsubscribe_url = absolute(subscriber.unsubscribe_url())
    items = [
        {"comparison": comparison, "url": absolute(comparison.get_absolute_url())}
        for comparison in comparisons
    ]
    return build(
        "edition",
        to=subscriber.email,
        context={
            "edition": edition,
            "subject": edition.subject_for(comparisons),
            "items": items,
            "web_url": absolute(edition.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url,
            "interests_url": absolute(subscriber.interests_url()),
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
