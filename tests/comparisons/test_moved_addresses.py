"""A comparison's page, its data and its share image answer an old or reversed address alike:
a permanent redirect to the same view at the comparison's address (``ComparisonMoved``, answered
in one place by ``comparisons.middleware``)."""

import pytest

from tests.factories import ToolFactory, make_comparison

pytestmark = pytest.mark.django_db

VIEWS = ["/compare/{}/", "/compare/{}.json", "/compare/{}/share.png"]


@pytest.fixture
def comparison():
    return make_comparison(
        ToolFactory.create(name="Alpha", slug="alpha"),
        ToolFactory.create(name="Bravo", slug="bravo"),
    )


@pytest.mark.parametrize("view", VIEWS)
def test_the_reversed_order_redirects_permanently_to_the_same_view(client, comparison, view):
    assert comparison.slug == "alpha-vs-bravo"
    response = client.get(view.format("bravo-vs-alpha"))
    assert response.status_code == 301
    assert response.headers["Location"] == view.format("alpha-vs-bravo")
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_an_old_address_redirects_permanently_to_the_same_view(client, comparison, view):
    tool = comparison.ordered_tools[1]
    tool.slug = "bravo-2"
    tool.save()
    comparison.refresh_from_db()
    assert comparison.slug == "alpha-vs-bravo-2"
    response = client.get(view.format("alpha-vs-bravo"))
    assert response.status_code == 301
    assert response.headers["Location"] == view.format("alpha-vs-bravo-2")


@pytest.mark.parametrize("view", VIEWS)
def test_an_address_naming_nothing_is_still_a_404(client, comparison, view):
    assert client.get(view.format("alpha-vs-nobody")).status_code == 404
