"""bench/RESULTS.md is written by `make bench` and committed: its format is what readers rely on."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "RESULTS.md"
PAGES = ["home page", "comparison page", "tool page"]
ENDPOINTS = [
    "bare Django view",
    *(f"{page} via Varnish" for page in PAGES),
    "votes.js via Varnish",
    *(f"{page} at origin" for page in [*PAGES, "search"]),
    "vote POST",
    "vote POST, spread over comparisons",
]
NUMBER = r"[\d,]+(?:\.\d+)?"


def text() -> str:
    return RESULTS.read_text()


def test_header_names_date_commit_machine_and_the_bare_view():
    lines = text().splitlines()
    assert lines[0] == "# Benchmark results"
    assert re.search(r"^- Date: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", text(), re.MULTILINE)
    assert re.search(r"^- Commit: [0-9a-f]{7,40}$", text(), re.MULTILINE)
    assert re.search(r"^- Machine: .+ cores", text(), re.MULTILINE)
    assert re.search(rf"^- Bare Django view: {NUMBER} requests/s", text(), re.MULTILINE)


def test_every_endpoint_has_a_full_row_of_numbers():
    rows = {}
    for line in text().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 9 and cells[0] in ENDPOINTS:
            rows[cells[0]] = cells
    assert list(rows) == ENDPOINTS
    for name, cells in rows.items():
        _, rps, ratio, target, p50, p99, spread, queries, errors = cells
        for value in (rps, ratio, p50, p99, spread):
            assert re.fullmatch(NUMBER, value), (name, value)
        assert re.fullmatch(r"\d+", queries) and re.fullmatch(r"\d+", errors), name
        assert target == "—" or re.fullmatch(rf"≥ {NUMBER}", target), name
    assert rows["bare Django view"][2] == "1.00"


def test_the_weekly_send_is_reported_against_smtplib():
    section = text().split("## Weekly send", 1)
    assert len(section) == 2, "the weekly send section is missing"
    body = section[1]
    assert re.search(
        rf"\| Celery worker .*\| {NUMBER} \| {NUMBER} \| {NUMBER} \| {NUMBER} \|", body
    )
    assert re.search(r"\| plain smtplib .*\| 1\.00 \|", body)
    assert "peak RSS" in body
