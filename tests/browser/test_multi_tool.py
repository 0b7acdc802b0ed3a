"""Three tools in a real Chromium: the picker's third box with and without JavaScript, on a phone
and a desktop, down to a vote on the generated page."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = (390, 844), (1280, 900)
THREE = "/compare/claude-vs-cursor-vs-ollama/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def choose(page, box, typed: str, value: str) -> None:
    """Type into a combobox and pick the suggestion for ``value`` with the keyboard."""
    box.press_sequentially(typed, delay=40)
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.locator(f'[role="option"][data-value="{value}"]').wait_for()
    for _ in range(listbox.locator('[role="option"]').count()):
        box.press("ArrowDown")
        active = page.locator("#" + box.get_attribute("aria-activedescendant"))
        if active.get_attribute("data-value") == value:
            break
    assert active.get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == active.get_attribute("data-label")


def page_fits(page) -> bool:
    """Nothing makes the page itself scroll sideways (a wide table scrolls in its own region)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_adding_a_third_tool_with_javascript_lands_on_the_sorted_page_and_votes(
    demo, make_page, screenshot, size
):
    width, height = size
    page = make_page(width=width, height=height)
    page.goto("/")
    picker = page.locator("form.picker")
    third = picker.get_by_role("combobox", name="Third tool")
    assert not third.is_visible()  # behind the disclosure until asked for
    picker.get_by_text("Add a third or fourth tool").click()
    assert third.is_visible()
    choose(page, picker.get_by_role("combobox", name="First tool"), "olla", "ollama")
    choose(page, picker.get_by_role("combobox", name="Second tool"), "curs", "cursor")
    assert page.url.endswith("/")  # the opened third box is still to fill: no submit yet
    choose(page, third, "clau", "claude")
    assert page.evaluate("document.activeElement.name") == "d"  # on to the fourth, optional
    screenshot(page, f"picker-third-tool-{width}")
    with page.expect_navigation():
        picker.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert page.url.endswith(THREE)
    assert page.locator("h1").inner_text() == "Claude vs Cursor vs Ollama"
    assert page.locator(".tool-card").count() == 3
    note = page.locator(".cross-category")
    assert note.is_visible() and note.inner_text().startswith(
        "These tools are in different categories:"
    )
    assert page_fits(page)
    screenshot(page, f"three-way-{width}")

    page.get_by_role("button", name="Ship Cursor").click()
    page.locator(".vote-option.is-mine", has_text="Cursor").wait_for()
    assert page.url.endswith(THREE)  # htmx swapped the block in place
    assert "1 vote" in page.locator("#vote .vote-total").inner_text()
    assert page.console.problems == []


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_adding_a_third_tool_without_javascript(demo, make_page, size):
    width, height = size
    page = make_page(width=width, height=height, javascript=False)
    page.goto("/compare/")
    picker = page.locator("form.picker")
    picker.get_by_role("textbox", name="First tool").fill("ollama")
    picker.get_by_role("textbox", name="Second tool").fill("Claude")
    picker.get_by_text("Add a third or fourth tool").click()  # <details> needs no script
    picker.get_by_role("textbox", name="Third tool").fill("cursor")
    with page.expect_navigation():
        picker.get_by_role("button", name="Compare").click()
    assert page.url.endswith(THREE)
    assert page.locator(".tool-card").count() == 3
    assert page_fits(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Ship Ollama").click()
    assert page.url.endswith(THREE + "?voted=1#vote")
    assert "Your vote: Ollama" in page.locator(".vote-option.is-mine").inner_text()
