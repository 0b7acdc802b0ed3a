"""The whole dataset as downloads: every published tool, and every published curated comparison,
as JSON Lines (one JSON document a line) and as CSV; under CC BY 4.0 like the rest of the open data.

Each download is streamed from a database iterator in chunks, so memory stays flat however big
the catalogue grows, and dated (``Last-Modified``) by the newest change to what it holds.
A tool's line is the same record as in a comparison's JSON (``open_data.tool_record``); a
comparison's line names its tools by slug, to be joined with the tools download.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, QuerySet

from comparisons.models import Comparison, Tool, Vote
from comparisons.models.comparisons import ComparisonQuerySet
from comparisons.sharing.open_data import tool_record
from compsite.csv_cells import csv_line, line_writer
from compsite.urls_absolute import absolute
from reviews.models import Scorecard

CHUNK = 500  # rows fetched from the database at a time
WRITE_SIZE = 32 * 1024  # characters handed to the server at a time


@dataclass(frozen=True)
class Dataset[T]:
    name: str
    rows: Callable[[], Iterable[T]]  # the model objects, in a fixed order
    record: Callable[[T], dict]  # one object as its JSON Lines record
    csv_columns: list[str]
    csv_rows: Callable[[T], Iterable[list]]  # one object as its CSV rows
    last_modified: Callable[[], datetime.datetime | None]


def _newest(*dates: datetime.datetime | None) -> datetime.datetime | None:
    return max(filter(None, dates), default=None)


def _latest(queryset: QuerySet, field: str = "updated_at") -> datetime.datetime | None:
    return queryset.aggregate(latest=Max(field))["latest"]


# --- Tools -----------------------------------------------------------------------------------


def _tools() -> Iterator[Tool]:
    return Tool.objects.published().with_profile().order_by("slug").iterator(chunk_size=CHUNK)


def _tool_csv(tool: Tool) -> Iterable[list]:
    yield [
        tool.slug, tool.name, absolute(tool.get_absolute_url()), tool.category.slug,
        tool.category.name, tool.vendor, tool.tagline, tool.website, tool.licence,
        tool.entry_price, tool.prices_checked, tool.panel_ship_percent,
        tool.ship_count, tool.scorecard_count,
    ]  # fmt: skip


def _tools_changed() -> datetime.datetime | None:
    return _newest(
        _latest(Tool.objects.published()),
        _latest(Scorecard.objects.filter(tool__is_published=True)),
    )


TOOLS = Dataset(
    name="tools",
    rows=_tools,
    record=tool_record,
    csv_columns=[
        "slug",
        "name",
        "url",
        "category_slug",
        "category_name",
        "vendor",
        "tagline",
        "website",
        "licence",
        "entry_price",
        "prices_checked",
        "panel_ship_percent",
        "panel_ship",
        "panel_scorecards",
    ],
    csv_rows=_tool_csv,
    last_modified=_tools_changed,
)


# --- Comparisons -----------------------------------------------------------------------------


def _comparisons_queryset() -> ComparisonQuerySet:
    return Comparison.objects.published().curated()


def _comparisons() -> Iterator[Comparison]:
    return (
        _comparisons_queryset()
        .with_standings()
        .order_by("published_at", "id")
        .iterator(chunk_size=CHUNK)
    )


def _comparison_record(comparison: Comparison) -> dict:
    return {
        "slug": comparison.slug,
        "title": comparison.title,
        "url": absolute(comparison.get_absolute_url()),
        "json_url": absolute(comparison.get_data_url()),
        "published_at": comparison.published_at,
        "updated_at": comparison.updated_at,
        "total_votes": comparison.vote_total,
        "tools": [
            {
                "position": position,
                "slug": standing.tool.slug,
                "name": standing.tool.name,
                "votes": standing.votes,
                "percent": standing.percent,
            }
            for position, standing in enumerate(comparison.standings, start=1)
        ],
    }


def _comparison_csv(comparison: Comparison) -> Iterable[list]:
    """One row per tool in the comparison (the comparison's own columns repeated)."""
    record = _comparison_record(comparison)
    head = [record[key] for key in ("slug", "title", "url", "published_at", "updated_at")]
    for tool in record["tools"]:
        yield [
            *head, record["total_votes"], tool["position"], tool["slug"], tool["name"],
            tool["votes"], tool["percent"],
        ]  # fmt: skip


def _comparisons_changed() -> datetime.datetime | None:
    # A vote changes the counts without touching the comparison's row.
    return _newest(
        _latest(_comparisons_queryset()),
        _latest(Vote.objects.filter(comparison__in=_comparisons_queryset())),
    )


COMPARISONS = Dataset(
    name="comparisons",
    rows=_comparisons,
    record=_comparison_record,
    csv_columns=[
        "slug",
        "title",
        "url",
        "published_at",
        "updated_at",
        "total_votes",
        "position",
        "tool_slug",
        "tool_name",
        "tool_votes",
        "tool_community_percent",
    ],
    csv_rows=_comparison_csv,
    last_modified=_comparisons_changed,
)

DATASETS = {dataset.name: dataset for dataset in (TOOLS, COMPARISONS)}


# --- Formats ---------------------------------------------------------------------------------


def in_blocks(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` joined into blocks of at least ``WRITE_SIZE`` characters (the last may be
    shorter).

    A line a write means a system call a line, and the proxy decides whether to compress from
    the first write alone: a CSV header line is too short to be worth it, so the whole download
    went out uncompressed.
    """
    block: list[str] = []
    length = 0
    for line in lines:
        block.append(line)
        length += len(line)
        if length >= WRITE_SIZE:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def json_lines(dataset: Dataset) -> Iterator[str]:
    for row in dataset.rows():
        yield json.dumps(dataset.record(row), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"


def csv_lines(dataset: Dataset) -> Iterator[str]:
    """The CSV download. CSV has no null: nothing to count is an empty cell (``safe_cell``). Text
    a spreadsheet would run as a formula (a description opening with a Markdown list's ``-``,
    say) starts with an apostrophe; the JSON Lines keep the exact text."""
    writer = line_writer()
    yield csv_line(writer, dataset.csv_columns)
    for row in dataset.rows():
        for values in dataset.csv_rows(row):
            yield csv_line(writer, values)
