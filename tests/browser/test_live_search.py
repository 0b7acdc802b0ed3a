"""Live search in a real Chromium: the search page's box and the header's, on a phone and a
desktop, with JavaScript and without."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize(
    ("width", "height"), [(390, 844), (1280, 900)], ids=["phone", "desktop"]
)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def fragment_requests(page) -> list[str]:
    """The addresses of the htmx requests the page makes to /search/, as they happen."""
    asked: list[str] = []

    def record(request: Request) -> None:
        if "/search/" in request.url and request.headers.get("hx-request"):
            asked.append(request.url)

    page.on("request", record)
    return asked


def history_length(page) -> int:
    return page.evaluate("history.length")


@SIZES
def test_typing_replaces_the_address_and_back_returns_to_the_results(
    demo, make_page, screenshot, width, height
):
    page = make_page(width=width, height=height)
    asked = fragment_requests(page)
    page.goto("/search/")
    entries = history_length(page)
    box = page.get_by_role("searchbox", name="Search tools, comparisons and categories")
    # Pauses longer than the debounce: each one asks for results.
    for letter in "smol":
        box.press_sequentially(letter)
        page.wait_for_timeout(400)
    page.locator("#search-results .tool-row", has_text="SmolVLM2-2B").wait_for()
    assert len(asked) >= 2, asked  # several answers while typing…
    assert history_length(page) == entries  # … and not one history entry for them
    assert page.url.endswith("/search/?q=smol")
    assert page.locator("#search-status").inner_text().endswith("results for “smol”")
    assert page.console.problems == []
    screenshot(page, f"search-live-{width}")

    with page.expect_navigation():
        page.locator("#search-results .tool-row", has_text="SmolVLM2-2B").click()
    assert page.url.endswith("/tools/smolvlm2-2b/")
    assert history_length(page) == entries + 1
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/search/?q=smol")
    assert page.locator("h1").inner_text() == "Search"  # the whole page, not a fragment
    assert box.input_value() == "smol"
    names = page.locator("#search-results .tool-row strong").all_inner_texts()
    assert {"SmolVLM2", "SmolVLM2-2B"} <= set(names)
    assert page.console.problems == []


def test_clearing_the_box_clears_the_results_and_the_query(demo, make_page):
    page = make_page()
    page.goto("/search/?q=claude")
    assert page.locator("#search-results .tool-row").count() >= 1
    box = page.locator("#search-q")
    box.fill("")
    page.wait_for_url(lambda url: url.endswith("/search/?q="))
    page.locator("#search-results .tool-row").first.wait_for(state="detached")
    assert page.locator("#search-results a").count() == 0


def test_a_search_that_finds_nothing_offers_a_close_name(demo, make_page):
    page = make_page(width=390, height=844)
    page.goto("/search/")
    page.locator("#search-q").press_sequentially("copliot", delay=40)
    offer = page.locator("#search-results .did-you-mean-names")
    offer.wait_for()
    assert offer.inner_text() == "Did you mean GitHub Copilot?"
    assert "Did you mean GitHub Copilot?" in page.locator("#search-status").inner_text()
    with page.expect_navigation():
        offer.get_by_role("link", name="GitHub Copilot").click()
    assert page.url.endswith("/tools/github-copilot/")


@SIZES
def test_the_header_box_shows_live_results_under_it(demo, make_page, screenshot, width, height):
    page = make_page(width=width, height=height)
    asked = fragment_requests(page)
    page.goto("/tools/")
    entries, address = history_length(page), page.url
    box = page.get_by_role("search", name="Site").get_by_role("searchbox", name="Search")
    results = page.locator("#header-results")
    assert results.is_hidden()
    box.press_sequentially("smolvml", delay=40)
    results.locator(".tool-row", has_text="SmolVLM2-2B").wait_for()
    assert results.is_visible()
    assert asked and asked[-1].endswith("/search/?q=smolvml")  # the search page's own fragment
    panel = results.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width  # on the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#header-status").inner_text().endswith("results for “smolvml”")
    assert page.url == address and history_length(page) == entries  # the page stays as it was
    screenshot(page, f"header-search-{width}")

    box.press("Escape")
    assert results.is_hidden() and box.input_value() == "smolvml"
    outside = page.locator(".site-footer p").first
    outside.click()
    box.focus()
    assert results.is_visible()
    outside.click()  # the focus leaves the form: the results close
    assert results.is_hidden()
    box.focus()
    with page.expect_navigation():
        results.locator(".tool-row", has_text="SmolVLM2-2B").click()
    assert page.url.endswith("/tools/smolvlm2-2b/")
    assert page.console.problems == []


def test_enter_in_the_header_box_opens_the_search_page(demo, make_page):
    page = make_page(width=390, height=844)
    page.goto("/")
    page.locator("#header-q").press_sequentially("whisper", delay=40)
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert page.url.endswith("/search/?q=whisper")
    assert page.locator("#search-q").input_value() == "whisper"
    assert page.locator("#search-results .tool-row strong").first.inner_text() == (
        "Whisper large-v3-turbo"
    )
    # The page's own box is the search here: the header leaves its box out.
    assert page.get_by_role("search").count() == 1
    assert page.locator("#header-q").count() == 0


def test_the_open_header_results_have_no_axe_violations(demo, make_page):
    from axe_playwright_python.sync_playwright import Axe

    page = make_page()
    page.goto("/")
    page.locator("#header-q").press_sequentially("vision", delay=40)
    page.locator("#header-results .tool-row").first.wait_for()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@SIZES
def test_search_without_javascript_is_a_plain_form(demo, make_page, width, height):
    page = make_page(width=width, height=height, javascript=False)
    page.goto("/search/")
    page.locator("#search-q").fill("smol vlm")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert page.url.endswith("/search/?q=smol+vlm")
    assert page.locator("#search-results .tool-row strong").first.inner_text() == "SmolVLM2"
    page.goto("/search/?q=copliot")
    assert page.locator(".did-you-mean-names a").inner_text() == "GitHub Copilot"
    page.goto("/categories/")
    assert page.locator("#header-results").is_hidden()
    page.locator("#header-q").fill("claude")
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert page.url.endswith("/search/?q=claude")
    assert page.locator("#search-results .tool-row strong").first.inner_text() == "Claude"


def test_back_within_the_page_keeps_the_typed_text_with_its_results(demo, make_page):
    # The skip link adds an entry in the same page; Back to the search's entry makes htmx put
    # back its snapshot of the page, which must hold what was typed, not the empty box it loaded.
    page = make_page()
    page.goto("/search/")
    page.locator("#search-q").press_sequentially("whisper", delay=40)
    page.locator("#search-results .tool-row", has_text="Whisper").wait_for()
    page.wait_for_url(lambda url: url.endswith("/search/?q=whisper"))
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("#main"))
    page.go_back()
    page.wait_for_url(lambda url: url.endswith("/search/?q=whisper"))
    page.wait_for_function("document.querySelector('#search-q') !== null")
    assert page.locator("#search-q").input_value() == "whisper"
    assert page.locator("#search-results .tool-row strong").first.inner_text() == (
        "Whisper large-v3-turbo"
    )
    assert page.console.problems == []
