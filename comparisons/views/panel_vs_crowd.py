from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from comparisons import cache_keys, listing
from comparisons.top_picks import Disagreement
from compsite import http_cache
from compsite.pagination import CARDS_PAGE_SIZE, page_of


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.PANEL_VS_CROWD, cache_keys.COMPARISONS])
def panel_vs_crowd(request: HttpRequest) -> HttpResponse:
    """Comparisons where readers' top pick differs from the panel's, newest first, 12 a page.

    Keyed by what moves a comparison in or out (``panel-vs-crowd``, ``comparisons``) and by the
    comparisons shown, whose numbers every vote on them changes: not by every vote anywhere."""
    page = page_of(request, listing.panel_vs_crowd(), per_page=CARDS_PAGE_SIZE)
    disagreements = [Disagreement.of(comparison) for comparison in page]
    context = {"page": page, "disagreements": [each for each in disagreements if each]}
    response = render(request, "comparisons/panel_vs_crowd.html", context)
    return http_cache.tag(response, cache_keys.comparison_cards(page))
