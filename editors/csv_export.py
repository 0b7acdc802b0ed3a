"""CSV downloads from the admin that open safely in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula by spreadsheet apps (CSV injection):
# it gets a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """The file-like object csv.writer wants: each row is handed straight back."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream ``rows`` as UTF-8 CSV; the byte order mark tells spreadsheet apps it is UTF-8."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
