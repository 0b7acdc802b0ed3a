"""Pieces the apps' ModelAdmins share."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models

from editors.widgets import MarkdownTextarea


class MarkdownPreviewMixin:
    """Give the fields named in ``markdown_fields`` a live rendered preview."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class _DateHierarchyChangeList(ChangeList):
    def get_filters(self, request):
        # Django turns a date hierarchy year it cannot read into a bad lookup ("?e=1"), but not
        # one past what datetime holds: 99999999999999 overflows, 9999 runs into the year
        # 10000. Both are bad lookups too, not a 500.
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class DateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``: any year in the address is a list or a "?e=1"."""

    def get_changelist(self, request, **kwargs):
        return _DateHierarchyChangeList


def log_changes(model_admin: admin.ModelAdmin, request, objects, message: str) -> None:
    """Record an action in each object's history, as a form edit would be."""
    for obj in objects:
        model_admin.log_change(request, obj, message)
