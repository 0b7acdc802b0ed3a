"""Every page's head: title, description, canonical, OpenGraph and Twitter tags, all on SITE_URL."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from comparisons.models import Comparison
from tests.factories import ToolFactory, make_comparison
from tests.html import attr
from tests.sharing.conftest import SITE

pytestmark = pytest.mark.django_db

OG_PROPERTIES = [
    "og:site_name",
    "og:type",
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:type",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
]
TWITTER_NAMES = [
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
    "twitter:image:alt",
]


def head_of(client, path: str) -> tuple[BeautifulSoup, str]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    return BeautifulSoup(html, "html.parser"), html


def meta(soup: BeautifulSoup, key: str) -> str:
    attribute = "property" if key.startswith(("og:", "article:")) else "name"
    assert soup.head is not None
    tags = soup.head.find_all("meta", attrs={attribute: key})
    assert len(tags) == 1, key
    return attr(tags[0], "content")


def canonical(soup: BeautifulSoup) -> str:
    assert soup.head is not None
    links = soup.head.find_all("link", rel="canonical")
    assert len(links) == 1
    return attr(links[0], "href")


def json_ld(soup: BeautifulSoup) -> list[dict]:
    blocks = []
    for tag in soup.find_all("script", type="application/ld+json"):
        assert tag.string is not None, "an empty JSON-LD block"
        blocks.append(json.loads(tag.string))
    return blocks


def test_every_comparison_page_carries_the_head_contract_on_site_url(client):
    call_command("seed_demo", verbosity=0)
    make_comparison(ToolFactory.create(), ToolFactory.create(), ToolFactory.create())
    comparisons = list(Comparison.objects.published())
    assert len(comparisons) == 10  # the demo's nine and a three-way one
    for comparison in comparisons:
        soup, html = head_of(client, comparison.get_absolute_url())
        page = f"{SITE}/compare/{comparison.slug}/"
        assert canonical(soup) == page
        for key in OG_PROPERTIES:
            assert meta(soup, key), key
        for key in TWITTER_NAMES:
            assert meta(soup, key), key
        assert meta(soup, "og:url") == page
        assert meta(soup, "og:type") == "article"
        assert meta(soup, "og:image") == f"{SITE}/compare/{comparison.slug}/share.png"
        assert meta(soup, "twitter:image") == meta(soup, "og:image")
        assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
        assert meta(soup, "twitter:card") == "summary_large_image"
        assert meta(soup, "og:title") == soup.title.string == meta(soup, "twitter:title")
        assert meta(soup, "og:description") == meta(soup, "description")
        assert comparison.title in meta(soup, "og:title")
        alternate = soup.head.find_all("link", rel="alternate", type="application/json")
        assert [link["href"] for link in alternate] == [f"{SITE}/compare/{comparison.slug}.json"]
        [data] = json_ld(soup)
        assert data["@context"] == "https://schema.org"
        assert data["url"] == page
        # Nothing printed on the page came from the request's host.
        assert "testserver" not in html
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_every_page_has_its_own_title_description_and_canonical(client, content):
    paths = [
        "/",
        content.comparison.get_absolute_url(),
        make_comparison(ToolFactory.create(), ToolFactory.create()).get_absolute_url(),
        "/reviewers/",
        content.reviewers[0].get_absolute_url(),
        content.reviewers[1].get_absolute_url(),
        "/about/",
        "/privacy/",
    ]
    seen = {"title": set(), "description": set(), "canonical": set()}
    for path in paths:
        soup, html = head_of(client, path)
        values = {
            "title": soup.title.string.strip(),
            "description": meta(soup, "description").strip(),
            "canonical": canonical(soup),
        }
        assert values["canonical"] == SITE + path
        assert meta(soup, "og:url") == SITE + path
        assert meta(soup, "og:title") == values["title"]
        assert meta(soup, "og:image").startswith(f"{SITE}/")
        for key, value in values.items():
            assert value, (path, key)
            assert value not in seen[key], (path, key)
            seen[key].add(value)
        assert "testserver" not in html


def test_pages_without_their_own_image_use_the_site_card(client, content):
    soup, _ = head_of(client, "/about/")
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:image") == f"{SITE}/static/img/share.png"
    card = Image.open(Path(settings.BASE_DIR) / "static" / "img" / "share.png")
    assert (card.format, card.size) == ("PNG", (1200, 630))


def test_every_page_links_the_atom_feed(client, content):
    for path in ["/", "/about/", content.comparison.get_absolute_url()]:
        soup, _ = head_of(client, path)
        feeds = soup.head.find_all("link", rel="alternate", type="application/atom+xml")
        assert [link["href"] for link in feeds] == [f"{SITE}/feeds/comparisons/"]


def test_error_pages_ask_not_to_be_indexed_and_claim_no_canonical(client, content):
    response = client.get("/compare/no-such-thing-vs-nothing/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.head.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.head.find("link", rel="canonical") is None


def test_pages_run_no_inline_script(client, content):
    """CSP: the only inline <script> elements are JSON-LD data blocks, which never execute."""
    for path in ["/", content.comparison.get_absolute_url(), "/about/", "/privacy/"]:
        soup, _ = head_of(client, path)
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path


def test_draft_preview_carries_the_tags_but_is_not_indexed(staff_client, content):
    response = staff_client.get(content.draft.get_absolute_url())
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in response.headers["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert canonical(soup) == f"{SITE}{content.draft.get_absolute_url()}"


def test_share_image_is_the_same_size_as_the_tags_say(client, content):
    soup, _ = head_of(client, content.comparison.get_absolute_url())
    path = meta(soup, "og:image").removeprefix(SITE)
    image = Image.open(BytesIO(client.get(path).content))
    assert image.size == (int(meta(soup, "og:image:width")), int(meta(soup, "og:image:height")))
