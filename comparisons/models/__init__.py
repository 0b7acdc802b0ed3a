from comparisons.models.comparisons import (
    MAX_TOOLS,
    MIN_TOOLS,
    SLUG_SEPARATOR,
    Comparison,
    ComparisonEntry,
    ComparisonRedirect,
    comparison_slug,
    comparison_title,
)
from comparisons.models.tools import Category, PricingTier, RankedTool, Tool, ToolQuerySet
from comparisons.models.votes import DailyVotes, Vote

__all__ = [
    "MAX_TOOLS",
    "MIN_TOOLS",
    "SLUG_SEPARATOR",
    "Category",
    "Comparison",
    "ComparisonEntry",
    "ComparisonRedirect",
    "DailyVotes",
    "PricingTier",
    "RankedTool",
    "Tool",
    "ToolQuerySet",
    "Vote",
    "comparison_slug",
    "comparison_title",
]
