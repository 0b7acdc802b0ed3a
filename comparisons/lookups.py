"""The comparison an address names, as the current reader may see it.

The page, its JSON version and its share image answer the same way: an unknown address is a 404,
an old address redirects permanently to the same view at the new one, and a draft (or a
comparison scheduled for later) is a staff-only preview that everyone else sees as a 404.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from comparisons.models import Comparison, ComparisonRedirect

NOT_FOUND = "No comparison lives at this address."


def visible_comparison(
    request: HttpRequest, slug: str, queryset: QuerySet[Comparison] | None = None
) -> Comparison | None:
    """The comparison at ``slug`` if this reader may see it; None when none lives there."""
    queryset = Comparison.objects.all() if queryset is None else queryset
    comparison = queryset.filter(slug=slug).first()
    # Only a comparison that is not live costs the user lookup (a session query).
    if comparison is not None and not comparison.is_live and not request.user.is_staff:
        raise Http404(NOT_FOUND)
    return comparison


def redirect_moved(slug: str, url_of: Callable[[Comparison], str]) -> HttpResponse:
    """301 from an address a comparison used to have to ``url_of`` it; 404 if it never had it."""
    moved = ComparisonRedirect.objects.select_related("comparison").filter(old_slug=slug).first()
    if moved is None:
        raise Http404(NOT_FOUND)
    return HttpResponsePermanentRedirect(url_of(moved.comparison))


def mark_preview(response: HttpResponse) -> HttpResponse:
    """A staff-only preview is never indexed and never kept by a shared cache."""
    response.headers["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response
