from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from comparisons.lookups import mark_preview, redirect_moved, visible_comparison
from comparisons.models import Comparison
from comparisons.voting import reader_for_vote, reader_from, remember_reader, vote_cast, vote_of
from compsite.ratelimits import rate_limited

HOME_LATEST = 12


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    comparisons = Comparison.objects.published().latest_first().with_cards()[:HOME_LATEST]
    return render(request, "comparisons/home.html", {"comparisons": comparisons})


@require_safe
def comparison_detail(request: HttpRequest, slug: str) -> HttpResponse:
    comparison = visible_comparison(request, slug, Comparison.objects.with_page_data())
    if comparison is None:
        return redirect_moved(slug, Comparison.get_absolute_url)

    preview = not comparison.is_live
    context = {
        "comparison": comparison,
        "related": comparison.related(),
        "preview": preview,
        "my_vote": vote_of(comparison=comparison, reader=reader_from(request)),
    }
    response = render(request, "comparisons/detail.html", context)
    return mark_preview(response) if preview else response


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Cast or change a vote. htmx gets the vote block back; a plain form post gets a 303."""
    comparison = Comparison.objects.published().with_standings().filter(slug=slug).first()
    if comparison is None:
        raise Http404("No published comparison lives at this address.")

    def answer(status: int, problem: str = "", my_vote: int | None = None) -> HttpResponse:
        context = {"comparison": comparison, "my_vote": my_vote, "vote_problem": problem}
        template = (
            "comparisons/vote_block.html" if request.htmx else "comparisons/vote_problem.html"
        )
        return render(request, template, context, status=status)

    reader = reader_from(request)
    if rate_limited(request, group="vote", rate=settings.VOTE_RATE):
        return answer(
            429,
            "You're voting faster than we can count. Wait a minute and try again.",
            vote_of(comparison=comparison, reader=reader),
        )
    tool = next(
        (tool for tool in comparison.ordered_tools if tool.slug == request.POST.get("tool")), None
    )
    if tool is None:
        return answer(
            400,
            "Pick one of the tools in this comparison.",
            vote_of(comparison=comparison, reader=reader),
        )

    reader = reader or reader_for_vote(request)
    vote_cast(comparison=comparison, tool=tool, reader=reader)
    if request.htmx:
        fresh = Comparison.objects.with_standings().get(pk=comparison.pk)
        response = render(
            request, "comparisons/vote_block.html", {"comparison": fresh, "my_vote": tool.pk}
        )
    else:
        response = redirect(f"{comparison.get_absolute_url()}#vote", permanent=False)
        response.status_code = 303
    remember_reader(response, reader)
    return response
