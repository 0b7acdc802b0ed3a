"""The edition page's workflow: preview, test, send, hold, progress and retry.

Each view takes the ``EditionAdmin`` after the request (``EditionAdmin.get_urls`` wires them through the admin
site, so only staff reach them), checks the model permission it needs and calls a service. The model's,
not the edition's: an edition that went out can no longer be edited, but it can still be tested to
oneself, held while sending and retried.
"""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST, require_safe

from newsletter import services
from newsletter.models import Delivery, Edition

FAILED_SHOWN = 20

# The email's HTML, framed by the preview page and by nothing else. It gets its own policy: its
# CSS is inlined into style attributes (as mail clients need), it runs no script (sandboxed,
# opaque origin) and its links open outside the frame.
EMAIL_PREVIEW_CSP: dict[str, str | list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-ancestors": [CSP.SELF],
    "sandbox": "allow-popups allow-popups-to-escape-sandbox",
}


def _edition(model_admin, request: HttpRequest, edition_id: int, *, change: bool) -> Edition:
    edition = model_admin.get_object(request, str(edition_id))
    if edition is None:
        raise Http404("No such edition.")
    allowed = (
        model_admin.has_change_permission(request)
        if change
        else model_admin.has_view_permission(request, edition)
    )
    if not allowed:
        raise PermissionDenied
    return edition


def _back(edition: Edition) -> HttpResponse:
    return redirect("admin:newsletter_edition_change", edition.pk)


def _urls(edition: Edition) -> dict[str, str]:
    return {
        f"{name}_url": reverse(f"admin:newsletter_edition_{name}", args=[edition.pk])
        for name in (
            "preview",
            "preview_html",
            "progress",
            "send_test",
            "send",
            "hold",
            "release",
            "retry",
        )
    }


def progress_context(request: HttpRequest, edition: Edition, progress=None) -> dict:
    failed = (
        edition.deliveries.filter(status=Delivery.Status.FAILED)
        .select_related("subscriber")
        .order_by("pk")
    )
    shown = list(failed[:FAILED_SHOWN])
    progress = progress or edition.progress()
    return {
        "edition": edition,
        "progress": progress,
        # Sent now from the admin, the worker has yet to record who it goes to.
        "recording": edition.has_gone_out and edition.deliveries_recorded_at is None,
        # While it is sending the fragment asks for itself again every few seconds.
        "polling": edition.status == Edition.Status.SENDING,
        "failed_deliveries": shown,
        "failed_more": max(progress.failed - len(shown), 0),
        "failed_list_url": reverse("admin:newsletter_delivery_changelist")
        + f"?edition__id__exact={edition.pk}&status__exact={Delivery.Status.FAILED}",
        "can_retry": request.user.has_perm("newsletter.change_delivery"),
        **_urls(edition),
    }


def panel_context(model_admin, request: HttpRequest, edition: Edition) -> dict:
    """What the change page shows above the form: status, problems, buttons, progress."""
    full = Edition.objects.with_contents().get(pk=edition.pk)
    show_progress = edition.status != Edition.Status.DRAFT or edition.number is not None
    progress = edition.progress() if show_progress else None
    return {
        "workflow": True,
        "can_change": model_admin.has_change_permission(request),
        "problems": services.edition_problems(edition=full),
        "audience": services.edition_audience(edition=full, progress=progress),
        # When beat sends this one by itself: a run inside its own week, or never.
        "send_time": services.edition_send_time(edition=edition),
        "show_progress": show_progress,
        **(progress_context(request, edition, progress) if show_progress else _urls(edition)),
    }


@require_POST
def prepare_next(request: HttpRequest, model_admin) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    edition, created = services.edition_prepare_next()  # never one that has gone out
    if created:
        model_admin.log_addition(request, edition, "Prepared, prefilled with new comparisons.")
        model_admin.message_user(
            request,
            f"Prepared the edition for the week of {edition.week:%-d %B %Y}, prefilled with "
            f"{edition.items.count()} comparisons.",
        )
    return _back(edition)


@require_safe
def preview(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=False)
    to = getattr(request.user, "email", "") or "editor@example.com"
    message = services.edition_sample_email(edition_id=edition.pk, to=to)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": edition,
        "title": f"Preview of {edition}",
        "message": message,
        "text_body": message.body,
        "can_change": model_admin.has_change_permission(request),
        **_urls(edition),
    }
    return TemplateResponse(request, "admin/newsletter/edition/preview.html", context)


