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
