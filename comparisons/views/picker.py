"""The picker: the combobox's suggestions and the page that resolves typed names.

The picker never lists the catalogue. With JavaScript each box asks ``/compare/suggest/?q=`` for
at most ten tools as the reader types; without it the form sends the names as typed to
``/compare/``, which goes to the comparison when it is sure of every one and asks "did you mean"
otherwise. Two boxes are needed (``a``, ``b``); a third and a fourth (``c``, ``d``) are optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.models import Tool
from comparisons.pairs import NamedTool, canonical_address, tool_named
from comparisons.search import tool_suggestions
from compsite import http_cache

SUGGESTIONS = 10


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.TOOLS])
def suggest(request: HttpRequest) -> HttpResponse:
    """The combobox's options for ``?q=``: at most ten ``<li role="option">``.

    The answer depends on the query alone (no cookie, no token, nothing per visitor or per box),
    so a shared cache may keep it; the script gives the options their ids.
    """
    tools = tool_suggestions(request.GET.get("q", ""), limit=SUGGESTIONS)
    response = HttpResponse(render_to_string("comparisons/_suggestions.html", {"tools": tools}))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@dataclass
class Field:
    """One box of the form as the pick page shows it again: sure, to choose among, or to retype."""

    name: str
    label: str
    named: NamedTool
    problem: str = ""
    optional: bool = False

    @property
    def tool(self) -> Tool | None:
        return self.named.tool

    @property
    def candidates(self) -> list[Tool]:
        return self.named.candidates


# Two boxes to fill, and two more a reader may add: a comparison holds two to four tools.
LABELS = {"a": "First tool", "b": "Second tool", "c": "Third tool", "d": "Fourth tool"}
REQUIRED = ("a", "b")


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[cache_keys.TOOLS])
def pick(request: HttpRequest) -> HttpResponse:
    """Resolve the typed names (or slugs, as the combobox sends them) and go to the comparison."""
    typed = {name: request.GET.get(name, "") for name in LABELS}
    if not any(text.strip() for text in typed.values()):
        return render(request, "comparisons/pick.html", {})
    fields = [
        Field(name, label, tool_named(typed[name]), optional=name not in REQUIRED)
        for name, label in LABELS.items()
    ]
    # An optional box left empty is simply not part of the comparison.
    fields = [field for field in fields if not field.optional or field.named.typed]
    _refuse_repeats(fields)
    if all(field.tool and not field.problem for field in fields):
        address = canonical_address([field.tool for field in fields if field.tool])
        return redirect(reverse("comparisons:detail", args=[address]))
    for field in fields:
        if field.problem or field.tool or field.candidates:
            continue
        if field.named.typed:
            field.problem = f"No tool matches “{field.named.typed}”. Check the spelling."
        else:
            field.problem = f"Type a name for the {field.label.lower()}."
    problems = [field.problem for field in fields if field.problem]
    context = {"fields": fields, "problems": problems}
    response = render(request, "comparisons/pick.html", context, status=400 if problems else 200)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refuse_repeats(fields: list[Field]) -> None:
    """A tool already picked in an earlier box is a problem for the later box, which is asked
    again with what was typed in it."""
    seen: set[int] = set()
    for field in fields:
        if field.tool is None:
            continue
        if field.tool.pk in seen:
            field.problem = (
                f"You picked {field.tool.name} twice: pick a different {field.label.lower()}."
            )
            field.named = NamedTool(field.named.typed)
        else:
            seen.add(field.tool.pk)
