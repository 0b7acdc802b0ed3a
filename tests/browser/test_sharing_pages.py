"""About and privacy in a real Chromium: accessible, no console or CSP errors, reached from the footer."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/about/", "/privacy/"])
def test_about_and_privacy_have_no_axe_violations(demo, make_page, path, scheme):
    page = make_page(color_scheme=scheme)
    page.goto(path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.console.problems == []


def test_footer_leads_to_about_and_privacy(demo, make_page):
    page = make_page()
    page.goto("/compare/smolvlm2-vs-smolvlm2-2b/")
    footer = page.get_by_role("navigation", name="About this site")
    footer.get_by_role("link", name="How the verdicts work").click()
    page.wait_for_url("**/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "How the verdicts work"
    page.get_by_role("navigation", name="About this site").get_by_role(
        "link", name="Privacy"
    ).click()
    page.wait_for_url("**/privacy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy"
    assert page.console.problems == []
