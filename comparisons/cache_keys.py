"""The surrogate keys of the catalogue: what a page shows, and what a change touches.

Pages carry keys for what they show (compsite/http_cache.py); a change purges the keys of every
page it alters (compsite/purge.py, wired in comparisons/signals.py). The two halves live here
together so that they stay in step:

=============================  ===========================================  ==========================
key                            carried by                                   purged by
=============================  ===========================================  ==========================
``tool-3``                     every page showing the tool (card, profile)  the tool, its tiers and
                                                                            scorecards
``category-2``                 pages showing the category's name            the category
``category-2-lists``           the category page's ranking and comparisons  its tools, scorecards and
                                                                            comparisons
``tool-3-comparisons``         the tool page's comparisons and alternatives  comparisons with the tool,
                                                                            a first vote on a new pair
``comparison-12``              the comparison's page, JSON and image,       the comparison, its
                               and every card of it                         entries, votes
``pair-a-vs-b``                the page at that address (generated or not)  a comparison stored there
``panel``                      pages showing reviewers' names               a reviewer
``reviewer-4``                 the reviewer's page                          the reviewer, scorecards
``votes``                      rankings by votes (trending, categories)     votes (coalesced)
``panel-vs-crowd``             the lists of comparisons where readers'      a vote or a scorecard that
                               and panel's picks differ                     moves one in or out
``tools`` ``comparisons``      lists, search, feeds and sitemap sections    any tool / comparison
``categories`` ``reviewers``
``missing``                    every 404                                    any content change
=============================  ===========================================  ==========================
"""

from __future__ import annotations

from collections.abc import Iterable

from compsite.http_cache import MISSING_KEY, key_of

TOOLS, COMPARISONS, CATEGORIES, REVIEWERS = "tools", "comparisons", "categories", "reviewers"
PANEL, VOTES = "panel", "votes"
PANEL_VS_CROWD = "panel-vs-crowd"  # purged by comparisons/top_picks.py


def category_lists(category_id: int) -> str:
    return f"category-{category_id}-lists"


def tool_comparisons(tool_id: int) -> str:
    return f"tool-{tool_id}-comparisons"


def pair(slug: str) -> str:
    return f"pair-{slug}"


# --- What pages show -------------------------------------------------------------------------


def tool_cards(tools: Iterable) -> set[str]:
    """A tool card shows the tool and its category's name."""
    keys = set()
    for tool in tools:
        keys |= {key_of(tool), f"category-{tool.category_id}"}
    return keys


def comparison_cards(comparisons: Iterable) -> set[str]:
    """A comparison card shows its title, counts and tools (``entry_list`` must be prefetched)."""
    keys = set()
    for comparison in comparisons:
        keys.add(key_of(comparison))
        keys |= tool_cards(entry.tool for entry in comparison.entry_list)
    return keys


def comparison_page(comparison, stored=None) -> set[str]:
    """The page at a comparison's address, stored or generated: its tools' profiles in full."""
    keys = {pair(comparison.slug), PANEL} | comparison_cards([comparison] if comparison.pk else [])
    keys |= tool_cards(comparison.ordered_tools)
    if stored is not None:
        keys.add(key_of(stored))  # votes kept on an editor's draft show on the generated page
    return keys


# --- What changes touch ----------------------------------------------------------------------


def touched_by_tool(tool) -> set[str]:
    return {
        key_of(tool),
        category_lists(tool.category_id),
        TOOLS,
        CATEGORIES,  # the category list counts published tools
        MISSING_KEY,  # a tool published, or renamed to a new address
    }


def touched_by_tier(tier) -> set[str]:
    return {f"tool-{tier.tool_id}"}


def touched_by_scorecard(scorecard) -> set[str]:
    from comparisons.models import Tool

    category_id = Tool.objects.filter(pk=scorecard.tool_id).values_list("category_id", flat=True)
    keys = {f"tool-{scorecard.tool_id}", f"reviewer-{scorecard.reviewer_id}", REVIEWERS}
    keys |= {category_lists(category) for category in category_id}
    return keys


def touched_by_reviewer(reviewer) -> set[str]:
    return {key_of(reviewer), REVIEWERS, PANEL, MISSING_KEY}


def touched_by_category(category) -> set[str]:
    return {key_of(category), category_lists(category.pk), CATEGORIES, TOOLS, MISSING_KEY}


def touched_by_comparison(comparison_id: int, slugs: Iterable[str | None] = ()) -> set[str]:
    """The comparison's own keys and its tools' lists, from the database (the row may be gone)."""
    from comparisons.models import ComparisonEntry

    keys = {f"comparison-{comparison_id}", COMPARISONS, MISSING_KEY}
    keys |= {pair(slug) for slug in slugs if slug}
    for tool_id, category_id in ComparisonEntry.objects.filter(
        comparison_id=comparison_id
    ).values_list("tool_id", "tool__category_id"):
        keys |= {tool_comparisons(tool_id), category_lists(category_id)}
    return keys


def touched_by_entry(entry) -> set[str]:
    from comparisons.models import Comparison, Tool

    slugs = Comparison.objects.filter(pk=entry.comparison_id).values_list("slug", flat=True)
    keys = touched_by_comparison(entry.comparison_id, slugs)
    keys.add(tool_comparisons(entry.tool_id))
    categories = Tool.objects.filter(pk=entry.tool_id).values_list("category_id", flat=True)
    return keys | {category_lists(category) for category in categories}


def touched_by_vote(comparison_id: int) -> set[str]:
    return {f"comparison-{comparison_id}", VOTES}
