"""Submit admin forms as a browser would: every field the page holds, with a few changed."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.html import attr


def form_fields(html: bytes | str, form_id: str) -> dict[str, str | list[str]]:
    """The values a browser would post for ``<form id=form_id>`` (without pressing a button)."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form #{form_id} on the page"
    data: dict[str, str | list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = attr(field, "name", "")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "input":
            kind = attr(field, "type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data[name] = attr(field, "value", "on")
                continue
            data[name] = attr(field, "value", "")
        elif field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        else:
            chosen = [
                attr(option, "value", option.text)
                for option in field.find_all("option")
                if option.has_attr("selected")
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
            else:
                first = field.find("option")
                data[name] = attr(first, "value", first.text) if first else ""
    return data


def action(name: str, *objects, **extra) -> dict:
    """The POST of a changelist action on ``objects``."""
    return {
        "action": name,
        "_selected_action": [str(obj.pk) for obj in objects],
        "index": "0",
        **extra,
    }
