"""Newsletter pages: sign-up and archive, an edition's web version, and the three signed links.

Confirm, unsubscribe and interests links arrive by email, where scanners fetch them: a GET only
ever shows a page with a button, and the button's POST acts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comparisons import cache_keys
from comparisons.models import Category
from compsite import http_cache
from compsite.htmx import HtmxHttpRequest
from compsite.origin import same_origin_only
from compsite.ratelimits import rate_limited
from newsletter import services
from newsletter.forms import InterestsForm, SignupForm
from newsletter.models import (
    INTERESTS_SALT,
    UNSUBSCRIBE_SALT,
    BadToken,
    Edition,
    Subscriber,
)
from newsletter.signals import EDITIONS

SIGNUP_PARTIAL = "newsletter/_signup.html#signup"


@require_safe
@http_cache.shared(http_cache.LISTING, keys=[EDITIONS, cache_keys.CATEGORIES])
def index(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.public().with_contents().order_by("-number")
    return render(
        request,
        "newsletter/index.html",
        {"editions": editions, "signup_categories": Category.objects.all()},
    )


@require_safe
@http_cache.shared(http_cache.DETAIL)
def edition_detail(request: HttpRequest, number: int) -> HttpResponse:
    edition = Edition.objects.public().with_contents().filter(number=number).first()
    if edition is None:
        raise Http404("No edition has that number.")
    response = render(request, "newsletter/edition.html", {"edition": edition})
    return http_cache.tag(response, edition, edition.ordered_comparisons)


@require_POST
@same_origin_only
def subscribe(request: HtmxHttpRequest) -> HttpResponse:
    """The sign-up block's form. With htmx it answers with the block; without, it redirects."""
    if rate_limited(request, group="newsletter-signup", rate=settings.SIGNUP_RATE):
        return _signup_answer(request, SignupForm(), state="limited", status=429)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_answer(request, form, state="invalid", status=200)
    if not form.is_bot:
        services.subscriber_sign_up(
            email=form.cleaned_data["email"], interests=form.cleaned_data["interests"]
        )
    # The same answer whatever the address's state (and to a bot that filled the trap).
    if request.htmx:
        return _signup_answer(request, SignupForm(), state="sent", status=200)
    return HttpResponseRedirect(f"{form.next_path}?newsletter=sent#newsletter", status=303)


def _signup_answer(request: HtmxHttpRequest, form: SignupForm, *, state: str, status: int):
    full = request.POST.get("full") == "1"
    context = {
        "signup_form": form,
        "signup_state": state,
        "signup_next": SignupForm(request.POST).next_path,
        "signup_full": full,
        "signup_categories": Category.objects.all() if full else (),
    }
    template = SIGNUP_PARTIAL if request.htmx else "newsletter/signup.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber_id, email = Subscriber.id_from_confirm_token(token)
    except BadToken:
        return _bad_link(request, "confirm")
    if request.method != "POST":
        # Opened again once confirmed, the link says so rather than offer the button again.
        confirmed = Subscriber.objects.confirmed().filter(pk=subscriber_id, email=email).first()
        if confirmed is not None:
            return render(
                request,
                "newsletter/confirmed.html",
                {"subscriber": confirmed, "email": email, "already": True},
            )
        return render(request, "newsletter/confirm.html", {"email": email, "token": token})
    subscriber, newly = services.subscriber_confirm(subscriber_id=subscriber_id, email=email)
    return render(
        request,
        "newsletter/confirmed.html",
        {"subscriber": subscriber, "email": email, "already": not newly},
    )


# Mail clients' one-click unsubscribe (RFC 8058) POSTs here with no cookie and no CSRF token. The
# signed token in the address is what authorises it, so CSRF protection adds nothing.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber_id = Subscriber.id_from_token(token, salt=UNSUBSCRIBE_SALT)
    except BadToken:
        return _bad_link(request, "unsubscribe")
    if request.method != "POST":
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        return render(
            request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
        )
    services.subscriber_unsubscribe(subscriber_id=subscriber_id)
    # 200, not a redirect: RFC 8058 senders expect the answer to the POST itself.
    return render(request, "newsletter/unsubscribed.html")


@require_http_methods(["GET", "HEAD", "POST"])
def interests(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber_id = Subscriber.id_from_token(token, salt=INTERESTS_SALT)
    except BadToken:
        return _bad_link(request, "interests")
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return _bad_link(request, "interests")
    form = InterestsForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.subscriber_set_interests(
            subscriber=subscriber, categories=form.cleaned_data["interests"]
        )
        return HttpResponseRedirect(f"{subscriber.interests_url()}?saved=1", status=303)
    chosen = {category.pk for category in subscriber.interests.all()}
    return render(
        request,
        "newsletter/interests.html",
        {
            "subscriber": subscriber,
            "form": form,
            "categories": Category.objects.all(),
            "chosen": chosen,
            "saved": not form.is_bound and request.GET.get("saved") == "1",
        },
    )


def _bad_link(request: HttpRequest, purpose: str) -> HttpResponse:
    return render(request, "newsletter/bad_link.html", {"purpose": purpose}, status=400)
