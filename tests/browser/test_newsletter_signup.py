"""Signing up for the newsletter from a comparison page, in a real Chromium, with and without htmx."""

import pytest

from newsletter.models import Subscriber
from tests.factories import ToolFactory, make_comparison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def comparison_path(transactional_db, settings, live_server):
    # The live server speaks plain HTTP behind a pretend TLS proxy: trust its origin for CSRF,
    # as production trusts SITE_URL's. Rate limits count per IP across runs: lift them here.
    settings.CSRF_TRUSTED_ORIGINS = [*settings.CSRF_TRUSTED_ORIGINS, live_server.url]
    settings.SIGNUP_RATE = "1000/m"
    comparison = make_comparison(
        ToolFactory.create(name="ChatGPT", slug="chatgpt"),
        ToolFactory.create(name="Claude", slug="claude"),
    )
    return comparison.get_absolute_url()


def test_sign_up_with_htmx_swaps_the_block_in_place(make_page, comparison_path, screenshot):
    page = make_page()
    page.goto(comparison_path)
    # Survives only if the page is never reloaded or left.
    page.evaluate("window.stillHere = true")
    block = page.locator("#newsletter")
    block.get_by_label("Your email address").fill("reader@example.com")
    block.get_by_role("button", name="Subscribe").click()
    status = page.locator("#newsletter [role=status]")
    status.filter(has_text="a link is on its way (at most one an hour)").wait_for()
    assert page.evaluate("window.stillHere") is True
    assert page.url.endswith(comparison_path)
    assert page.get_by_role("heading", level=1).inner_text() == "ChatGPT vs Claude"
    assert page.locator("#newsletter").count() == 1
    assert page.get_by_label("Your email address").input_value() == ""
    assert Subscriber.objects.get().email == "reader@example.com"
    screenshot(page, "newsletter-signup-htmx")
    assert page.console.problems == []


def test_sign_up_without_javascript_posts_and_comes_back(make_page, comparison_path):
    page = make_page(javascript=False)
    page.goto(comparison_path)
    page.get_by_label("Your email address").fill("nojs@example.com")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"**{comparison_path}?newsletter=sent#newsletter")
    status = page.locator("#newsletter [role=status]")
    assert "a link is on its way (at most one an hour)" in status.inner_text()
    assert Subscriber.objects.get().email == "nojs@example.com"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_newsletter_pages_have_no_axe_violations(make_page, comparison_path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    from tests.newsletter.factories import SubscriberFactory

    subscriber = SubscriberFactory.create(status=Subscriber.Status.PENDING, confirmed_at=None)
    page = make_page(color_scheme=scheme)
    for path in [
        "/newsletter/",
        subscriber.confirm_url(),
        subscriber.unsubscribe_url(),
        subscriber.interests_url(),
    ]:
        assert page.goto(path).status == 200, path
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())
    assert page.console.problems == []
