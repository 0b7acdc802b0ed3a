"""The editors' admin for categories, tools and comparisons (one module per page group)."""

from comparisons.admin import comparisons, tools, votes

__all__ = ["comparisons", "tools", "votes"]
