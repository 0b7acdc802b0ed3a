"""A reader's first visit, in a real Chromium: home, a comparison, accessibility, a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMOL = "/compare/smolvlm2-vs-smolvlm2-2b/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def assert_no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_home_then_a_comparison(demo, make_page, screenshot):
    page = make_page()
    page.goto("/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Which AI tool should you ship with?"
    )
    page.get_by_role("link", name="SmolVLM2-2B vs SmolVLM2").click()
    page.wait_for_url(f"**{SMOL}")

    cards = page.locator(".tool-card")
    assert cards.count() == 2
    for index in range(2):
        assert cards.nth(index).is_visible()
    table = page.get_by_role("table")
    assert table.is_visible()
    assert page.locator("table.split tbody tr").count() == 4
    assert page.locator('table.split th[scope="row"]').first.is_visible()
    screenshot(page, "comparison-desktop")
    assert page.console.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        SMOL,
        "/reviewers/",
        "/tools/",
        "/tools/smolvlm2/",
        "/categories/",
        "/categories/vision-language-models/",
        "/search/?q=smolvlm",
        "/compare/",
        "/compare/claude-vs-whisper-large-v3-turbo/",
        "/compare/claude-vs-cursor-vs-lm-studio-vs-ollama/",  # four tools, across categories
        "/compare/not-a-real-pair/",
    ],
)
def test_pages_have_no_axe_violations(demo, make_page, path, scheme):
    page = make_page(color_scheme=scheme)
    page.goto(path)
    assert_no_axe_violations(page)
    assert page.console.problems == [] or path.startswith(
        "/compare/not-"
    )  # the 404 logs its status


def test_phone_width_never_scrolls_sideways(demo, make_page, screenshot):
    page = make_page(width=390, height=844)
    for path in [
        "/",
        SMOL,
        "/compare/chatgpt-vs-claude-vs-le-chat/",
        "/reviewers/",
        "/tools/",
        "/tools/smolvlm2/",
        "/categories/vision-language-models/",
        "/search/?q=smol",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert no_sideways_scroll(page), path
    page.goto(SMOL)
    # The cards stack: the second card starts below the first.
    first, second = (page.locator(".tool-card").nth(i).bounding_box() for i in range(2))
    assert second["y"] >= first["y"] + first["height"]
    # The reviewer split is a card per reviewer: it fits, with nothing to scroll.
    assert page.evaluate("document.querySelector('.split-scroll').scrollWidth") <= 390
    # A category's ranking stays a table, and scrolls inside its own box.
    page.goto("/categories/vision-language-models/")
    box = page.evaluate(
        "(() => { const box = document.querySelector('#ranking .table-scroll');"
        " return [box.scrollWidth, box.clientWidth]; })()"
    )
    assert box[0] > box[1]
    screenshot(page, "comparison-phone")


def test_keyboard_reader_can_skip_to_content_and_reach_the_table(demo, make_page):
    page = make_page()
    page.goto(SMOL)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The scrolling table region is focusable, so it can be scrolled with the keyboard.
    assert page.locator(".table-scroll").get_attribute("tabindex") == "0"


def test_dark_mode_follows_the_system_setting(demo, make_page, screenshot):
    light, dark = make_page(color_scheme="light"), make_page(color_scheme="dark")
    colours = []
    for page in (light, dark):
        page.goto(SMOL)
        colours.append(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert colours[0] != colours[1]
    screenshot(dark, "comparison-dark")
