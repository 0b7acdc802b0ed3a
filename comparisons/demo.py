"""Load the demo content (``comparisons.demo_content``) idempotently: run it twice, get one copy."""

import datetime

from django.db import transaction
from django.utils import timezone

from comparisons import counters, demo_content
from comparisons.models import (
    Category,
    Comparison,
    ComparisonEntry,
    PricingTier,
    Tool,
    comparison_slug,
)
from reviews.models import Reviewer, Scorecard


@transaction.atomic
def demo_seed() -> dict[str, int]:
    categories = {
        row["slug"]: Category.objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
        )[0]
        for row in demo_content.CATEGORIES
    }
    reviewers = {
        row["slug"]: Reviewer.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "lens": row["lens"],
                "question": row["question"],
                "bio": row["bio"],
                "position": row["order"],
                "is_persona": True,
            },
        )[0]
        for row in demo_content.REVIEWERS
    }
    with counters.paused():  # one recount at the end, not one per scorecard
        tools = {row["slug"]: _seed_tool(row, categories, reviewers) for row in demo_content.TOOLS}
        today = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
        for row in demo_content.COMPARISONS:
            _seed_comparison(row, tools, today - datetime.timedelta(days=row["days_ago"]))
    counters.refresh([tool.pk for tool in tools.values()])
    return {
        "categories": len(categories),
        "reviewers": len(reviewers),
        "tools": len(tools),
        "comparisons": len(demo_content.COMPARISONS),
    }


def _seed_tool(row: dict, categories: dict, reviewers: dict) -> Tool:
    tool, _ = Tool.objects.update_or_create(
        slug=row["slug"],
        defaults={
            "name": row["name"],
            "category": categories[row["category"]],
            "vendor": row["vendor"],
            "tagline": row["tagline"],
            "description": row["description"],
            "website": row["website"],
            "licence": row["licence"],
            "operating_systems": row.get("operating_systems", ""),
            "prices_checked": row["prices_checked"],
            "is_published": True,
        },
    )
    tool.pricing_tiers.all().delete()
    PricingTier.objects.bulk_create(
        PricingTier(tool=tool, position=position, **tier)
        for position, tier in enumerate(row["pricing"])
    )
    for reviewer_slug, card in row["scorecards"].items():
        Scorecard.objects.update_or_create(
            reviewer=reviewers[reviewer_slug],
            tool=tool,
            defaults={"verdict": card["verdict"], "quote": card["quote"]},
        )
    return tool


def _seed_comparison(row: dict, tools: dict, published_at: datetime.datetime) -> Comparison:
    members = [tools[slug] for slug in row["tools"]]
    comparison = Comparison.objects.filter(
        slug=comparison_slug([tool.slug for tool in members])
    ).first() or Comparison(published_at=published_at)
    comparison.kind = Comparison.Kind.CURATED
    comparison.status = Comparison.Status.PUBLISHED
    comparison.intro = row["intro"]
    comparison.pricing_read = row["pricing_read"]
    comparison.verdict = row["verdict"]
    comparison.save()
    comparison.entries.all().delete()
    ComparisonEntry.objects.bulk_create(
        ComparisonEntry(comparison=comparison, tool=tool, position=position)
        for position, tool in enumerate(members)
    )
    comparison.refresh_identity()
    return comparison
