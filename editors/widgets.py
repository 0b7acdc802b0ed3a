"""A markdown textarea with its rendered preview beside it."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse

from compsite.markdown import render_markdown


class MarkdownTextarea(forms.Textarea):
    """Shows the field's markdown rendered as readers will see it (sanitised, as on the site).

    Without JavaScript the preview is of the text as last saved (or submitted); with htmx it
    follows the editor's typing, rendered by the server so it is exactly the site's output.
    """

    template_name = "editors/widgets/markdown_textarea.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 8, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        preview_id = f"{widget_attrs.get('id', name)}-preview"
        widget_attrs.update(
            {
                "data-hx-post": reverse("editors:markdown_preview"),
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": f"#{preview_id}",
                "data-hx-swap": "innerHTML",
                # Only the token and this field travel, not the whole form.
                "data-hx-params": f"csrfmiddlewaretoken,field,{name}",
                "data-hx-vals": json.dumps({"field": name}),
            }
        )
        context["preview_id"] = preview_id
        context["preview"] = render_markdown(self.format_value(value) or "")
        return context
