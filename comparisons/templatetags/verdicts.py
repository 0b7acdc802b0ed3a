import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from comparisons import answer
from compsite import numbers
from compsite.freshness import STALE_AFTER_DAYS, PriceCheck
from compsite.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    return render_markdown(source)


@register.filter
def as_percent(value: int | None) -> str:
    """A whole percent, or an em dash while there is nothing to count."""
    return "—" if value is None else f"{value}%"


@register.filter
def panel_ship(tool) -> SafeString:
    """Panel ship % with its fraction beside it ("75% 3 of 4 ship"), or "Not reviewed yet".
    Reads the counts kept on the tool (comparisons/counters.py)."""
    if not tool.scorecard_count:
        return format_html('<span class="not-reviewed">{}</span>', numbers.NOT_REVIEWED)
    return format_html(
        '{} <span class="fraction">{}</span>',
        as_percent(tool.panel_ship_percent),
        numbers.panel_fraction(tool.ship_count, tool.scorecard_count),
    )


@register.filter
def panel_text(tool) -> str:
    """The same for plain text: "75% (3 of 4 ship)"."""
    return numbers.panel_text(tool.ship_count, tool.scorecard_count)


@register.filter
def community(standing) -> str:
    """A tool's Community % once its comparison has enough votes, else its count ("1 vote")."""
    return numbers.community_text(standing.votes, standing.total)


@register.simple_tag
def community_min_votes() -> int:
    return numbers.COMMUNITY_MIN_VOTES


@register.filter
def verdict_lead(source: str) -> str:
    """The editor's verdict in a sentence or two (markdown; comparisons/answer.py)."""
    return answer.verdict_lead(source)


@register.filter
def verdict_is_longer(source: str) -> bool:
    return answer.verdict_is_longer(source)


@register.filter
def panel_summary(tools) -> str:
    """The panel's answer in one sentence (comparisons/answer.py)."""
    return answer.panel_summary(list(tools))


@register.filter
def machine_datetime(value: datetime.datetime | None) -> str:
    """A moment for ``<time datetime>``: ISO 8601 to the second, in the current time zone.

    Django's ``date:"c"`` keeps microseconds, and HTML allows at most three digits of a second.
    """
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def page_href(context, page, number: int, anchor: str = "") -> str:
    """The link to page ``number`` of ``page``'s list, keeping the other lists' pages as they are.

    The first page is the address without its parameter: the canonical one, which the page cache
    serves.
    """
    request = context["request"]
    query = request.GET.copy()
    if number == 1:
        query.pop(page.param, None)
    else:
        query[page.param] = str(number)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}{anchor}" if encoded else f"{request.path}{anchor}"


@register.simple_tag(takes_context=True)
def filter_href(context, param: str, value: str = "") -> str:
    """The current list with ``param`` set to ``value`` (or dropped when empty), from its first
    page: a filter link, which works without JavaScript and keeps the other filters."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if value:
        query[param] = value
    else:
        query.pop(param, None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@register.inclusion_tag("comparisons/_price_check.html")
def price_check(checked: datetime.date | None) -> dict:
    """ "Prices checked 18 November 2025 (12 months ago)", and past ``STALE_AFTER_DAYS`` a notice
    to check the vendor's page: wherever a page shows the date prices were checked. The view
    ends the page's shared cache life when this wording changes (``freshness.earliest_change``)."""
    return {"check": PriceCheck.of(checked), "stale_after": STALE_AFTER_DAYS}
