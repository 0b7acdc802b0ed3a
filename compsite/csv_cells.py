"""CSV that opens safely in a spreadsheet, written a line at a time for streaming responses."""

from __future__ import annotations

import csv
from typing import Any

# A text cell starting with one of these is run as a formula by spreadsheet apps (CSV
# injection): it gets a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: nothing is empty, text that would run as a formula is defused,
    numbers and dates stay what they are (``-3`` is a number, not a formula, to every app)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Echo:
    """The file ``csv.writer`` wants: each row comes straight back as the line to send."""

    def write(self, line: str) -> str:
        return line


def line_writer():
    """A ``csv.writer`` whose ``writerow`` returns the line instead of storing it."""
    return csv.writer(_Echo())


def csv_line(writer, cells) -> str:
    return writer.writerow([safe_cell(cell) for cell in cells])
