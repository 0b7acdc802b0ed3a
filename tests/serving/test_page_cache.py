"""Shared page cache: one render serves everyone, but each visitor keeps their own token,
nonce and vote mark; edits and votes show at once; a dead cache only costs speed."""

import logging
import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.test import Client

from comparisons.models import Tool
from compsite import pagecache
from tests.factories import ToolFactory, make_comparison
from tests.services import private_redis

pytestmark = pytest.mark.django_db(transaction=True)


def visitor() -> Client:
    return Client(headers={"x-forwarded-proto": "https"})


@pytest.fixture
def comparison():
    return make_comparison(
        ToolFactory(name="Alpha", slug="alpha"), ToolFactory(name="Bravo", slug="bravo")
    )


def personal_values(response) -> tuple[str, str, str]:
    html = response.content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    mine = BeautifulSoup(html, "html.parser").select_one("#vote .is-mine button")
    return csrf, nonce, mine.get_text(strip=True) if mine else ""


def test_a_second_visitor_is_served_from_the_cache_with_their_own_values(
    comparison, django_assert_max_num_queries
):
    first, second = visitor(), visitor()
    second.post(f"/compare/{comparison.slug}/vote/", {"tool": "bravo"})
    first_page = first.get(comparison.get_absolute_url())  # renders and fills the cache

    with django_assert_max_num_queries(1):  # only the second reader's own vote
        second_page = second.get(comparison.get_absolute_url())

    csrf_1, nonce_1, mine_1 = personal_values(first_page)
    csrf_2, nonce_2, mine_2 = personal_values(second_page)
    assert csrf_1 != csrf_2 and nonce_1 != nonce_2
    assert second_page.cookies["csrftoken"].value  # their token is backed by their own cookie
    assert f'nonce="{nonce_2}"'.encode() in second_page.content
    assert (mine_1, mine_2) == ("", "✓ Your vote: Bravo")
    assert b"aitv-csrf-placeholder" not in second_page.content
    assert b"aitv-nonce-placeholder" not in second_page.content


