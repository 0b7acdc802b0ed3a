import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

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
