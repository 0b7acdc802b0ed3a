"""The JSON version of a comparison (``/compare/<slug>.json``): open data for people who build on it.

The numbers are the page's, defined once in docs/product.md: percents are whole numbers (or null while
there is nothing to count), prices are exact decimal strings in US dollars (or null for "contact
sales"), and every URL is absolute. ``comparisons/sharing/schemas/comparison.schema.json`` is the
format's JSON Schema, served at ``/data/comparison.schema.json``; the data is under CC BY 4.0.
"""

from __future__ import annotations

from django.urls import reverse

from comparisons.models import Comparison, PricingTier, Tool
from compsite.numbers import plain_decimal
from compsite.urls_absolute import absolute
from reviews.models import Scorecard

FORMAT_VERSION = 1
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"


def comparison_open_data(comparison: Comparison) -> dict:
    """Needs ``Comparison.objects.with_page_data()``: no query of its own."""
    return {
        "format_version": FORMAT_VERSION,
        "slug": comparison.slug,
        "title": comparison.title,
        "kind": comparison.kind,
        "url": absolute(comparison.get_absolute_url()),
        "json_url": absolute(comparison.get_data_url()),
        "share_image_url": absolute(comparison.get_share_image_url()),
        "definitions_url": absolute(reverse("about")) + "#numbers",
        "schema_url": absolute(reverse("comparisons:data_schema")),
        "data_licence": LICENCE_URL,
        "published_at": comparison.published_at,
        "updated_at": comparison.updated_at,
        "prices_checked": comparison.prices_checked,
        "total_votes": comparison.vote_total,
        "tools": [
            _tool(standing.tool, position, votes=standing.votes, percent=standing.percent)
            for position, standing in enumerate(comparison.standings, start=1)
        ],
    }


def _tool(tool: Tool, position: int, *, votes: int, percent: int | None) -> dict:
    return {
        "position": position,
        **tool_record(tool),
        "community": {"votes": votes, "percent": percent},
    }


def tool_record(tool: Tool) -> dict:
    """A tool as open data, the same in a comparison's JSON and in the tools download.

    Needs ``Tool.objects.with_profile()``: no query of its own.
    """
    return {
        "slug": tool.slug,
        "name": tool.name,
        "url": absolute(tool.get_absolute_url()),
        "category": {
            "slug": tool.category.slug,
            "name": tool.category.name,
            "url": absolute(tool.category.get_absolute_url()),
        },
        "vendor": tool.vendor,
        "tagline": tool.tagline,
        "website": tool.website,
        "licence": tool.licence,
        "entry_price": tool.entry_price,
        "pricing_tiers": [_tier(tier) for tier in tool.pricing_tiers.all()],
        "prices_checked": tool.prices_checked,
        "panel": {
            "ship_percent": tool.panel_ship_percent,
            "ship": tool.ship_count,
            "scorecards": tool.scorecard_count,
        },
        "scorecards": [_scorecard(scorecard) for scorecard in tool.scorecards.all()],
    }


def _tier(tier: PricingTier) -> dict:
    return {
        "name": tier.name,
        "price_usd": None if tier.price is None else plain_decimal(tier.price),
        "unit": tier.unit,
        "display_price": tier.display_price,
        "note": tier.note,
    }


def _scorecard(scorecard: Scorecard) -> dict:
    reviewer = scorecard.reviewer
    return {
        "reviewer": {
            "name": reviewer.name,
            "slug": reviewer.slug,
            "lens": reviewer.lens,
            "url": absolute(reviewer.get_absolute_url()),
        },
        "verdict": scorecard.verdict,
        "quote": scorecard.quote,
    }
