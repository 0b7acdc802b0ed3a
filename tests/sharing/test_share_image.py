"""The share image: a 1200x630 PNG, cached until the comparison or its votes change."""

from io import BytesIO

import pytest
from django.test import Client
from PIL import Image

from comparisons.models import Comparison, Tool
from comparisons.sharing.image import card_figures
from reviews.models import Scorecard, Verdict
from tests.factories import ScorecardFactory
from tests.services import free_port
from tests.sharing.conftest import vote

pytestmark = pytest.mark.django_db

# Comparison, then the version's change markers; a miss adds the comparison with its tools.
# The comparison with its entries and tools (panel counts): the version is hashed from those, and
# drawing uses them too.
CACHED_QUERIES = 3
DRAWN_QUERIES = 3


def share_url(comparison) -> str:
    return f"/compare/{comparison.slug}/share.png"


def fetch(client, comparison, **headers):
    return client.get(share_url(comparison), headers=headers)


def test_share_image_is_a_1200_by_630_png(client, content):
    response = fetch(client, content.comparison)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_second_request_is_served_from_the_cache(client, content, django_assert_num_queries):
    with django_assert_num_queries(DRAWN_QUERIES):
        first = fetch(client, content.comparison)
    with django_assert_num_queries(CACHED_QUERIES):
        second = fetch(client, content.comparison)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_vote_draws_a_new_image(client, content, django_assert_num_queries):
    before = fetch(client, content.comparison)
    vote(content.comparison, content.big)
    with django_assert_num_queries(DRAWN_QUERIES):
        after = fetch(client, content.comparison)
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_a_moved_vote_draws_a_new_image_though_the_total_is_unchanged(client, content):
    vote(content.comparison, content.big, reader_id="the-reader")
    before = fetch(client, content.comparison)
    vote(content.comparison, content.small, reader_id="the-reader")
    after = fetch(client, content.comparison)
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_edits_to_what_the_image_shows_draw_a_new_one(client, content):
    etags = [fetch(client, content.comparison)["ETag"]]
    content.small.name = "SmolVLM2 Mini"
    content.small.save()
    etags.append(fetch(client, content.comparison)["ETag"])
    ScorecardFactory.create(tool=content.small, verdict=Verdict.SHIP)  # the Panel ship % changes
    etags.append(fetch(client, content.comparison)["ETag"])
    assert len(set(etags)) == 3


def test_unchanged_image_revalidates_with_a_304(client, content, django_assert_num_queries):
    first = fetch(client, content.comparison)
    # Browsers revalidate every time; shared caches keep it and are purged on change.
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=86400"
    with django_assert_num_queries(CACHED_QUERIES):
        again = fetch(client, content.comparison, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_unknown_comparisons_have_no_share_image(client, content):
    assert client.get("/compare/nothing-vs-nowhere/share.png").status_code == 404


def test_staff_preview_a_drafts_image_privately(staff_client, content):
    response = fetch(staff_client, content.draft)
    assert response.status_code == 200
    assert Image.open(BytesIO(response.content)).size == (1200, 630)
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_an_old_address_redirects_to_the_new_image(client, content):
    old_slug = content.comparison.slug
    content.small.slug = "smolvlm2-mini"
    content.small.save()
    content.comparison.refresh_from_db()
    response = client.get(f"/compare/{old_slug}/share.png")
    assert response.status_code == 301
    assert response["Location"] == f"/compare/{content.comparison.slug}/share.png"


def test_the_image_is_drawn_when_the_cache_is_down(content, settings):
    # Nothing listens on this port: every cache call fails, as in a Redis outage.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response = Client(headers={"x-forwarded-proto": "https"}).get(share_url(content.comparison))
    assert response.status_code == 200
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


# Text stored before names were validated, or by anything that bypasses validation.
STORED_NAMES = {
    "line breaks": "Alpha\r\nBeta\nGamma\rDelta",
    "control characters": "C0 " + "".join(map(chr, range(1, 32))) + " DEL \x7f C1 \x85\x9f",
    "separators": "Line\u2028Paragraph\u2029End",
    "longest name": "Ä" * 120,
    "right-to-left": "نموذج لغوي كبير \u202eevil\u202c",
    "emoji": "Robot 🤖🚀 👩🏽‍💻 v2",
    "CJK": "视觉语言模型 ビジョン 시각 언어",
    "one long word": "W" * 120,
}


@pytest.mark.parametrize("name", STORED_NAMES.values(), ids=STORED_NAMES.keys())
def test_the_share_image_is_drawn_whatever_text_is_stored(client, content, name):
    Tool.objects.filter(pk__in=[content.big.pk, content.small.pk]).update(name=name)
    # A title of up to four such names: about 500 characters.
    title = " vs ".join([name] * 4)[:500]
    Comparison.objects.filter(pk=content.comparison.pk).update(title=title)
    vote(content.comparison, content.big)
    response = fetch(client, content.comparison)
    assert response.status_code == 200
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


def figures_of(comparison: Comparison) -> dict[str, tuple[str, str, str]]:
    drawn = Comparison.objects.with_cards().get(pk=comparison.pk)
    return {
        standing.tool.slug: (figures.panel_label, figures.panel, figures.community)
        for standing in drawn.standings
        for figures in [card_figures(standing)]
    }


def test_the_image_shows_the_pages_numbers_fraction_and_minimum_sample(content):
    assert figures_of(content.comparison) == {
        "smolvlm2-2b": ("Panel ship · 2 of 2", "100%", "—"),
        "smolvlm2": ("Panel ship · 1 of 2", "50%", "—"),
    }
    vote(content.comparison, content.big)
    # One vote is not "100%": below five votes the image says the count, as the page does.
    assert figures_of(content.comparison)["smolvlm2-2b"][2] == "1 vote"
    assert figures_of(content.comparison)["smolvlm2"][2] == "0 votes"
    for _ in range(3):
        vote(content.comparison, content.big)
    vote(content.comparison, content.small)
    figures = figures_of(content.comparison)
    assert (figures["smolvlm2-2b"][2], figures["smolvlm2"][2]) == ("80%", "20%")


def test_a_tool_without_scorecards_is_not_reviewed_yet_on_the_image(content):
    Scorecard.objects.filter(tool=content.small).delete()
    assert figures_of(content.comparison)["smolvlm2"][:2] == ("Panel ship · not reviewed yet", "—")
