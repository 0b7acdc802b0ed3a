"""The benchmark's data: the demo content grown to 200+ tools, 100+ comparisons, 100,000 votes.

``load(rng)`` is what ``make bench`` loads; ``load(rng, tools=50_000, comparisons=5_000)`` grows a
directory of the size the site must serve. From the command line, into ``DATABASE_URL``::

    python -m bench.largedemo --tools 50000 --comparisons 5000

The synthetic names, taglines and descriptions are made of varied invented words (a brand, a
product word and a version), so trigram and full-text indexes see a realistic spread of names and
lexemes rather than one repeated phrase.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

TOOLS, COMPARISONS, VOTES = 200, 100, 100_000
BATCH = 5000

SYLLABLES = (  # noqa: SIM905 (a word list reads better as text)
    "ka ve lo ra ni qu bi to ze mi sa do pe lu ha xi ro na ta fi go mo ne ri su ly va cor "
    "dex nov pix syn tra vox zen arc bel cal dyn fin gal hel ion jul kor lum mar nex"
).split()
PRODUCT_WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "Chat Code Vision Voice Scribe Transcribe Studio Agent Copilot Writer Lens Forge Pilot "
    "Mind Search Sense Flow Draw Canvas Speak Tune Notes Docs Data Lab Assist Cloud Edge"
).split()
VERSIONS = ["", "", "", " 2", " 3", " Pro", " Mini", " Large", " 7B", " 2B", "-VL", " v4", " XL"]
VOCABULARY = (  # noqa: SIM905 (a word list reads better as text)
    "model assistant image images text speech audio video code agent agents open weights api "
    "hosted local gpu cpu latency cheap fast accurate private team enterprise free plan "
    "tokens context window prompt answers research writing translation summaries meetings "
    "search documents files editor repository tests review deploy cloud browser mobile "
    "desktop fine-tuning embeddings retrieval vectors chat voice music design photos "
    "upscaling transcription captions subtitles diarisation benchmarks evaluation safety "
    "moderation privacy compliance licence quantised checkpoint inference serving batch "
    "streaming realtime multilingual english reasoning math planning tools functions "
    "workflows automation spreadsheets slides notes email calendar support tickets sales "
    "marketing analytics"
).split()


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def _sentence(rng: random.Random, words: int) -> str:
    picked = [
        rng.choice(VOCABULARY) if rng.random() < 0.8 else _word(rng, rng.randint(2, 3))
        for _ in range(words)
    ]
    return " ".join(picked).capitalize() + "."


def _names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str]]:
    """``count`` (name, slug) pairs, unique and none of them in ``taken`` (slugs)."""
    from django.utils.text import slugify

    found: list[tuple[str, str]] = []
    while len(found) < count:
        brand = _word(rng, rng.randint(2, 3)).capitalize()
        name = brand + (f" {rng.choice(PRODUCT_WORDS)}" if rng.random() < 0.7 else "")
        name += rng.choice(VERSIONS)
        slug = slugify(name)[:100]
        if slug in taken or "vs" in slug.split("-"):
            continue
        taken.add(slug)
        found.append((name, slug))
    return found


@transaction.atomic
def load(
    rng: random.Random,
    tools: int = TOOLS,
    comparisons: int = COMPARISONS,
    votes: int = VOTES,
) -> dict[str, int]:
    from comparisons import counters
    from comparisons.models import (
        Category,
        Comparison,
        ComparisonEntry,
        PricingTier,
        Tool,
        Vote,
    )
    from reviews.models import Reviewer, Scorecard

    call_command("seed_demo", verbosity=0)
    categories = list(Category.objects.all())
    reviewers = list(Reviewer.objects.all())
    now = timezone.now()
    taken = set(Tool.objects.values_list("slug", flat=True))
    names = _names(rng, max(tools - len(taken), 0), taken)
    new_tools = Tool.objects.bulk_create(
        (
            Tool(
                name=name,
                slug=slug,
                category=categories[index % len(categories)],
                vendor=f"{_word(rng, 2).capitalize()} Labs",
                tagline=_sentence(rng, rng.randint(5, 9))[:160],
                description="\n\n".join(
                    _sentence(rng, rng.randint(12, 30)) for _ in range(rng.randint(1, 3))
                ),
                website="https://example.com/",
                licence="MIT",
                is_published=True,
                prices_checked=now.date(),
            )
            for index, (name, slug) in enumerate(names)
        ),
        batch_size=BATCH,
    )
    PricingTier.objects.bulk_create(
        (
            PricingTier(tool=tool, name=name, price=price, unit="mo", position=position)
            for tool in new_tools
            for position, (name, price) in enumerate(
                [("Free", Decimal(0)), ("Pro", Decimal(rng.choice([9, 20, 30])))]
            )
        ),
        batch_size=BATCH,
    )
    Scorecard.objects.bulk_create(
        (
            Scorecard(
                reviewer=reviewer,
                tool=tool,
                verdict=rng.choice(["ship", "skip"]),
                quote="A synthetic argued verdict for the benchmark.",
            )
            for tool in new_tools
            for reviewer in reviewers
        ),
        batch_size=BATCH,
    )
    all_tools = list(Tool.objects.only("id", "slug", "name").order_by("id"))
    existing = set(Comparison.objects.values_list("slug", flat=True))
    pairs = []
    while len(existing) < comparisons:
        pair = sorted(rng.sample(all_tools, 2), key=lambda tool: tool.slug)
        slug = "-vs-".join(tool.slug for tool in pair)
        if slug in existing:
            continue
        existing.add(slug)
        pairs.append((slug, pair))
    created = Comparison.objects.bulk_create(
        (
            Comparison(
                kind=Comparison.Kind.CURATED,
                status=Comparison.Status.PUBLISHED,
                published_at=now,
                slug=slug,
                title=" vs ".join(tool.name for tool in pair),
                intro="A synthetic comparison.",
                verdict="Synthetic verdict.",
            )
            for slug, pair in pairs
        ),
        batch_size=BATCH,
    )
    ComparisonEntry.objects.bulk_create(
        (
            ComparisonEntry(comparison=comparison, tool=tool, position=position)
            for comparison, (_, pair) in zip(created, pairs, strict=True)
            for position, tool in enumerate(pair)
        ),
        batch_size=BATCH,
    )
    entries = list(ComparisonEntry.objects.values_list("comparison_id", "tool_id"))
    missing = votes - Vote.objects.count()
    Vote.objects.bulk_create(
        (
            Vote(comparison_id=c, tool_id=t, reader_hash=secrets.token_hex(32))
            for c, t in (rng.choice(entries) for _ in range(max(missing, 0)))
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:  # the counts, recomputed from the rows once
        cursor.execute(
            "UPDATE comparisons_comparisonentry e SET vote_count = COALESCE("
            "(SELECT COUNT(*) FROM comparisons_vote v WHERE v.comparison_id = e.comparison_id AND v.tool_id = e.tool_id), 0)"
        )
    counters.refresh()  # the tools' counters and the daily vote counts, from the rows
    return {
        "tools": Tool.objects.count(),
        "comparisons": Comparison.objects.count(),
        "votes": Vote.objects.count(),
    }


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=TOOLS)
    parser.add_argument("--comparisons", type=int, default=COMPARISONS)
    parser.add_argument("--votes", type=int, default=VOTES)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    django.setup()
    counts = load(
        random.Random(options.seed),
        tools=options.tools,
        comparisons=options.comparisons,
        votes=options.votes,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
