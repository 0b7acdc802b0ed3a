"""The benchmark's data: the demo content grown to 200+ tools, 100+ comparisons, 100,000 votes."""

import random
import secrets
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from comparisons.models import Category, Comparison, ComparisonEntry, PricingTier, Tool, Vote
from reviews.models import Reviewer, Scorecard

TOOLS, COMPARISONS, VOTES = 200, 100, 100_000


@transaction.atomic
def load(rng: random.Random) -> dict[str, int]:
    call_command("seed_demo", verbosity=0)
    categories = list(Category.objects.all())
    reviewers = list(Reviewer.objects.all())
    now = timezone.now()
    have = Tool.objects.count()
    new_tools = Tool.objects.bulk_create(
        Tool(
            name=f"Bench Tool {index:03}",
            slug=f"bench-tool-{index:03}",
            category=categories[index % len(categories)],
            vendor=f"Vendor {index % 37}",
            tagline="A synthetic tool that gives the benchmark realistic volume",
            description="Synthetic **benchmark** content.\n\nIt has two paragraphs, like real tools.",
            website="https://example.com/",
            licence="MIT",
            prices_checked=now.date(),
        )
        for index in range(TOOLS - have)
    )
    PricingTier.objects.bulk_create(
        PricingTier(tool=tool, name=name, price=price, unit="mo", position=position)
        for tool in new_tools
        for position, (name, price) in enumerate(
            [("Free", Decimal(0)), ("Pro", Decimal(rng.choice([9, 20, 30])))]
        )
    )
    Scorecard.objects.bulk_create(
        Scorecard(
            reviewer=reviewer,
            tool=tool,
            verdict=rng.choice(["ship", "skip"]),
            quote="A synthetic argued verdict for the benchmark.",
        )
        for tool in new_tools
        for reviewer in reviewers
    )
    tools = list(Tool.objects.order_by("id"))
    existing = set(Comparison.objects.values_list("slug", flat=True))
    wanted = COMPARISONS - len(existing)
    while wanted > 0:
        pair = sorted(rng.sample(tools, 2), key=lambda tool: tool.slug)
        slug = "-vs-".join(tool.slug for tool in pair)
        if slug in existing:
            continue
        existing.add(slug)
        comparison = Comparison.objects.create(
            kind=Comparison.Kind.CURATED, status=Comparison.Status.PUBLISHED,
            published_at=now, slug=slug, title=" vs ".join(tool.name for tool in pair),
            intro="A synthetic comparison.", verdict="Synthetic verdict.",
        )  # fmt: skip
        ComparisonEntry.objects.bulk_create(
            ComparisonEntry(comparison=comparison, tool=tool, position=position)
            for position, tool in enumerate(pair)
        )
        wanted -= 1
    entries = list(ComparisonEntry.objects.values_list("comparison_id", "tool_id"))
    missing = VOTES - Vote.objects.count()
    Vote.objects.bulk_create(
        (
            Vote(comparison_id=c, tool_id=t, reader_hash=secrets.token_hex(32))
            for c, t in (rng.choice(entries) for _ in range(missing))
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:  # the counts, recomputed from the rows once
        cursor.execute(
            "UPDATE comparisons_comparisonentry e SET vote_count = COALESCE("
            "(SELECT COUNT(*) FROM comparisons_vote v WHERE v.comparison_id = e.comparison_id AND v.tool_id = e.tool_id), 0)"
        )
    return {
        "tools": Tool.objects.count(),
        "comparisons": Comparison.objects.count(),
        "votes": Vote.objects.count(),
    }
