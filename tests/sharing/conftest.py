"""Content for the sharing tests, served as if the site lived at https://verdicts.example."""

import datetime
import itertools
from dataclasses import dataclass

import pytest
from django.utils import timezone

from comparisons.models import Category, Comparison, Tool
from comparisons.voting import Reader, vote_cast
from reviews.models import Lens, Reviewer, Verdict
from tests.factories import (
    CategoryFactory,
    PricingTierFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)

SITE = "https://verdicts.example"
_readers = itertools.count()


@pytest.fixture(autouse=True)
def site_url(settings):
    # Anything built from the request would say "testserver": these tests look for it.
    settings.SITE_URL = SITE
    return SITE


@dataclass
class Content:
    category: Category
    big: Tool
    small: Tool
    reviewers: list[Reviewer]
    comparison: Comparison
    draft: Comparison
    hidden_tool: Tool


@pytest.fixture
def content(db) -> Content:
    category = CategoryFactory.create(
        name="Vision-language models", slug="vlm", description="Models that read images."
    )
    big = ToolFactory.create(name="SmolVLM2-2B", slug="smolvlm2-2b", category=category)
    small = ToolFactory.create(name="SmolVLM2", slug="smolvlm2", category=category)
    PricingTierFactory.create(tool=big, name="Self-hosted", price=0, unit="")
    PricingTierFactory.create(
        tool=small, name="Hosted", price="9.5", unit="mo", note="Via a partner"
    )
    PricingTierFactory.create(tool=small, name="Enterprise", price=None, unit="")
    reviewers = [
        ReviewerFactory.create(name="Ada Builder", slug="ada", lens=Lens.BUILDER),
        ReviewerFactory.create(name="Sam Skeptic", slug="sam", lens=Lens.SKEPTIC),
    ]
    for reviewer in reviewers:
        ScorecardFactory.create(reviewer=reviewer, tool=big, verdict=Verdict.SHIP)
    ScorecardFactory.create(reviewer=reviewers[0], tool=small, verdict=Verdict.SHIP)
    ScorecardFactory.create(
        reviewer=reviewers[1], tool=small, verdict=Verdict.SKIP, quote="Too small."
    )
    comparison = make_comparison(big, small, intro="Two sizes of one family.")
    other = ToolFactory.create(
        name="Moondream 2", slug="moondream-2", category=CategoryFactory.create()
    )
    draft = make_comparison(big, other, status=Comparison.Status.DRAFT)
    hidden_tool = ToolFactory.create(name="Secret Tool", slug="secret-tool", is_published=False)
    return Content(category, big, small, reviewers, comparison, draft, hidden_tool)


def vote(comparison: Comparison, tool: Tool, reader_id: str | None = None) -> None:
    """A vote through the vote service, by a new reader unless ``reader_id`` names one."""
    reader = Reader(reader_id or f"reader-{next(_readers)}", is_new=reader_id is None)
    vote_cast(comparison=comparison, tool=tool, reader=reader)


def grow(content: Content, times: int = 3) -> None:
    """More of everything a sharing view lists: comparisons, tools, reviewers, verdicts, votes."""
    for n in range(times):
        category = CategoryFactory.create()
        tools = [ToolFactory.create(category=category) for _ in range(3)]
        for tool in tools:
            PricingTierFactory.create(tool=tool)
            PricingTierFactory.create(tool=tool, name="Team", price=30)
        reviewer = ReviewerFactory.create(lens=Lens.BUYER)
        for tool in [*tools, content.big, content.small]:
            ScorecardFactory.create(reviewer=reviewer, tool=tool, verdict=Verdict.SKIP)
        comparison = make_comparison(
            *tools, published_at=timezone.now() - datetime.timedelta(hours=n + 1)
        )
        make_comparison(tools[0], content.big)
        vote(comparison, tools[0])
        vote(content.comparison, content.small)
