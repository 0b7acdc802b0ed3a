"""schema.org JSON-LD for comparison pages and tools, and its safe embedding in HTML.

A tool page is a ``SoftwareApplication`` with its offers and the panel's verdicts as critic
``Review``s, each by a ``Person`` (the reviewer), with the quote as ``reviewBody`` and ship/skip as
a 1-or-0 ``Rating``. A comparison page lists its tools by their own pages' addresses rather than
repeating their reviews (Google: reviews must be about one specific item, so reviews nested in a
list of several apps earn no review snippet), and counts the community vote as
``InteractionCounter``s of a ``VoteAction``. There is deliberately no ``AggregateRating``: a
tool's share of the votes in one comparison is not a rating of the tool, and a search engine
must not show it as stars next to the critics' reviews.

No value is ever ``null``: what a page does not know (a generated comparison's publication date)
is left out, which ``json_ld_script`` guarantees for every document.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from comparisons.models import Comparison, PricingTier, Tool
from comparisons.sharing import SITE_NAME
from comparisons.sharing.application_categories import application_category
from compsite.numbers import plain_decimal
from compsite.urls_absolute import absolute
from reviews.models import Scorecard

# Inside <script>, "</script>" or "<!--" in a string would end or confuse the element: the JSON
# carries <, > and & only as \u escapes (what Django's json_script does for application/json).
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def without_nulls(node):
    """``node`` with every ``None`` left out, at any depth: schema.org has no null, and a
    validator reads ``"datePublished": null`` as a date that is not one."""
    if isinstance(node, dict):
        return {key: without_nulls(value) for key, value in node.items() if value is not None}
    if isinstance(node, list):
        return [without_nulls(value) for value in node if value is not None]
    return node


def json_ld_script(data: dict) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` data block (never executed)."""
    document = without_nulls({"@context": "https://schema.org", **data})
    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    # mark_safe is sound: the translation above leaves no markup in the text.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def tool_id(tool: Tool) -> str:
    """The tool's node id: its page's address, so other pages can point at it."""
    return f"{absolute(tool.get_absolute_url())}#tool"


def tool_json_ld(tool: Tool) -> dict:
    """A tool as a ``SoftwareApplication`` with its price list and the panel's reviews.

    Needs the tool's category, pricing tiers and scorecards with their reviewers loaded, as
    ``Tool.objects.with_profile()`` loads them.
    """
    url = absolute(tool.get_absolute_url())
    data: dict[str, object] = {
        "@type": "SoftwareApplication",
        "@id": tool_id(tool),
        "name": tool.name,
        "url": url,
        "description": tool.tagline,
        # One of Google's values; the site's own category is the genre.
        "applicationCategory": application_category(tool.category.slug),
        "genre": tool.category.name,
    }
    if tool.website:
        data["sameAs"] = tool.website
    if tool.vendor:
        data["creator"] = {"@type": "Organization", "name": tool.vendor}
    if tool.licence:
        data["license"] = tool.licence
    if tool.operating_systems:
        data["operatingSystem"] = tool.operating_systems
    offers = [_offer(tier) for tier in tool.pricing_tiers.all() if tier.price is not None]
    if offers:
        data["offers"] = offers
    reviews = [_review(scorecard) for scorecard in tool.scorecards.all()]
    if reviews:
        data["review"] = reviews
    return data


def comparison_json_ld(comparison: Comparison) -> dict:
    """The comparison page: its tools in order, each by its own page, and the community vote.

    Needs ``Comparison.objects.with_page_data()``.
    """
    url = absolute(comparison.get_absolute_url())
    home = absolute("/")
    tools = []
    votes = []
    for position, standing in enumerate(comparison.standings, start=1):
        tool = standing.tool
        tools.append(
            {
                "@type": "ListItem",
                "position": position,
                "name": tool.name,
                "url": absolute(tool.get_absolute_url()),
            }
        )
        votes.append(
            {
                "@type": "InteractionCounter",
                "name": f"Community votes for {tool.name}",
                "interactionType": {"@type": "VoteAction", "actionOption": {"@id": tool_id(tool)}},
                "userInteractionCount": standing.votes,
            }
        )
    return {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": comparison.title,
        "description": comparison.summary,
        "inLanguage": "en",
        "datePublished": comparison.published_at,
        "dateModified": comparison.updated_at,
        "isPartOf": {"@type": "WebSite", "@id": f"{home}#website", "name": SITE_NAME, "url": home},
        "publisher": _publisher(),
        "primaryImageOfPage": {
            "@type": "ImageObject",
            "url": absolute(comparison.get_share_image_url()),
            "width": 1200,
            "height": 630,
        },
        "mainEntity": {
            "@type": "ItemList",
            "name": f"The tools in {comparison.title}",
            "numberOfItems": len(tools),
            "itemListElement": tools,
        },
        "interactionStatistic": votes,
    }


def _publisher() -> dict:
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute("/")}


def _offer(tier: PricingTier) -> dict:
    assert tier.price is not None  # only priced tiers are offers
    price = plain_decimal(tier.price)
    offer: dict[str, object] = {
        "@type": "Offer",
        "name": tier.name,
        "price": price,
        "priceCurrency": "USD",
    }
    if tier.unit:
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": price,
            "priceCurrency": "USD",
            "unitText": tier.get_unit_display(),
        }
    if tier.note:
        offer["description"] = tier.note
    return offer


def _review(scorecard: Scorecard) -> dict:
    reviewer = scorecard.reviewer
    verdict = scorecard.get_verdict_display()
    return {
        "@type": "Review",
        "name": f"{reviewer.name}: {verdict}",
        "author": {
            "@type": "Person",
            "name": reviewer.name,
            "url": absolute(reviewer.get_absolute_url()),
            "description": reviewer.get_lens_display(),
        },
        "datePublished": scorecard.created_at.date(),
        "reviewBody": scorecard.quote,
        "reviewRating": {
            "@type": "Rating",
            "name": verdict,
            "ratingValue": 1 if scorecard.ships else 0,
            "bestRating": 1,
            "worstRating": 0,
        },
        "dateModified": scorecard.updated_at,
        "publisher": _publisher(),
    }
