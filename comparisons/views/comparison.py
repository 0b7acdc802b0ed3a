from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from comparisons import cache_keys, vote_marks
from comparisons.lookups import NOT_FOUND, comparison_at, is_preview, mark_preview, moved_to
from comparisons.models import Comparison, Tool
from comparisons.pairs import canonical_address, generated_comparison_get_or_create, tools_at
from comparisons.voting import (
    Reader,
    reader_for_vote,
    reader_from,
    remember_reader,
    vote_cast,
    vote_of,
)
from compsite import http_cache
from compsite.freshness import PriceCheck, earliest_change
from compsite.htmx import HtmxHttpRequest
from compsite.origin import same_origin_only
from compsite.ratelimits import rate_limited


@require_safe
@http_cache.shared(http_cache.DETAIL)
def comparison_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A stored comparison readers may see, else the generated page of any 2 to 4 published tools.

    The page is the same for every reader; ``?voted=1`` (where a vote without JavaScript lands)
    is this reader's own copy, marking their choice.
    """
    stored, comparison = comparison_at(
        request,
        slug,
        Comparison.get_absolute_url,
        Comparison.objects.with_page_data(),
        Tool.objects.with_profile(),
    )
    mine = "voted" in request.GET
    context: dict[str, Any] = {
        "comparison": comparison,
        "related": comparison.related(),
        "preview": is_preview(stored, comparison),
        "my_vote": vote_of(comparison_id=comparison.ballot_id, reader=reader_from(request))
        if mine
        else None,
    }
    response = render(request, "comparisons/detail.html", context)
    if context["preview"]:
        mark_preview(response)
    elif not comparison.is_indexable:
        response.headers["X-Robots-Tag"] = "noindex"
    if mine or context["preview"]:
        return http_cache.private(response)
    # "Prices checked … (3 months ago)": no cached copy outlives that wording.
    http_cache.shared_until(response, earliest_change(PriceCheck.of(comparison.prices_checked)))
    return http_cache.tag(
        response,
        cache_keys.comparison_page(comparison, stored),
        context["related"],  # their titles
    )


class _Moved(Exception):
    """The vote was posted at an address its comparison no longer has."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison


def _ballot(slug: str) -> tuple[Comparison | None, Comparison]:
    """``(stored, shown)`` for a vote at ``slug``, resolved as the page resolves the address:
    votes are kept on the stored comparison when there is one, and readers choose among the
    tools of the one they are shown. An old address raises ``_Moved``."""
    stored = Comparison.objects.for_vote(slug)
    if stored is not None and stored.is_live:
        return stored, stored
    if (moved := moved_to(slug)) is not None:
        raise _Moved(moved)
    named = tools_at(slug)
    if named is None or canonical_address(named) != slug:
        raise Http404(NOT_FOUND)
    return stored, Comparison.generated_for(named, kept_on=stored)


@require_POST
@same_origin_only
def vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Cast or change a vote. htmx gets the vote block back; a plain form post gets a 303.

    A vote from a page loaded before its comparison changed address is sent on with a 308
    (browsers and htmx repeat the POST there), so it is counted where the page now lives rather
    than on a pair generated at the old address, which would hide the page's redirect.
    """
    try:
        return _vote(request, slug)
    except _Moved as moved:
        url = reverse("comparisons:vote", args=[moved.comparison.slug])
        return HttpResponsePermanentRedirect(url, preserve_request=True)


def _vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    reader = reader_for_vote(request)
    if rate_limited(request, group="vote", rate=settings.VOTE_RATE):
        message = "You're voting faster than we can count. Wait a minute and try again."
        return _refuse(request, _ballot(slug), reader, 429, message)
    chosen = request.POST.get("tool", "")
    ballot = stored, shown = _ballot(slug)
    if shown.awaits_editors:
        return _refuse(request, ballot, reader, 409, shown.AWAITS_EDITORS)
    tools = shown.ordered_tools
    tool = next((tool for tool in tools if tool.slug == chosen), None)
    if tool is None:
        message = "Pick one of the tools in this comparison."
        return _refuse(request, ballot, reader, 400, message)
    comparison = stored if stored is not None else generated_comparison_get_or_create(tools)
    vote_cast(comparison=comparison, tool=tool, reader=reader)
    comparison_id, tool_id = comparison.pk, tool.pk
    if request.htmx:
        fresh = Comparison.objects.with_standings().get(pk=comparison_id)
        context = {"comparison": fresh, "my_vote": tool_id}
        response = render(request, "comparisons/vote_block.html", context)
    else:
        # To this reader's own copy of the page, which marks the vote (shared copies do not).
        address = reverse("comparisons:detail", args=[slug])
        response = redirect(f"{address}?voted=1#vote")
        response.status_code = 303
    remember_reader(response, reader)
    vote_marks.remember(request, response, comparison_id, tool_id)
    return response


def _refuse(
    request: HtmxHttpRequest,
    ballot: tuple[Comparison | None, Comparison],
    reader: Reader,
    status: int,
    problem: str,
) -> HttpResponse:
    """The vote block again with what went wrong (a page of its own without htmx)."""
    _stored, shown = ballot
    context = {
        "comparison": shown,
        "my_vote": vote_of(comparison_id=shown.ballot_id, reader=reader),
        "vote_problem": problem,
    }
    template = "comparisons/vote_block.html" if request.htmx else "comparisons/vote_problem.html"
    return render(request, template, context, status=status)
