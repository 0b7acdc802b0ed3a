"""The comparison an address names, as the current reader may see it.

The page, its JSON version and its share image answer the same way:
- a stored comparison readers may see (live, or any to staff, as an unindexed preview);
- an address a comparison used to have: a permanent redirect to the same view at the new one;
- any two to four published tools: their generated comparison (any order but the sorted one
  redirects permanently), which also stands in for an editor's draft of the same tools that
  readers may not see;
- anything else: 404.

A redirect is raised (``ComparisonMoved``) as a 404 is: ``comparisons.middleware`` answers it, so
the views only ever get a comparison to show.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from comparisons.models import Comparison, ComparisonRedirect, Tool
from comparisons.pairs import canonical_address, tools_at
from compsite.http_cache import has_session

NOT_FOUND = "No comparison lives at this address."


class ComparisonMoved(Exception):
    """What the address names lives at ``url`` now: answered with a permanent redirect there."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def moved_to(slug: str) -> Comparison | None:
    """The comparison that used to live at ``slug`` (its tools changed since), if any."""
    moved = ComparisonRedirect.objects.select_related("comparison").filter(old_slug=slug).first()
    return moved.comparison if moved is not None else None


def comparison_at(
    request: HttpRequest,
    slug: str,
    url_of: Callable[[Comparison], str],
    comparisons: QuerySet[Comparison],
    tools: QuerySet[Tool],
) -> tuple[Comparison | None, Comparison]:
    """``(stored, shown)``: the stored comparison at ``slug`` if any, and the comparison to show
    for it; ``ComparisonMoved`` when the address redirects, ``Http404`` when nothing is there.
    ``url_of`` gives the same view's address for a comparison; ``comparisons`` and ``tools``
    carry the caller's prefetches."""
    stored = comparisons.filter(slug=slug).first()
    # Only a comparison that is not live costs the user lookup (a session query), and only for
    # someone with a session: reading it for anybody else would make the page vary on cookies.
    if stored is not None and (stored.is_live or (has_session(request) and request.user.is_staff)):
        return stored, stored
    if (moved := moved_to(slug)) is not None:
        raise ComparisonMoved(url_of(moved))
    named = tools_at(slug, tools)
    if named is None:
        raise Http404(NOT_FOUND)
    generated = Comparison.generated_for(named, kept_on=stored)
    if canonical_address(named) != slug:
        # Another order of the same tools. A curated comparison's address is sorted too (its
        # slug is derived, never typed), so this lands on it when it is published.
        raise ComparisonMoved(url_of(generated))
    return stored, generated


def is_preview(stored: Comparison | None, shown) -> bool:
    return shown is stored and stored is not None and not stored.is_live


def mark_preview(response: HttpResponse) -> HttpResponse:
    """A staff-only preview is never indexed and never kept by a shared cache."""
    response.headers["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response
