"""Views around the admin: choosing a password, the lockout page, the markdown preview."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from compsite.markdown import render_markdown_uncached

PREVIEW_MAX_CHARS = 50_000


class AdminLookMixin:
    """Pages outside the admin site's own URLs, in its look (header, title, colour theme)."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class SetPasswordView(AdminLookMixin, auth_views.PasswordResetConfirmView):
    """Where the link from ``create_editor`` leads: the editor chooses a password, once."""

    template_name = "editors/set_password.html"
    success_url = reverse_lazy("editors:set_password_done")
    title = "Choose your password"


class SetPasswordDoneView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    template_name = "editors/set_password_done.html"
    title = "Password set"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse("admin:login")}


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in it refuses (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.SIGN_IN_FAILURES_PER_ADDRESS,
        "whole_address": getattr(request, "axes_address_locked_out", False),
        "minutes": minutes,
    }
    return render(request, "editors/locked_out.html", context, status=429)


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The sanitised HTML of the markdown field named by ``field`` (htmx, as an editor types)."""
    field = request.POST.get("field", "")
    source = request.POST.get(field, "")[:PREVIEW_MAX_CHARS]
    return render(
        request,
        "editors/widgets/markdown_textarea.html#preview",
        {"preview": render_markdown_uncached(source)},
    )
