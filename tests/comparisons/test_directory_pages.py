"""Lists that would hold the whole catalogue have pages: a category's ranking and comparisons, a
tool's comparisons, a reviewer's verdicts; the home page shows the biggest categories."""

import pytest

from comparisons.models import Category, Tool
from tests.catalogue import add_tools
from tests.factories import CategoryFactory, ReviewerFactory, ToolFactory
from tests.html import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded():
    """60 tools in one category, each compared with the first and reviewed by one reviewer."""
    category = CategoryFactory.create(name="Crowded", slug="crowded")
    reviewer = ReviewerFactory.create(name="Busy", slug="busy")
    first, *_ = add_tools(1, category=category, prefix="Lead", reviewers=[reviewer])
    add_tools(59, category=category, prefix="Crowd", rival=first, reviewers=[reviewer])
    return category, first


def ranking_rows(soup) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.select("th, td")][:2]
        for row in soup.select("table.ranking tbody tr")
    ]


def test_a_category_ranking_has_pages_that_continue_its_order(client, crowded):
    first_page = soup_of(client.get("/categories/crowded/"))
    rows = ranking_rows(first_page)
    assert len(rows) == 24 and rows[0][0] == "1"
    second_page = soup_of(client.get("/categories/crowded/", {"page": 2}))
    more = ranking_rows(second_page)
    assert [rank for rank, _ in more] == [str(n) for n in range(25, 49)]
    assert not {name for _, name in rows} & {name for _, name in more}
    last = soup_of(client.get("/categories/crowded/", {"page": 3}))
    assert len(ranking_rows(last)) == 12
    everything = [name for _, name in rows + more + ranking_rows(last)]
    ranked = [tool.name for tool in Tool.objects.ranked_in(Category.objects.get(slug="crowded"))]
    assert everything == ranked


def test_the_ranking_and_the_comparisons_turn_their_pages_separately(client, crowded):
    page = soup_of(client.get("/categories/crowded/", {"page": 2, "comparisons_page": 3}))
    ranking_nav = page.select_one('#ranking nav[aria-label="Ranking pages"]')
    comparisons_nav = page.select_one('#comparisons nav[aria-label="Comparison pages"]')
    assert "Page 2 of 3" in ranking_nav.get_text()
    assert "Page 3 of 5" in comparisons_nav.get_text()
    assert len(page.select("#comparisons .comparison-card")) == 12
    # Each list's links keep the other list where it is, and land on their own list.
    assert ranking_nav.select_one('a[rel="next"]')["href"] == (
        "/categories/crowded/?page=3&comparisons_page=3#ranking"
    )
    assert ranking_nav.select_one('a[rel="prev"]')["href"] == (
        "/categories/crowded/?comparisons_page=3#ranking"
    )
    assert comparisons_nav.select_one('a[rel="prev"]')["href"] == (
        "/categories/crowded/?page=2&comparisons_page=2#comparisons"
    )


def test_a_category_with_few_tools_has_no_page_links(client):
    category = CategoryFactory.create(slug="small")
    ToolFactory.create(category=category)
    assert not soup_of(client.get("/categories/small/")).select("nav.pagination")


def test_a_tool_page_shows_a_page_of_its_comparisons(client, crowded):
    _, first = crowded
    page = soup_of(client.get(first.get_absolute_url()))
    assert len(page.select("#comparisons .comparison-card")) == 12
    nav = page.select_one('#comparisons nav[aria-label="Comparison pages"]')
    assert nav.select_one('a[rel="next"]')["href"] == (
        f"{first.get_absolute_url()}?comparisons_page=2#comparisons"
    )
    last = soup_of(client.get(first.get_absolute_url(), {"comparisons_page": 5}))
    assert len(last.select("#comparisons .comparison-card")) == 11


@pytest.mark.parametrize("junk", ["0", "999", "abc", "-1", "1e9", "🙂", "\x00"])
def test_any_page_number_gives_a_page_or_a_400(client, crowded, junk):
    # A NUL in any query string is refused before the view (compsite.middleware): 400.
    expected = 400 if "\x00" in junk else 200
    _, first = crowded
    for path, param in [
        ("/categories/crowded/", "page"),
        ("/categories/crowded/", "comparisons_page"),
        (first.get_absolute_url(), "comparisons_page"),
        ("/reviewers/busy/", "page"),
    ]:
        assert client.get(path, {param: junk}).status_code == expected


def test_the_home_page_shows_the_biggest_categories_and_links_to_all(client):
    for index in range(40):
        category = CategoryFactory.create(name=f"Category {index:02}", slug=f"category-{index:02}")
        for _ in range(index % 4):
            ToolFactory.create(category=category)
    page = soup_of(client.get("/"))
    chips = [a.contents[0].strip() for a in page.select(".category-chips a")]
    assert len(chips) == 24 and chips == sorted(chips)
    assert "Category 03" in chips and "Category 00" not in chips  # empty ones give way
    assert page.find("a", string="All categories")["href"] == "/categories/"
