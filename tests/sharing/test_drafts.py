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
        ToolFactory(slug="later-a", category=content.category),
        ToolFactory(slug="later-b"),
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    return [content.draft, scheduled]


def test_unpublished_comparisons_404_on_their_own_addresses(client, unpublished):
    for comparison in unpublished:
        for path in [
            comparison.get_absolute_url(),
            comparison.get_data_url(),
            comparison.get_share_image_url(),
        ]:
            assert client.get(path).status_code == 404, path


def test_unpublished_comparisons_are_in_no_listing(client, content, unpublished):
    listings = [
        client.get(path).content.decode()
        for path in ["/feeds/comparisons/", "/feeds/categories/vlm/", "/sitemap.xml"]
    ]
    for comparison in unpublished:
        for listing in listings:
            assert comparison.slug not in listing
