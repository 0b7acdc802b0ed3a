"""CSV downloads from the admin that open safely in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import StreamingHttpResponse

from compsite.csv_cells import csv_line, line_writer


def csv_download(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream ``rows`` as UTF-8 CSV; the byte order mark tells spreadsheet apps it is UTF-8."""
    writer = line_writer()

    def lines():
        yield "\ufeff"
        yield csv_line(writer, header)
        for row in rows:
            yield csv_line(writer, row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
