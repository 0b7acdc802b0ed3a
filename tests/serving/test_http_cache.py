"""The headers that let any shared cache hold the site's pages (compsite/http_cache.py) and the
same-origin forms (compsite/origin.py), over the demo content loaded once for the module.
tests/serving/test_purging.py has the purges; tests/serving/test_varnish.py runs the same rules
through the shipped Varnish."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comparisons.models import Comparison, Tool
from compsite.http_cache import SURROGATE_KEY_LIMIT
from newsletter.models import Subscriber
from tests.conftest import BROWSER_HEADERS

COMPARISON = "/compare/smolvlm2-vs-smolvlm2-2b/"
PUBLIC_PAGES = {
    # address: s-maxage
    "/": 3600,
    COMPARISON: 86400,
    "/compare/smolvlm2-2b-vs-smolvlm2/": 86400,  # the other order: a permanent redirect
    "/compare/moondream-2-vs-qwen2-5-vl-7b/": 86400,  # generated
    "/compare/claude-vs-cursor-vs-ollama/": 86400,  # three tools, generated, across categories
    "/compare/ollama-vs-claude-vs-cursor/": 86400,  # their other order: a permanent redirect
    "/compare/claude-vs-cursor-vs-lm-studio-vs-ollama/": 86400,  # four
    "/compare/claude-vs-cursor-vs-ollama.json": 86400,
    "/compare/?a=claude&b=cursor&c=smol": 3600,  # the picker asking which third tool
    f"{COMPARISON[:-1]}.json": 86400,
    f"{COMPARISON}share.png": 86400,
    "/compare/": 3600,
    "/compare/suggest/?q=sm": 3600,
    "/tools/": 3600,
    "/tools/?category=vision-language-models&licence=open&price=free&sort=panel": 3600,
    "/comparisons/": 3600,
    "/comparisons/?category=vision-language-models": 3600,
    "/panel-vs-crowd/": 3600,
    "/tools/smolvlm2/": 86400,
    "/categories/": 3600,
    "/categories/vision-language-models/": 86400,
    "/reviewers/": 3600,
    "/reviewers/tomas-arendt/": 86400,
    "/search/?q=vision": 3600,
    "/about/": 86400,
    "/privacy/": 86400,
    "/robots.txt": 86400,
    "/sitemap.xml": 3600,
    "/sitemap-tools.xml": 3600,
    "/feeds/comparisons/": 3600,
    "/feeds/categories/vision-language-models/": 3600,
    "/newsletter/": 3600,
    "/?newsletter=sent": 3600,  # where a sign-up without JavaScript lands: the same for all
}


def stranger() -> Client:
    return Client(headers={"x-forwarded-proto": "https"})


@pytest.fixture
def between_price_anniversaries(demo_once):
    """A day early in the month, a few days ahead: the demo's prices were checked on the 18th
    to the 21st, and near those days a page's cache life ends when its "checked N months ago"
    changes (tests/comparisons/test_price_age.py), not a full day on."""
    now = timezone.now()
    ahead = next(
        now + datetime.timedelta(days=days)
        for days in range(32)
        if 1 <= (now + datetime.timedelta(days=days)).day <= 10
    )
    with time_machine.travel(ahead, tick=False):
        yield


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_anonymous_page_is_public_and_the_same_for_everyone(
    between_price_anniversaries, path
):
    answer = stranger().get(path)
    assert answer.status_code in (200, 301), path
    assert not answer.cookies, path
    assert "cookie" not in answer.headers.get("Vary", "").lower(), path
    assert answer.headers["Cache-Control"] == f"public, max-age=0, s-maxage={PUBLIC_PAGES[path]}"
    assert re.fullmatch(r"max-age=\d+, stale-while-revalidate=\d+", answer["CDN-Cache-Control"])
    keys = answer.headers["Surrogate-Key"]
    assert "all" in keys.split() and len(keys) <= SURROGATE_KEY_LIMIT
    if answer.status_code == 200 and not answer.streaming:
        # No per-visitor bytes: no token, no nonce, so no placeholders to fill either.
        assert b"csrfmiddlewaretoken" not in answer.content
        assert "nonce" not in answer.headers.get("Content-Security-Policy", "")
        assert b"nonce=" not in answer.content
        # A browser revalidating gets a 304 for its ETag.
        etag = answer.headers["ETag"]
        again = stranger().get(path, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.headers["Cache-Control"].startswith("public")


def test_a_voter_and_a_stranger_get_byte_identical_pages(demo_once):
    voter = Client(headers=BROWSER_HEADERS)
    voted = voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2"})
    assert voted.status_code == 303 and {"reader", "voted"} <= set(voter.cookies)
    for path in ("/", COMPARISON, "/tools/smolvlm2/"):
        mine, theirs = voter.get(path), stranger().get(path)
        assert mine.content == theirs.content, path
        assert mine.headers["Cache-Control"] == theirs.headers["Cache-Control"]
        assert mine.headers["ETag"] == theirs.headers["ETag"]


def test_the_voted_cookie_lists_the_readers_choices_newest_first(demo_once):
    voter = Client(headers=BROWSER_HEADERS)
    first = Comparison.objects.get(slug="smolvlm2-vs-smolvlm2-2b")
    voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2"})
    voter.post("/compare/chatgpt-vs-claude/vote/", {"tool": "claude"})
    voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2-2b"})  # a change moves it to the front
    second = Comparison.objects.get(slug="chatgpt-vs-claude")
    cookie = voter.cookies["voted"]
    smol2b, claude = Tool.objects.get(slug="smolvlm2-2b"), Tool.objects.get(slug="claude")
    assert cookie.value == f"{first.pk}-{smol2b.pk}.{second.pk}-{claude.pk}"
    assert not cookie["httponly"]  # the page's script reads it
    assert cookie["samesite"] == "Lax" and cookie["secure"]


@pytest.mark.parametrize(
    "value", ["", "garbage", "1-2-3", "%F0%9F%99%82", "9" * 3000, "1-x.2-3", "1-2." * 500]
)
def test_a_malformed_voted_cookie_is_ignored(demo_once, value):
    voter = Client(headers=BROWSER_HEADERS)
    voter.cookies["voted"] = value
    assert voter.get(COMPARISON).status_code == 200
    assert voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2"}).status_code == 303
    assert re.fullmatch(r"\d+-\d+(\.\d+-\d+)?", voter.cookies["voted"].value)


def test_a_404_is_kept_briefly_under_the_key_every_change_purges(demo_once):
    answer = stranger().get("/tools/not-a-tool/")
    assert answer.status_code == 404
    assert answer.headers["Cache-Control"] == "public, max-age=0, s-maxage=600"
    assert set(answer.headers["Surrogate-Key"].split()) == {"all", "missing"}


@pytest.mark.parametrize("path", ["/", COMPARISON, "/tools/smolvlm2/", "/admin/"])
def test_staff_sessions_are_private(demo_once, staff_client, path):
    answer = staff_client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store" or (
        "private" in answer.headers["Cache-Control"] and "no-store" in answer["Cache-Control"]
    )
    assert "Surrogate-Key" not in answer.headers


@pytest.mark.parametrize("link", ["confirm_url", "unsubscribe_url", "interests_url"])
def test_forms_from_emailed_links_are_private(demo_once, link):
    subscriber = Subscriber.objects.create(email="reader@example.com")
    answer = stranger().get(getattr(subscriber, link)())
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    if link != "unsubscribe_url":  # RFC 8058's one-click POST needs no token
        assert b"csrfmiddlewaretoken" in answer.content and "csrftoken" in answer.cookies


def test_answers_to_posts_and_bad_requests_are_private(demo_once):
    voter = Client(headers=BROWSER_HEADERS)
    for answer in (
        voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2"}),
        voter.post(f"{COMPARISON}vote/", {"tool": "nope"}),
        voter.post(f"{COMPARISON}vote/", {"tool": "smolvlm2"}, headers={"hx-request": "true"}),
        stranger().get("/search/?q=a%00b"),
        stranger().get(f"{COMPARISON}?voted=1"),
    ):
        assert answer.headers["Cache-Control"] == "private, no-store", answer
        assert "Surrogate-Key" not in answer.headers


def test_search_fragments_at_the_pages_address_vary_on_htmx(demo_once):
    page = stranger().get("/search/?q=vision")
    fragment = stranger().get("/search/?q=vision", headers={"hx-request": "true"})
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert fragment.content != page.content and b"<html" not in fragment.content


def test_the_admin_keeps_its_nonce(demo_once, staff_client):
    answer = staff_client.get("/admin/")
    nonce = re.search(r"'nonce-([^']+)'", answer.headers["Content-Security-Policy"])[1]
    assert f'nonce="{nonce}"'.encode() in answer.content


# --- The sign-up, a same-origin form like the vote (tests/comparisons/test_votes.py) --------


@pytest.mark.parametrize(
    "headers",
    [{}, {"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}],
)
def test_a_sign_up_from_anywhere_but_the_sites_pages_is_refused(demo_once, headers):
    browser = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https", **headers})
    answer = browser.post("/newsletter/subscribe/", {"email": "reader@example.com"})
    assert answer.status_code == 403
    assert not Subscriber.objects.exists()


def test_a_sign_up_from_the_sites_page_needs_no_token(demo_once):
    browser = Client(enforce_csrf_checks=True, headers=BROWSER_HEADERS)
    answer = browser.post("/newsletter/subscribe/", {"email": "reader@example.com", "next": "/"})
    assert (
        answer.status_code == 303 and answer.headers["Location"] == "/?newsletter=sent#newsletter"
    )
