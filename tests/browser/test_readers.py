"""A reader's first screen and next steps in a real Chromium: the answer above the fold on a
phone and a desktop, light and dark, and the tool index's filters without JavaScript."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CURATED = "/compare/moondream-2-vs-qwen2-5-vl-7b-vs-smolvlm2-vs-smolvlm2-2b/"  # the longest title
GENERATED = "/compare/claude-vs-cursor/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


@pytest.mark.parametrize(
    ("width", "height", "scheme", "javascript"),
    [(390, 844, "light", True), (390, 844, "dark", False), (1280, 800, "light", True)],
)
@pytest.mark.parametrize("path", [CURATED, GENERATED])
def test_the_answer_is_on_the_first_screen(
    demo, make_page, screenshot, width, height, scheme, javascript, path
):
    page = make_page(width=width, height=height, color_scheme=scheme, javascript=javascript)
    page.goto(path)
    answer = page.locator("main .answer")
    box = answer.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    heading = answer.locator("h2").inner_text().casefold()
    assert heading == ("editor's verdict" if path == CURATED else "the panel's answer")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert page.console.problems == []
    name = "curated" if path == CURATED else "generated"
    screenshot(page, f"answer-{name}-{width}-{scheme}")


def test_filters_work_without_javascript(demo, make_page):
    page = make_page(width=390, height=844, javascript=False)
    page.goto("/tools/")
    page.get_by_role("link", name="Open weights").click()
    page.get_by_role("link", name="Free tier", exact=True).click()
    page.get_by_role("link", name="Panel ship %").click()
    assert page.url.endswith("/tools/?licence=open&price=free&sort=panel")
    names = page.locator(".tool-row strong").all_inner_texts()
    assert names and "ChatGPT" not in names
    page.get_by_role("link", name="Comparisons", exact=True).click()
    assert page.url.endswith("/comparisons/")
    page.get_by_role("link", name="Coding assistants").click()
    assert page.locator(".comparison-card").count() == 2
    page.locator(".comparison-card h3 a").first.click()
    page.locator(".tool-card h3 a").first.click()
    assert page.url.split("/tools/")[1]  # on a tool page, from a comparison's tool name
