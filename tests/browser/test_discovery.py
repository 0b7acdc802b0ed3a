"""Finding things in a real Chromium: live search and the "compare any two" picker."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def test_typing_in_search_shows_results_without_a_page_load(demo, make_page, screenshot):
    page = make_page()
    page.goto("/search/")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#search-q").press_sequentially("smolvml", delay=40)
    page.locator("#search-results a", has_text="SmolVLM2-2B").first.wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    names = page.locator("#search-results .tool-row strong").all_inner_texts()
    assert names[:2] in (["SmolVLM2", "SmolVLM2-2B"], ["SmolVLM2-2B", "SmolVLM2"])
    assert page.url.endswith("/search/?q=smolvml")  # the address follows, so it can be shared
    assert page.console.problems == []
    screenshot(page, "search-live")


def test_search_works_without_javascript(demo, make_page):
    page = make_page(javascript=False)
    page.goto("/")
    page.locator("#header-q").fill("claude")
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert "/search/?q=claude" in page.url
    assert page.locator("#search-results .tool-row strong").first.inner_text() == "Claude"


def suggestions_for(page, box):
    """The visible options of the combobox ``box`` (a locator of its input)."""
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.locator('[role="option"]').first.wait_for()
    return listbox


def test_the_combobox_takes_a_reader_to_the_pair_with_the_keyboard(demo, make_page, screenshot):
    page = make_page()
    asked = []
    page.on(
        "request", lambda request: "/compare/suggest/" in request.url and asked.append(request.url)
    )
    page.goto("/")
    first = page.get_by_role("combobox", name="First tool")
    assert first.get_attribute("aria-expanded") == "false"
    first.press_sequentially("wh", delay=40)
    listbox = suggestions_for(page, first)
    assert first.get_attribute("aria-expanded") == "true"
    assert listbox.get_attribute("role") == "listbox" and listbox.is_visible()
    assert listbox.locator('[role="option"]').first.get_attribute("data-value") == (
        "whisper-large-v3-turbo"
    )
    assert len(asked) == 1 and asked[0].endswith("/compare/suggest/?q=wh")  # debounced
    first.press("ArrowDown")
    active = first.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert page.locator(f"#{active}").get_attribute("data-label") == "Whisper large-v3-turbo"
    first.press("Enter")
    assert first.input_value() == "Whisper large-v3-turbo"
    assert first.get_attribute("aria-expanded") == "false"

    second = page.get_by_role("combobox", name="Second tool")
    assert page.evaluate("document.activeElement.name") == "b"  # on to the other box
    second.press_sequentially("cl", delay=40)
    suggestions_for(page, second)
    second.press("ArrowDown")
    screenshot(page, "picker-combobox")
    with page.expect_navigation():
        second.press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/compare/claude-vs-whisper-large-v3-turbo/")
    assert page.locator("h1").inner_text() == "Claude vs Whisper large-v3-turbo"
    assert page.locator(".tool-card").count() == 2
    assert page.console.problems == []


def test_the_combobox_with_the_mouse_and_escape(demo, make_page):
    page = make_page()
    page.goto("/compare/")
    first = page.get_by_role("combobox", name="First tool")
    first.press_sequentially("smol", delay=40)
    listbox = suggestions_for(page, first)
    first.press("Escape")
    assert listbox.is_hidden() and first.get_attribute("aria-expanded") == "false"
    first.press("ArrowDown")  # opens again on the first option
    assert listbox.is_visible()
    listbox.get_by_role("option", name="SmolVLM2-2B").click()
    assert first.input_value() == "SmolVLM2-2B"
    second = page.get_by_role("combobox", name="Second tool")
    second.press_sequentially("claude", delay=40)
    options = suggestions_for(page, second).locator('[role="option"]')
    assert "SmolVLM2-2B" not in options.all_inner_texts()[0]
    with page.expect_navigation():
        options.first.click()
    assert page.url.endswith("/compare/claude-vs-smolvlm2-2b/")
    assert page.console.problems == []


def test_compare_with_from_a_tool_page(demo, make_page):
    page = make_page()
    page.goto("/tools/smolvlm2/")
    box = page.get_by_role("combobox", name="Compare SmolVLM2 with")
    box.press_sequentially("sm", delay=40)
    values = [
        option.get_attribute("data-value")
        for option in suggestions_for(page, box).locator('[role="option"]').all()
    ]
    assert "smolvlm2-2b" in values and "smolvlm2" not in values  # not the page's own tool
    box.fill("")
    box.press_sequentially("mo", delay=40)
    first_option = page.locator('#compare-b-options [role="option"]').first
    first_option.and_(page.locator('[data-value="moondream-2"]')).wait_for()
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith("/compare/moondream-2-vs-smolvlm2/")
    assert page.console.problems == []


def test_the_open_combobox_has_no_axe_violations(demo, make_page):
    from axe_playwright_python.sync_playwright import Axe

    page = make_page()
    page.goto("/")
    first = page.get_by_role("combobox", name="First tool")
    first.press_sequentially("cl", delay=40)
    suggestions_for(page, first)
    first.press("ArrowDown")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_picker_without_javascript(demo, make_page, screenshot):
    page = make_page(javascript=False)
    page.goto("/")
    picker = page.locator("form.picker")
    picker.get_by_role("textbox", name="First tool").fill("whisper large")
    picker.get_by_role("textbox", name="Second tool").fill("claude")
    with page.expect_navigation():
        picker.get_by_role("button", name="Compare").click()
    assert page.url.endswith("/compare/claude-vs-whisper-large-v3-turbo/")

    page.goto("/")
    picker.get_by_role("textbox", name="First tool").fill("smol")
    picker.get_by_role("textbox", name="Second tool").press_sequentially("cl")
    with page.expect_navigation():
        picker.get_by_role("textbox", name="Second tool").press("Enter")
    assert "/compare/?a=smol&b=cl" in page.url
    question = page.locator("fieldset.did-you-mean").first
    assert "did you mean" in question.locator("legend").inner_text()
    screenshot(page, "picker-did-you-mean")
    page.get_by_label("SmolVLM2-2B").check()
    with page.expect_navigation():
        page.locator("form.picker-resolve").get_by_role("button", name="Compare").click()
    assert page.url.endswith("/compare/claude-vs-smolvlm2-2b/")
