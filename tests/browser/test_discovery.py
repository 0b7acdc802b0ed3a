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


def test_the_picker_takes_a_reader_to_the_pairs_page(demo, make_page, screenshot):
    page = make_page()
    page.goto("/")
    picker = page.locator("form.picker")
    picker.locator('select[name="a"]').select_option("whisper-large-v3-turbo")
    picker.locator('select[name="b"]').select_option("claude")
    with page.expect_navigation():
        picker.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert page.url.endswith("/compare/claude-vs-whisper-large-v3-turbo/")
    assert page.locator("h1").inner_text() == "Claude vs Whisper large-v3-turbo"
    assert page.locator(".tool-card").count() == 2
    assert page.console.problems == []
    screenshot(page, "generated-pair")


def test_compare_with_from_a_tool_page(demo, make_page):
    page = make_page()
    page.goto("/tools/smolvlm2/")
    page.locator('form.picker select[name="b"]').select_option("moondream-2")
    with page.expect_navigation():
        page.locator("form.picker").get_by_role("button", name="Compare").click()
    assert page.url.endswith("/compare/moondream-2-vs-smolvlm2/")
