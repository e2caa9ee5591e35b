"""Reading an uploaded CSV or XLSX file into a header row and data rows, refusing hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from outreach.core.exports import ESCAPE, FORMULA_START, unescape_cell

MAX_FIELD_CHARS = 32_767  # Excel's own limit for one cell
MAX_COLUMNS = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (and .doc)
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
SNIFF_CHARS = 64 * 1024
# An XLSX is a ZIP: refuse one that unpacks to far more than it weighs (a "zip bomb").
MAX_UNPACKED_RATIO = 40


class ReadError(ValueError):
    """The file cannot be imported; the message says why in plain words."""


@dataclass
class Row:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    cells: list[str]
    extra: bool = False  # the row has non-empty cells beyond the header's columns


@dataclass
class Table:
    """The header row and the non-blank data rows of a file."""

    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    file_format: str = "CSV"
    detail: str = ""  # "UTF-8, semicolons": how the file was read

    def column(self, index: int, limit: int = 3) -> list[str]:
        """The first few non-empty values of a column, as samples."""
        found = []
        for row in self.rows:
            if index < len(row.cells) and row.cells[index].strip():
                found.append(row.cells[index])
                if len(found) == limit:
                    break
        return found


def _size(number: int) -> str:
    megabytes = number / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{number // 1024:,} KB"


def unescape(text: str) -> str:
    """Undo the apostrophe that exports put before a formula-like cell, and only that one.

    An exported cell starts with an apostrophe only when the value itself starts with a formula
    character or an apostrophe (`safe_cell`), so "'t Hooft" typed by a person stays as it is.
    """
    if text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_START, ESCAPE)):
        return unescape_cell(text)
    return text


def read_table(content: bytes, filename: str, max_bytes: int, max_rows: int) -> Table:
    """The file's header and data rows; raises ReadError with a plain message when it cannot."""
    name = filename.lower().strip()
    if not content:
        raise ReadError("The file is empty.")
    if len(content) > max_bytes:
        raise ReadError(
            f"The file is larger than {_size(max_bytes)}, the limit. Split it into smaller files."
        )
    if name.endswith(".xls") or content.startswith(OLE_MAGIC):
        raise ReadError(
            "Old Excel files (.xls) cannot be read. Open it in Excel or LibreOffice and save it "
            "as .xlsx or as CSV UTF-8, then upload that."
        )
    if content.startswith(ZIP_MAGIC):
        if not _is_xlsx(content):
            raise ReadError(
                "The file is a ZIP archive, not a CSV or XLSX file. Upload the spreadsheet itself."
            )
        table = _read_xlsx(content, max_rows)
    elif name.endswith((".xlsx", ".xlsm")):
        raise ReadError("The file is named .xlsx but is not an Excel workbook.")
    elif name.endswith((".csv", ".txt", ".tsv")) or "." not in name:
        table = _read_csv(content, max_rows)
    else:
        raise ReadError("Upload a .csv or .xlsx file.")
    _check_header(table)
    return table


def _check_header(table: Table) -> None:
    headers = [h.strip() for h in table.headers]
    if not any(headers):
        raise ReadError("The file has no header row: its first row should name the columns.")
    if any("@" in h and "." in h.split("@")[-1] and " " not in h for h in headers):
        raise ReadError(
            "The first row holds data (an email address), not column names. Add a header row "
            "naming the columns (Last name, Email, …)."
        )
    if len(headers) == 1 and "|" in headers[0]:
        raise ReadError(
            "The columns seem to be separated by “|”. Save the file with commas, semicolons or "
            "tabs between the columns."
        )
    if len(headers) > MAX_COLUMNS:
        raise ReadError(f"The file has more than {MAX_COLUMNS} columns.")
    if not table.rows:
        raise ReadError("The file has a header row but no data rows.")


# --- CSV ---


def _decode(content: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), UTF-16 with a BOM
    (Excel's "Unicode text"), else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ReadError("The file is not UTF-8 or Windows-1252 text.") from None
    nul = content.find(b"\x00")
    if nul >= 0:
        line = content.count(b"\n", 0, nul) + 1
        raise ReadError(
            f"Line {line:,} has a NUL byte: this is not a text file. Save the spreadsheet as "
            "CSV UTF-8 or XLSX and upload that."
        )
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ReadError(
            "The file is not UTF-8 or Windows-1252 text. Save it as CSV UTF-8 and upload that."
        ) from None


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header into most columns and the next
    rows into as many."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)]
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)][:50]
        if not records:
            continue
        width = len(records[0])
        rest = records[1:]
        same = sum(len(r) == width for r in rest) / len(rest) if rest else 1.0
        score = (width > 1, same, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(content: bytes, max_rows: int) -> Table:
    text, encoding = _decode(content)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ReadError(f"Line {line:,} has a NUL character: this is not a plain text file.")
    if not text.strip():
        raise ReadError("The file is empty.")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers, rows = _collect(enumerate(reader, start=1), max_rows)
    except csv.Error:
        raise ReadError(
            f"Line {reader.line_num:,} could not be read: it has a cell larger than "
            f"{MAX_FIELD_CHARS:,} characters or a broken quote."
        ) from None
    detail = f"{encoding}, columns separated by {DELIMITER_NAMES[delimiter]}"
    return Table(headers=headers, rows=rows, file_format="CSV", detail=detail)


def _checked(record: list[str], number: int) -> list[str]:
    for index, cell in enumerate(record):
        if len(cell) > MAX_FIELD_CHARS:
            raise ReadError(
                f"Row {number:,}, column {index + 1} has {len(cell):,} characters; a cell may "
                f"have at most {MAX_FIELD_CHARS:,}."
            )
    return record


def _collect(
    records: Iterable[tuple[int, list[str]]], max_rows: int
) -> tuple[list[str], list[Row]]:
    """The first non-blank record as the header, the next non-blank ones as rows."""
    headers: list[str] | None = None
    rows: list[Row] = []
    for number, cells in records:
        if headers is None:
            if any(c.strip() for c in cells):  # blank lines above the header are left out
                headers = _header(_checked(cells, number))
            continue
        _add_row(rows, number, _checked(cells, number), len(headers), max_rows)
    return headers or [], rows


def _header(cells: list[str]) -> list[str]:
    """The column names, without the empty ones at the end."""
    headers = [" ".join(unescape(c.strip()).split()) for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _add_row(rows: list[Row], number: int, cells: list[str], width: int, max_rows: int) -> None:
    """Keep a non-blank row, padded or cut to the header's width."""
    if not any(c.strip() for c in cells):
        return
    if len(rows) >= max_rows:
        raise ReadError(
            f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}. "
            "Split it into smaller files."
        )
    extra = any(c.strip() for c in cells[width:])
    cells = [unescape(c) for c in cells[:width]]
    cells += [""] * (width - len(cells))
    rows.append(Row(number=number, cells=cells, extra=extra))


# --- XLSX ---


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _xlsx_text(value: Any) -> str:
    """A cell's value as text; dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_RATIO * max(len(content), 1024 * 1024):
        raise ReadError("The workbook unpacks to far more data than its size: it cannot be read.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ReadError("The file is not a readable Excel workbook (.xlsx).") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ReadError("The workbook has no sheet.")
        values = sheet.iter_rows(values_only=True)
        records = ((n, [_xlsx_text(v) for v in row]) for n, row in enumerate(values, start=1))
        headers, rows = _collect(records, max_rows)
    except ReadError:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged sheet
        raise ReadError("The workbook is damaged: its first sheet cannot be read.") from None
    finally:
        workbook.close()
    return Table(headers=headers, rows=rows, file_format="XLSX", detail="first sheet")
