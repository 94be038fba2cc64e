"""The two file formats. CSV is streamed row by row as the database hands the chunks over;
XLSX is written by openpyxl's write-only workbook (rows go straight to disk) into a temporary
file, then sent from it. Either way, memory stays flat however large the table."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation

from soscience.impact.exports.cells import csv_cell, xlsx_cell
from soscience.impact.exports.tables import Table
from soscience.impact.figures import Filters

FORMATS = ("csv", "xlsx")
# Excel needs the byte order mark to read UTF-8 (accents in names); other tools skip it.
BOM = "\ufeff"
SHEET_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")


class _Echo:
    """A file-like object that hands back what it is given (Django's documented pattern for
    streaming CSV: the writer formats one row, the response sends it)."""

    def write(self, value: str) -> str:
        return value


def filename(table: Table, fmt: str, filters: Filters) -> str:
    year = f"-{filters.year}" if filters.year else ""
    return f"soscience-{table.slug}{year}-{timezone.localdate().isoformat()}.{fmt}"


def _csv_lines(table: Table, filters: Filters, language: str) -> Iterator[str]:
    # The rows are read while the response is sent, after the view has returned: the
    # requester's language is held for the whole stream (status labels, yes and no).
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield BOM + writer.writerow([str(h) for h in table.headers])
        for row in table.rows(filters):
            yield writer.writerow([csv_cell(v) for v in row])


def csv_response(table: Table, filters: Filters) -> StreamingHttpResponse:
    """Comma-separated (RFC 4180), UTF-8 with a byte order mark, decimal point."""
    lines = _csv_lines(table, filters, translation.get_language() or "fr")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(table, "csv", filters)}"'
    return response


def _xlsx_file(table: Table, filters: Filters) -> IO[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # A sheet title has at most 31 characters and none of []:*?/\ .
    sheet = workbook.create_sheet(str(table.title).translate(SHEET_FORBIDDEN)[:31])
    sheet.freeze_panes = "A2"
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows(filters):
        sheet.append([_formatted(sheet, xlsx_cell(v)) for v in row])
    # Not a context manager: FileResponse closes the file once sent, and the system removes
    # it then.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file


def _formatted(sheet: object, value: object) -> object:
    """Dates shown as ISO dates, not in the spreadsheet's default serial format."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def xlsx_response(table: Table, filters: Filters) -> FileResponse:
    """One sheet named after the table, a bold frozen header row, real numbers and dates."""
    return FileResponse(
        _xlsx_file(table, filters),
        as_attachment=True,
        filename=filename(table, "xlsx", filters),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