def test_the_cached_page_is_a_valid_form_for_its_visitor(comparison, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://testserver"]
    warm = visitor()
    warm.get(comparison.get_absolute_url())
    strict = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    page = strict.get(comparison.get_absolute_url())
    csrf, _, _ = personal_values(page)
    response = strict.post(
        f"/compare/{comparison.slug}/vote/",
        {"tool": "alpha", "csrfmiddlewaretoken": csrf},
        headers={"referer": f"https://testserver{comparison.get_absolute_url()}"},
    )
    assert response.status_code == 303


def test_a_vote_shows_on_every_later_load_by_anyone(comparison, django_assert_max_num_queries):
    watcher = visitor()
    watcher.get(comparison.get_absolute_url())
    with django_assert_max_num_queries(0):
        watcher.get(comparison.get_absolute_url())
    visitor().post(f"/compare/{comparison.slug}/vote/", {"tool": "alpha"})
    page = watcher.get(comparison.get_absolute_url())
    assert (
        "1 vote" in BeautifulSoup(page.content, "html.parser").select_one(".vote-total").get_text()
    )
    home = watcher.get("/")
    assert (
        "1 vote"
        in BeautifulSoup(home.content, "html.parser").select_one(".comparison-card").get_text()
    )


def test_an_edit_shows_at_once(comparison):
    watcher = visitor()
    watcher.get(comparison.get_absolute_url())
    watcher.get("/tools/alpha/")
    tool = Tool.objects.get(slug="alpha")
    tool.tagline = "Freshly edited tagline"
    tool.save()
    assert b"Freshly edited tagline" in watcher.get(comparison.get_absolute_url()).content
    assert b"Freshly edited tagline" in watcher.get("/tools/alpha/").content


def test_staff_with_a_session_bypass_the_shared_cache(comparison, staff_client):
    visitor().get(comparison.get_absolute_url())
    staff_client.get(comparison.get_absolute_url())  # a real render, not the shared page
    assert staff_client.get(comparison.get_absolute_url()).status_code == 200


def test_a_dead_cache_falls_back_to_rendering(comparison, settings, caplog):
    with private_redis() as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        reader = visitor()
        assert reader.get(comparison.get_absolute_url()).status_code == 200
        redis.stop()
        with caplog.at_level(logging.WARNING, logger="compsite.pagecache"):
            page = reader.get(comparison.get_absolute_url())
            vote = reader.post(f"/compare/{comparison.slug}/vote/", {"tool": "alpha"})
            home = reader.get("/")
    assert page.status_code == 200 and b"Alpha vs Bravo" in page.content
    assert vote.status_code == 303 and home.status_code == 200
    assert "page cache unavailable" in caplog.text


def test_a_process_serves_its_own_copy_while_the_versions_match(comparison, monkeypatch):
    reader = visitor()
    reader.get(comparison.get_absolute_url())  # renders: the shared copy and this process's
    asked_for = []
    backend = caches["default"]
    for method in ("get", "get_many"):
        real = getattr(backend, method)
        monkeypatch.setattr(
            backend, method, lambda keys, *a, real=real, **k: asked_for.append(keys) or real(keys)
        )
    page = reader.get(comparison.get_absolute_url())
    assert page.status_code == 200 and b"Alpha vs Bravo" in page.content
    assert asked_for and all("page:" not in str(keys) for keys in asked_for)  # versions only


def test_a_restarted_redis_never_matches_an_old_copy(comparison, settings):
    """A Redis restarted without its data forgets the versions; the process forgets what it knew
    of them (its subscription broke), and fresh random values never match its old copy."""
    with private_redis() as redis:
        settings.CACHES = {
            "default": {"BACKEND": "compsite.cache.RedisCache", "LOCATION": redis.url}
        }
        reader = visitor()
        for _ in range(3):  # rendered, then served from this process's copy and known versions
            assert b"Alpha vs Bravo" in reader.get(comparison.get_absolute_url()).content
        redis.stop()
        redis.start()
        Tool.objects.filter(slug="alpha").update(tagline="Written while Redis was away")  # no bump
        assert b"Written while Redis was away" in reader.get(comparison.get_absolute_url()).content


def test_versions_change_on_every_bump_and_never_repeat():
    seen = set()
    for _ in range(50):
        pagecache.bump("votes:some-comparison")
        (value,) = pagecache.lookup("nothing-here", ["votes:some-comparison"])[0]
        seen.add(value)
    assert len(seen) == 50


# The strings the cache once filled in wherever they appeared. Editor text that holds them is
# text like any other: a link must not carry the reader's token off-site, nor print their nonce.
EDITOR_MARKS = ("aitv-csrf-placeholder-7f3c", "aitv-nonce-placeholder-9b1d")


def test_editor_text_holding_the_cache_placeholders_is_shown_as_written():
    csrf_mark, nonce_mark = EDITOR_MARKS
    link = f"https://evil.example/?t={csrf_mark}&n={nonce_mark}"
    alpha = ToolFactory(name="Alpha", slug="alpha", tagline=f"Tagline {csrf_mark} {nonce_mark}")
    comparison = make_comparison(
        alpha, ToolFactory(name="Bravo", slug="bravo"), intro=f"[x]({link}) and {nonce_mark}"
    )
    reader = visitor()
    for _ in range(2):  # rendered for the cache, then served from it
        page = reader.get(comparison.get_absolute_url())
        intro = BeautifulSoup(page.content, "html.parser").select_one(f'a[href^="{link[:20]}"]')
        assert intro["href"] == link
        assert nonce_mark in intro.parent.get_text()
        csrf, nonce, _ = personal_values(page)  # the page's own slots are this reader's
        assert csrf_mark not in csrf and nonce_mark not in nonce
    for _ in range(2):
        tool_page = reader.get("/tools/alpha/").content.decode()
        assert f"Tagline {csrf_mark} {nonce_mark}" in tool_page
