"""Pieces the apps' ModelAdmins share."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from editors.widgets import MarkdownTextarea


class MarkdownPreviewMixin:
    """Give the fields named in ``markdown_fields`` a live rendered preview."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class _ChangeList(ChangeList):
    def get_filters(self, request):
        # Django turns a date hierarchy year it cannot read into a bad lookup ("?e=1"), but not
        # one past what datetime holds: 99999999999999 overflows, 9999 runs into the year
        # 10000. Both are bad lookups too, not a 500.
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class ListInputMixin:
    """Whatever a list's address or its action form holds, the answer is the list again (with
    "?e=1" or a message), never a 500; an add form's address pre-fills only what it can. For
    every ModelAdmin, ours and the ones we register again.
    """

    def get_changelist(self, request, **kwargs):
        return _ChangeList

    def get_changeform_initial_data(self, request):
        # An add form pre-filled from its address (?tool=3) renders the chosen row; a value that
        # names no row ("abc", "1,2") would fail the widget's query, so it is left out instead.
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one or field.one_to_one:
                try:
                    field.target_field.to_python(initial[name])
                except ValidationError:
                    del initial[name]
        return initial

    def response_action(self, request, *args, **kwargs):
        # Django filters on the posted selection as it is: "abc" for a number is a ValueError.
        key = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                key.to_python(value)
        except ValidationError:
            self.message_user(
                request, "That selection names no rows of this list: select again.", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, *args, **kwargs)


class ReturnToMixin:
    """A form opened from another page (``?next=/admin/…``) goes back there once saved with
    *Save*, and says where it goes back to; *Save and continue* and *Save and add another* keep
    Django's ways. Only an address of this site is followed."""

    def _return_to(self, request) -> str | None:
        target = request.GET.get("next", "")
        if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "return_to": self._return_to(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _back(self, request, response):
        target = self._return_to(request)
        if target and not {"_continue", "_addanother", "_saveasnew", "_popup"} & set(request.POST):
            return HttpResponseRedirect(target)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._back(request, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back(request, super().response_change(request, obj))


def log_changes(model_admin: admin.ModelAdmin, request, objects, message: str) -> None:
    """Record an action in each object's history, as a form edit would be."""
    for obj in objects:
        model_admin.log_change(request, obj, message)
