"""A comparison on a phone, in a real Chromium: the reviewer split is one card per reviewer and
never scrolls sideways, and the site's header leaves the first screen to the page; on a desktop
the split is still a table."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Four tools, the widest table the site has.
WIDEST = "/compare/moondream-2-vs-qwen2-5-vl-7b-vs-smolvlm2-vs-smolvlm2-2b/"

SPLIT_LAYOUT = """() => {
  const rows = [...document.querySelectorAll("table.split tbody tr")];
  return {
    rows: rows.map((row) => getComputedStyle(row).display),
    table: getComputedStyle(document.querySelector("table.split")).display,
    labels: rows.map((row) => [...row.querySelectorAll("td .cell-tool")].map(
      (label) => getComputedStyle(label).display === "none" ? null : label.innerText)),
    headers: [...document.querySelectorAll("table.split thead th[id]")].map((th) => th.innerText),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  };
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


@pytest.mark.parametrize(
    ("scheme", "javascript"), [("light", True), ("dark", False), ("dark", True)]
)
def test_on_a_phone_each_reviewer_is_a_card_and_nothing_scrolls_sideways(
    demo, make_page, screenshot, scheme, javascript
):
    page = make_page(width=390, height=844, color_scheme=scheme, javascript=javascript)
    page.goto(WIDEST)
    layout = page.evaluate(SPLIT_LAYOUT)
    assert layout["scrollWidth"] <= layout["clientWidth"] == 390, layout
    assert len(layout["rows"]) == 4 and set(layout["rows"]) <= {"block", "grid"}, layout
    # Each card names the tool above every verdict, in the columns' order.
    tools = layout["headers"]
    assert len(tools) == 4 and all(tools)
    assert layout["labels"] == [tools] * 4, layout
    # The quotes are readable: the card is as wide as the page's column, not squeezed.
    card = page.locator("table.split tbody tr").first.bounding_box()
    assert card is not None and card["width"] >= 350, card
    assert header_height(page) <= 844 / 5
    assert page.console.problems == []
    name = f"phone-split-{scheme}-{'js' if javascript else 'nojs'}"
    screenshot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-first-screen.png"))
    page.locator("#panel").screenshot(path=str(ARTIFACTS / f"{name}-table.png"))


@pytest.mark.parametrize("path", ["/", WIDEST, "/tools/", "/panel-vs-crowd/"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_header_takes_at_most_a_fifth_of_the_first_screen(demo, make_page, path, width, height):
    page = make_page(width=width, height=height)
    page.goto(path)
    assert header_height(page) <= height / 5
    # All of it is still there: every nav link and the search box, none pushed out of view.
    for link in page.locator(".site-header nav a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    search = page.locator("#header-q").bounding_box()
    assert search is not None and search["width"] >= 120 and search["x"] + search["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_desktop_the_split_is_a_table(demo, make_page, screenshot):
    page = make_page(width=1280, height=800)
    page.goto(WIDEST)
    layout = page.evaluate(SPLIT_LAYOUT)
    assert layout["table"] == "table"
    assert set(layout["rows"]) == {"table-row"}
    assert layout["labels"] == [[None] * 4] * 4  # the column headers name the tools here
    assert layout["scrollWidth"] <= layout["clientWidth"]
    screenshot(page, "desktop-split-light")
    page.locator("#panel").screenshot(path=str(ARTIFACTS / "desktop-split-light-table.png"))
