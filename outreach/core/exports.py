"""CSV and XLSX downloads whose cells can never start a spreadsheet formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
ESCAPE = "'"

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading apostrophe when it could start a formula.

    A value that already starts with an apostrophe gets one more, so that `unescape_cell` gives
    back exactly what was exported.
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    else:
        text = str(value)
    if text.startswith(FORMULA_START) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """Undo `safe_cell` on a value read back from an exported file."""
    return text[1:] if text.startswith(ESCAPE) else text


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A UTF-8 CSV download (with a byte-order mark so that Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), CSV_MIMETYPE, filename)


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet; every cell is text, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for row in ([*headers], *rows):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", safe_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """An XLSX download."""
    return _attachment(xlsx_bytes(title, headers, rows), XLSX_MIMETYPE, filename)


def download(
    file_format: str, stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """A dated CSV or XLSX download of a list (`file_format` is "csv" or "xlsx")."""
    name = f"{stem}-{dt.date.today().isoformat()}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(name, title, headers, rows)
    return csv_response(name, headers, rows)
