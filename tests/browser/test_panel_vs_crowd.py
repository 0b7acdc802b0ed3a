"""Panel vs crowd in a real Chromium: the list on a phone and a desktop, light and dark, with
and without JavaScript, and its links landing on the reasons in the comparison page."""

import pytest
from django.core.management import call_command

from comparisons.models import Comparison, Tool
from comparisons.voting import Reader, vote_cast
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUEL = "cursor-vs-github-copilot"  # the panel ships Copilot (3 of 4) over Cursor (2 of 4)


@pytest.fixture
def disagreement(transactional_db):
    """The demo content, and readers outvoting the panel on one comparison."""
    call_command("seed_demo")
    comparison = Comparison.objects.get(slug=DUEL)
    tools = {tool.slug: tool for tool in Tool.objects.filter(slug__in=DUEL.split("-vs-"))}
    panel_pick = max(tools.values(), key=lambda tool: tool.panel_ship_percent or 0)
    [other] = [tool for tool in tools.values() if tool != panel_pick]
    for n in range(6):
        tool = other if n < 4 else panel_pick
        vote_cast(comparison=comparison, tool=tool, reader=Reader(f"browser-{n}", is_new=True))
    comparison.refresh_from_db()
    assert comparison.crowd_differs, "the demo's panel should have a clear pick here"
    return comparison, panel_pick, other


@pytest.mark.parametrize(
    ("width", "height", "scheme", "javascript"),
    [(390, 844, "light", True), (390, 844, "dark", False), (1280, 800, "dark", True)],
)
def test_the_list_reads_on_a_phone_and_its_links_reach_the_reasons(
    disagreement, make_page, screenshot, width, height, scheme, javascript
):
    comparison, panel_pick, other = disagreement
    page = make_page(width=width, height=height, color_scheme=scheme, javascript=javascript)
    page.goto("/panel-vs-crowd/")
    entry = page.locator("main .disagreement")
    assert entry.count() == 1
    sides = " ".join(entry.locator(".sides").inner_text().split())
    assert f"ship {panel_pick.name}" in sides and f"67% pick {other.name}" in sides
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = entry.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.console.problems == []
    screenshot(page, f"panel-vs-crowd-{width}-{scheme}")
    # "What the panel says about" the readers' pick: the comparison page, at that tool's column.
    entry.get_by_role("link", name=f"What the panel says about {other.name}").click()
    page.wait_for_url(f"**{comparison.get_absolute_url()}#panel-on-{other.slug}")
    # Scrolled to the reviewer table: its top at the top of the screen (within a pixel's
    # rounding), where a phone's first card starts.
    table = page.locator("table.split").bounding_box()
    assert table is not None and -1 <= table["y"] < height / 4, table
    assert page.evaluate("window.scrollY") > 0


def test_the_home_page_block_on_a_phone(disagreement, make_page):
    comparison, *_ = disagreement
    page = make_page(width=390, height=844)
    page.goto("/")
    block = page.locator("#panel-vs-crowd")
    assert block.locator(".disagreement h3 a").inner_text() == comparison.title
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = block.locator(".disagreement").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    block.screenshot(path=str(ARTIFACTS / "panel-vs-crowd-home-390-light.png"))
    block.get_by_role("link", name="Every comparison where readers and panel disagree").click()
    page.wait_for_url("**/panel-vs-crowd/")
    assert page.locator("main .disagreement h3 a").inner_text() == comparison.title
