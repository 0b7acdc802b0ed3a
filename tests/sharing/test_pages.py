"""/about/ and /privacy/, linked from every page's footer."""

import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from reviews.models import Reviewer

pytestmark = pytest.mark.django_db


def soup_of(client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(client, path: str) -> str:
    main = soup_of(client, path).main
    assert main is not None, f"no <main> on {path}"
    return " ".join(main.get_text(" ").split())


def test_footer_links_about_privacy_and_the_feed_on_every_page(client, content):
    for path in ["/", content.comparison.get_absolute_url(), "/reviewers/", "/about/"]:
        footer = soup_of(client, path).find("footer")
        hrefs = [a["href"] for a in footer.find_all("a")]
        assert hrefs == ["/panel-vs-crowd/", "/about/", "/privacy/", "/feeds/comparisons/"], path


def test_about_explains_the_panel_the_lenses_and_every_number(client, content):
    text = text_of(client, "/about/")
    for lens in ["The builder", "The skeptic", "The futurist", "The buyer"]:
        assert lens in text
    for number in ["Panel ship %", "Community %", "Entry", "Ship rate", "Trending"]:
        assert number in text
    soup = soup_of(client, "/about/")
    assert soup.find(id="numbers")
    panel_links = {a["href"] for a in soup.main.find_all("a")}
    assert {"/reviewers/ada/", "/reviewers/sam/"} <= panel_links
    # Factory reviewers are not the demo personas: no disclaimer.
    assert "illustrative personas" not in text


def test_about_says_the_demo_panel_is_illustrative(client):
    call_command("seed_demo", verbosity=0)
    assert "illustrative personas, not real people" in text_of(client, "/about/")


def test_the_disclosure_follows_the_reviewers_flag_not_their_names(client):
    # The model says who is invented; a real reviewer who happens to share a demo slug is not.
    call_command("seed_demo", verbosity=0)
    Reviewer.objects.update(is_persona=False)
    assert "illustrative personas" not in text_of(client, "/about/")
    Reviewer.objects.filter(slug="ines-okafor").update(is_persona=True)
    assert "illustrative personas" in text_of(client, "/about/")


@pytest.mark.django_db(False)
def test_web_processes_do_not_load_the_demo_content():
    # The demo catalogue is for seed_demo only: a web process, with every view imported through
    # the URLconf and its middleware built, never imports it.
    script = (
        "import sys; from compsite.wsgi import application;"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "application.load_middleware();"
        "print(sorted(m for m in sys.modules if m.startswith('comparisons.demo')))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "compsite.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_privacy_says_what_is_stored_and_how_to_leave(client, settings):
    settings.DEFAULT_FROM_EMAIL = "Weekly AI Tool Verdicts <verdicts@verdicts.example>"
    text = text_of(client, "/privacy/")
    for fact in [
        "reader",  # the cookie's name
        "random identifier",
        "signed",
        "HttpOnly",
        "400 days",
        "keyed hash",
        "email address",
        "unsubscribe link",
        "No analytics",
    ]:
        assert fact in text, fact
    mail = soup_of(client, "/privacy/").main.find("a", href="mailto:verdicts@verdicts.example")
    assert mail is not None


def test_privacy_says_what_is_kept_after_an_unsubscribe_and_why(client):
    """As newsletter/services/subscriptions.py keeps it: the row stays, marked, with its log."""
    soup = soup_of(client, "/privacy/")
    section = soup.find(id="kept-heading").find_parent("section")
    text = " ".join(section.get_text(" ").split())
    for fact in [
        "Your address, marked unsubscribed",
        "editions go only to confirmed addresses",
        "you get a confirmation email and nothing more until you press its button",
        "The categories you chose",
        "The log of the editions we sent you",
        "nobody gets an edition twice",
        "None of this is deleted automatically",
    ]:
        assert fact in text, fact
    # The unconfirmed sign-ups' lifetime is the one the daily task uses.
    assert "nobody confirms is deleted 30 days after" in text_of(client, "/privacy/")
    assert soup.find("time")["datetime"] == "2026-12-01"
