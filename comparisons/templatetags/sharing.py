"""Template helpers for the head of every page: absolute URLs, repeated blocks and JSON-LD."""

from django import template
from django.template.base import Node, NodeList
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString

from comparisons.models import Comparison, Tool
from comparisons.sharing.structured_data import comparison_json_ld, json_ld_script, tool_json_ld
from compsite.urls_absolute import absolute as absolute_url

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """``{{ comparison.get_absolute_url|absolute }}``: the path on ``SITE_URL``."""
    return absolute_url(path) if path else ""


class RepeatBlockNode(Node):
    def __init__(self, name: str) -> None:
        # An empty block of the same name: rendering it renders whichever template's block of
        # that name wins (the page's override, or base.html's default), exactly as {% block %}.
        self.block = BlockNode(name, NodeList())

    def render(self, context) -> str:
        return self.block.render(context)


@register.tag
def repeat_block(parser, token) -> RepeatBlockNode:
    """``{% repeat_block "title" %}`` prints a block again, e.g. the page title as og:title.

    A page then writes its title and description once, in ``{% block title %}`` and
    ``{% block description %}``, and the social tags follow.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% repeat_block "block name" %}')
    return RepeatBlockNode(bits[1][1:-1])


@register.simple_tag
def comparison_structured_data(comparison: Comparison) -> SafeString:
    return json_ld_script(comparison_json_ld(comparison))


@register.simple_tag
def tool_structured_data(tool: Tool) -> SafeString:
    """For the tool page: needs the tool loaded as ``tool_json_ld`` says."""
    return json_ld_script(tool_json_ld(tool))
