"""factory_boy factories for the content models."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from comparisons.models import Category, Comparison, ComparisonEntry, PricingTier, Tool
from reviews.models import Lens, Reviewer, Scorecard, Verdict


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ToolFactory(factory.django.DjangoModelFactory[Tool]):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    slug = factory.Sequence(lambda n: f"tool-{n}")
    category = factory.SubFactory(CategoryFactory)
    vendor = "Example Labs"
    tagline = "Does one thing well"
    description = "A **useful** tool."
    website = "https://example.com/"
    licence = "MIT"
    is_published = True  # tools start as drafts; most tests need readers to see them
    prices_checked = datetime.date(2025, 11, 3)


class PricingTierFactory(factory.django.DjangoModelFactory[PricingTier]):
    class Meta:
        model = PricingTier

    tool = factory.SubFactory(ToolFactory)
    name = "Pro"
    price = Decimal("20")
    unit = PricingTier.Unit.MONTH


class ReviewerFactory(factory.django.DjangoModelFactory[Reviewer]):
    class Meta:
        model = Reviewer

    name = factory.Sequence(lambda n: f"Reviewer {n}")
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    lens = Lens.BUILDER
    question = "Would I build on it?"
    position = factory.Sequence(int)


class ScorecardFactory(factory.django.DjangoModelFactory[Scorecard]):
    class Meta:
        model = Scorecard

    reviewer = factory.SubFactory(ReviewerFactory)
    tool = factory.SubFactory(ToolFactory)
    verdict = Verdict.SHIP
    quote = factory.Sequence(lambda n: f"Argument number {n}.")


def make_comparison(*tools: Tool, status=Comparison.Status.PUBLISHED, **fields) -> Comparison:
    """A comparison of ``tools`` in the given order, with its derived slug and title."""
    if status == Comparison.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - datetime.timedelta(days=1))
    comparison = Comparison.objects.create(status=status, **fields)
    ComparisonEntry.objects.bulk_create(
        ComparisonEntry(comparison=comparison, tool=tool, position=position)
        for position, tool in enumerate(tools)
    )
    comparison.refresh_identity()
    return comparison
