"""Editor markdown to safe HTML: markdown-it-py renders, nh3 sanitises.

Raw HTML in the source is escaped by the renderer and, as a second line, anything that is not on
nh3's allow-list (scripts, event handlers, javascript: links, styles) is removed from the output.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable("table")

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip


def render_markdown_uncached(source: str) -> SafeString:
    """Render ``source`` afresh: for text seen once (an editor's draft in the preview), which
    would only push the site's own text out of ``render_markdown``'s cache."""
    html = _renderer.render(source or "")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)


# The site renders the same few thousand texts (verdicts, intros) on every page that shows them.
render_markdown = lru_cache(maxsize=2048)(render_markdown_uncached)
