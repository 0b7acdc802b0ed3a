from django import template
from django.utils.safestring import SafeString

from comparisons.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    return render_markdown(source)


@register.filter
def as_percent(value: int | None) -> str:
    """A whole percent, or an em dash while there is nothing to count."""
    return "—" if value is None else f"{value}%"


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
