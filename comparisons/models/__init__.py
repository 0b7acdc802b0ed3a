from comparisons.models.comparisons import (
    MAX_TOOLS,
    MIN_TOOLS,
    Comparison,
    ComparisonEntry,
    ComparisonRedirect,
    comparison_slug,
)
from comparisons.models.tools import Category, PricingTier, Tool, ToolQuerySet
from comparisons.models.votes import Vote

__all__ = [
    "MAX_TOOLS",
    "MIN_TOOLS",
    "Category",
    "Comparison",
    "ComparisonEntry",
    "ComparisonRedirect",
    "PricingTier",
    "Tool",
    "ToolQuerySet",
    "Vote",
    "comparison_slug",
]