@require_safe
@xframe_options_sameorigin
@csp_override(EMAIL_PREVIEW_CSP)
def preview_html(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=False)
    to = getattr(request.user, "email", "") or "editor@example.com"
    message = services.edition_sample_email(edition_id=edition.pk, to=to)
    html = message.alternatives[0].content
    # Links open in a new tab: the site's pages refuse to be framed.
    html = html.replace("<head>", '<head><base target="_blank">', 1)
    return HttpResponse(html)


@require_safe
def progress(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=False)
    context = progress_context(request, edition)
    return TemplateResponse(request, "admin/newsletter/edition/_progress.html", context)


def send_test_of(model_admin, request: HttpRequest, edition: Edition) -> None:
    to = getattr(request.user, "email", "")
    if not to:
        model_admin.message_user(
            request, "Your account has no email address to send a test to.", messages.ERROR
        )
        return
    try:
        subject = services.edition_send_test(edition_id=edition.pk, to=to)
    except (smtplib.SMTPException, OSError) as error:
        model_admin.message_user(
            request, f"The test could not be sent: {error}. Try again shortly.", messages.ERROR
        )
        return
    model_admin.log_change(request, edition, f"Sent a test to {to}.")
    model_admin.message_user(request, f"Sent “{subject}” to {to} (you only).")


@require_POST
def send_test(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=True)
    send_test_of(model_admin, request, edition)
    return _back(edition)


def send(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    """GET: what is about to happen, and a button. POST: start the send."""
    edition = _edition(model_admin, request, edition_id, change=True)
    if request.method == "POST":
        plan = services.edition_send_now(edition_id=edition.pk)
        if not plan.started:
            model_admin.message_user(request, f"Not sent: {plan.reason}", messages.ERROR)
            return _back(edition)
        if not plan.queued:
            model_admin.message_user(
                request,
                "Not sent: the worker could not be reached. It is still a draft: try again "
                "shortly (it also goes out on schedule).",
                messages.ERROR,
            )
            return _back(edition)
        audience = plan.audience
        assert audience is not None  # set before the start is queued
        model_admin.log_change(request, edition, f"Started the send: {audience} recipients.")
        model_admin.message_user(
            request,
            f"Edition #{plan.edition.number} is on its way to {audience} "
            f"subscriber{'s' * (audience.value != 1)}. The worker records its deliveries and "
            "sends them; the progress below updates itself. "
            + services.edition_next_send_words(services.edition_next_send()),
        )
        return _back(edition)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    full = Edition.objects.with_contents().get(pk=edition.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": edition,
        "title": f"Send {edition} now?",
        "comparisons": full.ordered_comparisons,
        "problems": services.edition_problems(edition=full),
        "audience": services.edition_audience(edition=full),
        "subject": full.display_subject,
        **_urls(edition),
    }
    return TemplateResponse(request, "admin/newsletter/edition/send_confirm.html", context)


@require_POST
def hold(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=True)
    if services.edition_hold(edition_id=edition.pk):
        model_admin.log_change(request, edition, "Held.")
        model_admin.message_user(request, "Held: nothing more of it goes out until released.")
    else:
        model_admin.message_user(
            request, "Only a draft or a send in progress can be held.", messages.WARNING
        )
    return _back(edition)


@require_POST
def release(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=True)
    if services.edition_release(edition_id=edition.pk):
        model_admin.log_change(request, edition, "Released: back to draft.")
        model_admin.message_user(request, "Released: back to draft; it goes out on schedule.")
    else:
        model_admin.message_user(request, "It was not held.", messages.WARNING)
    return _back(edition)


@require_POST
def retry(request: HttpRequest, model_admin, edition_id: int) -> HttpResponse:
    edition = _edition(model_admin, request, edition_id, change=False)
    if not request.user.has_perm("newsletter.change_delivery"):
        raise PermissionDenied
    queued = services.edition_retry_failed(edition_id=edition.pk)
    if queued:
        model_admin.log_change(request, edition, f"Sent {queued} failed deliveries again.")
        model_admin.message_user(
            request,
            f"Sending {queued:,} failed deliver{'ies' if queued != 1 else 'y'} again.",
        )
    else:
        model_admin.message_user(request, "Nothing to retry.", messages.WARNING)
    return _back(edition)
