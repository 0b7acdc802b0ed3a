"""The 1200 x 630 share image of a comparison: what a link preview shows on social sites and chats.

Drawing takes tens of milliseconds, so each image is kept in the cache under a *version*: a hash of
the change markers of everything it shows (the comparison, its tools' names, their scorecards and
their vote counts). A vote or an edit yields a new version and so a new image; anything else is a
cache hit. The version is also the ETag, so a browser or CDN revalidating an unchanged image gets a
304 without anything being drawn. Old versions are never deleted: they expire on their own
(production never calls ``cache.clear()``).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from PIL import Image, ImageDraw, ImageFont

from comparisons.models import Comparison
from comparisons.models.comparisons import Standing
from comparisons.sharing import SITE_NAME
from comparisons.templatetags.verdicts import as_percent
from compsite import numbers
from compsite.urls_absolute import site_host
from compsite.validators import LINE_BREAKING

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
# Bump when the drawing below changes, so images of the old design stop being served.
DESIGN_VERSION = 2
CACHE_SECONDS = 60 * 60 * 24 * 7

# DejaVu Sans, shipped in static/fonts: unlike Pillow's bundled default font it has accented
# letters, Greek and Cyrillic, the em dash shown for "no votes yet" and the ✓✗ brand mark.
FONTS = settings.BASE_DIR / "static" / "fonts"
MARGIN = 64
GAP = 24

# The site's light palette (static/css/site.css).
BACKGROUND = "#f7f7f4"
SURFACE = "#ffffff"
TEXT = "#1b1d21"
MUTED = "#555b66"
BORDER = "#d9dbe0"
ACCENT = "#1f4fd1"
SHIP = "#176b34"


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def share_image_version(comparison: Comparison) -> str:
    """A short hash of exactly what the image shows, from the loaded comparison (no query).

    Needs ``with_cards()``. Per-tool votes, not only the total, so a moved vote changes it too.
    """
    shown = [
        (standing.tool.name, standing.tool.panel_ship_percent, standing.percent, standing.votes)
        for standing in comparison.standings
    ]
    source = repr((DESIGN_VERSION, settings.SITE_URL, comparison.title, shown))
    return hashlib.sha256(source.encode()).hexdigest()[:24]


def share_image_png(comparison: Comparison, version: str) -> bytes:
    """The PNG for ``version`` (from ``share_image_version``): from the cache, or drawn and cached."""
    key = f"share-image:{comparison.slug}:{version}"
    png = _cache_get(key)
    if png is None:
        png = draw_comparison(comparison)
        _cache_set(key, png)
    return png


# The image can always be drawn: a cache outage costs CPU, never the image (as the rate limits).
def _cache_get(key: str) -> bytes | None:
    try:
        return django_cache.get(key)
    except Exception:  # any cache failure (connection, timeout, protocol)
        logger.warning("share image cache unavailable; drawing instead", exc_info=True)
        return None


def _cache_set(key: str, png: bytes) -> None:
    try:
        django_cache.set(key, png, CACHE_SECONDS)
    except Exception:  # as above: serving the image matters more than keeping it
        logger.warning("share image cache unavailable; not kept", exc_info=True)


@dataclass(frozen=True)
class CardFigures:
    panel_label: str  # "Panel ship · 3 of 4"
    panel: str  # "75%", or "—" before any scorecard
    panel_lit: bool
    community: str  # "62%", the count below the minimum sample ("2 votes"), or "—"
    community_lit: bool


def card_figures(standing: Standing) -> CardFigures:
    """What a tool's column on the image says: the page's own numbers (compsite/numbers.py), so
    a shared card never shows "100%" for one vote nor a bare tie of percents."""
    tool = standing.tool
    panel = tool.panel_ship_percent
    if tool.scorecard_count:
        label = f"Panel ship · {tool.ship_count} of {tool.scorecard_count}"
    else:
        label = f"Panel ship · {numbers.NOT_REVIEWED.lower()}"
    community = numbers.community_text(standing.votes, standing.total) if standing.total else "—"
    return CardFigures(
        panel_label=label,
        panel=as_percent(panel),
        panel_lit=bool(panel),
        community=community,
        community_lit=bool(standing.votes),
    )


def draw_comparison(comparison: Comparison) -> bytes:
    """Each tool's name, Panel ship % and Community % side by side, under the comparison's title.

    Needs ``Comparison.objects.with_cards()``.
    """
    image, draw = _canvas()
    width = WIDTH - 2 * MARGIN
    title = _one_line(comparison.title)
    title_font = _fitting_font(draw, [title], width, sizes=range(60, 38, -2))
    if draw.textlength(title, title_font) <= width:
        draw.text((MARGIN, 110), title, TEXT, title_font)
        draw.text((MARGIN, 186), "Which one should you ship with?", MUTED, font(30))
    else:  # three or four long names: two lines, and the question goes
        for line_number, line in enumerate(_wrapped(title, title_font, width, lines=2)):
            draw.text((MARGIN, 110 + line_number * 54), line, TEXT, title_font)

    standings = comparison.standings
    column = (width - GAP * (len(standings) - 1)) / len(standings)
    label_font, number_font = font(22), font(50, bold=True)
    top, bottom, padding = 250, 526, 24
    inner = column - 2 * padding
    # One size for every name, the largest at which they all fit (down to a floor, then "…").
    names = [_one_line(standing.tool.name) for standing in standings]
    name_font = _fitting_font(draw, names, inner, sizes=range(32, 19, -2))
    for index, (standing, name) in enumerate(zip(standings, names, strict=True)):
        left = MARGIN + index * (column + GAP)
        draw.rounded_rectangle(
            (left, top, left + column, bottom), radius=16, fill=SURFACE, outline=BORDER, width=2
        )
        x = left + padding
        draw.text((x, top + 22), _ellipsized(name, name_font, inner), TEXT, name_font)
        figures = card_figures(standing)
        draw.text(
            (x, top + 84), _ellipsized(figures.panel_label, label_font, inner), MUTED, label_font
        )
        draw.text((x, top + 110), figures.panel, SHIP if figures.panel_lit else MUTED, number_font)
        draw.text((x, top + 180), "Community", MUTED, label_font)
        community_font = _fitting_font(draw, [figures.community], inner, sizes=range(50, 23, -2))
        draw.text(
            (x, top + 206),
            figures.community,
            ACCENT if figures.community_lit else MUTED,
            community_font,
        )

    total = comparison.vote_total
    votes = f"{total:,} community vote{'' if total == 1 else 's'}" if total else "No votes yet"
    _footer(draw, votes, site_host())
    return _png(image)


def draw_site_card() -> bytes:
    """The image of pages without their own: ``static/img/share.png`` is this function's output.

    A static file cannot know the host it is served from, so unlike a comparison's it names none.

    Redraw it after a design change with
    ``python manage.py shell -c "from comparisons.sharing.image import save_site_card; save_site_card()"``.
    """
    image, draw = _canvas()
    width = WIDTH - 2 * MARGIN
    headline = font(64, bold=True)
    for line_number, line in enumerate(
        _wrapped("Which AI tool should you ship with?", headline, width, lines=2)
    ):
        draw.text((MARGIN, 130 + line_number * 80), line, TEXT, headline)
    body = font(30)
    pitch = (
        "Side-by-side comparisons: a reviewer panel's argued ship-or-skip verdicts, "
        "pricing reads and a community vote."
    )
    for line_number, line in enumerate(_wrapped(pitch, body, width, lines=3)):
        draw.text((MARGIN, 330 + line_number * 44), line, MUTED, body)
    _footer(draw, "Panel verdicts · pricing reads · community votes")
    return _png(image)


def save_site_card() -> None:
    (settings.BASE_DIR / "static" / "img" / "share.png").write_bytes(draw_site_card())


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 10), fill=ACCENT)
    brand = font(28, bold=True)
    draw.text((MARGIN, 44), "✓✗", ACCENT, brand)
    draw.text((MARGIN + draw.textlength("✓✗ ", brand), 44), SITE_NAME, TEXT, brand)
    return image, draw


def _footer(draw: ImageDraw.ImageDraw, left_text: str, right_text: str = "") -> None:
    small = font(24)
    draw.text((MARGIN, 560), left_text, MUTED, small)
    draw.text((WIDTH - MARGIN - draw.textlength(right_text, small), 560), right_text, MUTED, small)


def _one_line(text: str) -> str:
    """Stored text as one line: names are validated, but one stored before (or around) that
    may hold line breaks or control characters, which Pillow cannot measure or lay out."""
    return " ".join(LINE_BREAKING.sub(" ", text).split())


def _fitting_font(
    draw: ImageDraw.ImageDraw, texts: list[str], width: float, sizes: range
) -> ImageFont.FreeTypeFont:
    """The largest bold size at which each of ``texts`` fits ``width``, else the smallest one."""
    for size in sizes:
        face = font(size, bold=True)
        if all(draw.textlength(text, face) <= width for text in texts):
            return face
    return font(sizes[-1], bold=True)


def _ellipsized(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """``text`` cut with "…" where it would overflow ``width`` (tool names can be long)."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrapped(text: str, face: ImageFont.FreeTypeFont, width: float, *, lines: int) -> list[str]:
    wrapped: list[str] = []
    for word in text.split():
        if wrapped and face.getlength(f"{wrapped[-1]} {word}") <= width:
            wrapped[-1] = f"{wrapped[-1]} {word}"
        else:
            wrapped.append(word)
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], " ".join(wrapped[lines - 1 :])]
    # The last line holds the rest; any line may be a single word wider than the image.
    return [_ellipsized(line, face, width) for line in wrapped]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
