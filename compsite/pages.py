"""Site-wide pages that belong to no one app: about, privacy, robots.txt."""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from comparisons import demo_content, vote_marks
from comparisons.voting import READER_COOKIE, READER_COOKIE_AGE
from compsite import http_cache
from compsite.urls_absolute import absolute
from reviews.models import Reviewer

DEMO_REVIEWERS = {row["slug"] for row in demo_content.REVIEWERS}

# When the text of each page last changed in substance: shown on the page and given as its
# sitemap lastmod. Change it with the text.
ABOUT_REVISED = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
PRIVACY_REVISED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


@require_safe
@http_cache.shared(http_cache.DETAIL, keys=["panel", "reviewers"])
def about(request: HttpRequest) -> HttpResponse:
    panel = list(Reviewer.objects.all())
    context = {
        "panel": panel,
        # The seeded reviewers are invented personas; say so wherever they still sit on the panel.
        "demo_panel": any(reviewer.slug in DEMO_REVIEWERS for reviewer in panel),
        "revised": ABOUT_REVISED,
    }
    return render(request, "site/about.html", context)


@require_safe
@http_cache.shared(http_cache.DETAIL)
def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "reader_cookie": READER_COOKIE,
        "voted_cookie": vote_marks.COOKIE,
        "reader_cookie_days": READER_COOKIE_AGE // (60 * 60 * 24),
        "vote_rate": settings.VOTE_RATE,
        "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "revised": PRIVACY_REVISED,
    }
    return render(request, "site/privacy.html", context)


@require_safe
@http_cache.shared(http_cache.DETAIL)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {absolute(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
