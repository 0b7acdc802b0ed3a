"""Pieces the apps' ModelAdmins share."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from editors.widgets import MarkdownTextarea


class MarkdownPreviewMixin:
    """Give the fields named in ``markdown_fields`` a live rendered preview."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def log_changes(model_admin: admin.ModelAdmin, request, objects, message: str) -> None:
    """Record an action in each object's history, as a form edit would be."""
    for obj in objects:
        model_admin.log_change(request, obj, message)
