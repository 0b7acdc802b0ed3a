"""Drafts and scheduled comparisons stay invisible on every sharing endpoint."""

import datetime

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from tests.factories import ToolFactory, make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(content) -> list[Comparison]:
    scheduled = make_comparison(
        ToolFactory.create(slug="later-a", category=content.category),
        ToolFactory.create(slug="later-b"),
        ToolFactory.create(slug="later-c"),
        published_at=timezone.now() + datetime.timedelta(days=2),
        intro="Scheduled intro, not out yet.",
    )
    return [content.draft, scheduled]


def addresses(comparison):
    return [
        comparison.get_absolute_url(),
        comparison.get_data_url(),
        comparison.get_share_image_url(),
    ]


def test_an_unpublished_comparison_of_three_tools_shows_only_its_generated_version(
    client, unpublished
):
    for path in addresses(unpublished[1]):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"Scheduled intro" not in response.content
    assert client.get(unpublished[1].get_data_url()).json()["kind"] == "generated"


def test_an_unpublished_pair_shows_only_its_generated_version(client, unpublished):
    """Any two published tools have a page; an editor's draft of the pair stays invisible."""
    draft = unpublished[0]
    Comparison.objects.filter(pk=draft.pk).update(intro="Draft-only intro text.")
    for path in addresses(draft):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"Draft-only intro text." not in response.content
    data = client.get(draft.get_data_url()).json()
    assert data["kind"] == "generated"


def test_unpublished_comparisons_are_in_no_listing(client, content, unpublished):
    listings = [
        client.get(path).content.decode()
        for path in ["/feeds/comparisons/", "/feeds/categories/vlm/", "/sitemap-comparisons.xml"]
    ]
    for comparison in unpublished:
        for listing in listings:
            assert comparison.slug not in listing
