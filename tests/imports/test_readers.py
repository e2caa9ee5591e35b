"""I8: reading CSV and XLSX files, and refusing hostile ones with a message a person understands."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from outreach.imports.readers import MAX_FIELD_CHARS, ReadError, read_table

MB = 1024 * 1024


def read(content: bytes, filename: str = "people.csv", max_rows: int = 20_000) -> object:
    return read_table(content, filename, max_bytes=5 * MB, max_rows=max_rows)


def refused(content: bytes, filename: str = "people.csv", **kwargs: int) -> str:
    with pytest.raises(ReadError) as caught:
        read(content, filename, **kwargs)
    return str(caught.value)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_with_a_byte_order_mark_is_read_without_it_in_the_first_header():
    table = read("\ufeffLast name,Email\nPérez,ana@example.org\n".encode())
    assert table.headers == ["Last name", "Email"]
    assert table.rows[0].cells == ["Pérez", "ana@example.org"]
    assert table.detail.startswith("UTF-8")


def test_semicolons_as_excel_writes_them_in_geneva_are_detected():
    table = read("Nom;Prénom;Adresse\nMüller;Jörg;Rue du Rhône 1, Genève\n".encode())
    assert table.headers == ["Nom", "Prénom", "Adresse"]
    assert table.rows[0].cells == ["Müller", "Jörg", "Rue du Rhône 1, Genève"]
    assert "semicolons" in table.detail


def test_tabs_are_detected_too():
    table = read(b"Last name\tEmail\nDoe\tjo@example.org\n")
    assert table.rows[0].cells == ["Doe", "jo@example.org"]


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    table = read("Nom;Prénom\nLefèvre;Zoé\n".encode("cp1252"))
    assert table.headers == ["Nom", "Prénom"]
    assert table.rows[0].cells == ["Lefèvre", "Zoé"]
    assert "Windows-1252" in table.detail


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused():
    message = refused(b"Name\n\x81\x8d\x8f\x90\x9d\n")
    assert message.startswith("The file is not UTF-8 or Windows-1252 text")


def test_utf16_with_a_byte_order_mark_from_excel_unicode_text_is_read():
    table = read("Last name\tEmail\nNguyễn\tn@example.org\n".encode("utf-16"))
    assert table.rows[0].cells == ["Nguyễn", "n@example.org"]


def test_a_nul_byte_is_refused_with_its_line():
    content = b"Last name,Email\n" + b"Doe,jo@example.org\n" * 10 + b"Evil\x00,x@example.org\n"
    assert refused(content).startswith("Line 12 has a NUL byte")


def test_a_zip_archive_named_csv_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("people.csv", "Last name\nDoe\n")
    message = refused(buffer.getvalue(), "people.csv")
    assert message.startswith("The file is a ZIP archive, not a CSV or XLSX file")


def test_an_xlsx_workbook_named_csv_is_read_as_a_workbook():
    table = read(xlsx([["Last name", "Email"], ["Doe", "jo@example.org"]]), "people.csv")
    assert table.file_format == "XLSX"
    assert table.rows[0].cells == ["Doe", "jo@example.org"]


def test_an_old_xls_file_is_refused_with_what_to_do():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "people.xls")
    assert "Old Excel files (.xls) cannot be read" in message
    assert "save it as .xlsx" in message


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    assert refused(b"Last name\nDoe\n", "people.xlsx").startswith("The file is named .xlsx")


def test_other_kinds_of_file_are_refused():
    assert refused(b"%PDF-1.7", "people.pdf") == "Upload a .csv or .xlsx file."


def test_an_empty_file_is_refused():
    assert refused(b"") == "The file is empty."
    assert refused(b"  \r\n\r\n") == "The file is empty."


def test_a_file_without_a_header_row_is_refused():
    message = refused(b"Doe,jo@example.org\nRoe,ri@example.org\n")
    assert message.startswith("The first row holds data (an email address), not column names")


def test_a_header_row_without_data_rows_is_refused():
    assert refused(b"Last name,Email\n\n").startswith("The file has a header row but no data")


def test_a_field_larger_than_the_limit_is_refused_with_its_row_and_column():
    huge = "x" * (MAX_FIELD_CHARS + 1)
    message = refused(f"Last name,Notes\nDoe,{huge}\n".encode())
    assert message.startswith("Row 2, column 2 has 32,768 characters")


def test_a_field_larger_than_the_csv_parser_accepts_is_refused_too():
    huge = "y" * 200_000
    message = refused(f'Last name,Notes\nDoe,"{huge}"\n'.encode())
    assert "larger than 32,767 characters" in message


def test_more_rows_than_the_limit_are_refused():
    content = b"Last name\n" + b"Doe\n" * 101
    assert refused(content, max_rows=100).startswith("The file has more than 100 rows")
    assert len(read(b"Last name\n" + b"Doe\n" * 100, max_rows=100).rows) == 100


def test_a_file_larger_than_the_limit_is_refused():
    content = b"Last name\n" + b"Doe\n" * (5 * MB // 4 + 1)
    assert refused(content).startswith("The file is larger than 5 MB, the limit")


def test_a_million_rows_are_refused_before_being_read_in_full():
    content = b"Last name\n" + b"D\n" * 1_000_000  # under 5 MB
    assert refused(content).startswith("The file has more than 20,000 rows")


def test_a_wrong_delimiter_gives_a_clear_message():
    message = refused(b"Last name|First name|Email\nDoe|Jo|jo@example.org\n")
    assert "separated by “|”" in message


def test_blank_rows_are_left_out_and_row_numbers_stay_those_of_the_spreadsheet():
    table = read(b"Last name,Email\n\nDoe,jo@example.org\n,\nRoe,ri@example.org\n")
    assert [r.number for r in table.rows] == [3, 5]


def test_short_rows_are_padded_and_long_ones_flagged():
    table = read(b"Last name,Email\nDoe\nRoe,ri@example.org,extra\n")
    assert table.rows[0].cells == ["Doe", ""]
    assert table.rows[1].cells == ["Roe", "ri@example.org"] and table.rows[1].extra


def test_quoted_cells_keep_their_delimiters_and_line_breaks():
    table = read(b'Last name;Notes\nDoe;"one; two\nthree"\n')
    assert table.rows[0].cells == ["Doe", "one; two\nthree"]


def test_formula_cells_are_read_as_text():
    table = read(b'Last name,Notes\n"=HYPERLINK(""http://evil.example"",""x"")",+1\n')
    assert table.rows[0].cells == ['=HYPERLINK("http://evil.example","x")', "+1"]


def test_the_apostrophe_of_an_escaped_export_is_removed_and_only_that_one():
    table = read(b"Last name,Notes\n'=SUM(A1),''t Hooft\n't Hooft,'-2\n")
    assert table.rows[0].cells == ["=SUM(A1)", "'t Hooft"]
    assert table.rows[1].cells == ["'t Hooft", "-2"]


def test_xlsx_reads_the_first_sheet_with_dates_numbers_and_booleans_as_text():
    import datetime as dt

    table = read(
        xlsx(
            [
                ["Last name", "Since", "Phone", "Do not email"],
                ["Doe", dt.date(2024, 5, 1), 41223456789, True],
            ]
        ),
        "people.xlsx",
    )
    assert table.rows[0].cells == ["Doe", "2024-05-01", "41223456789", "yes"]


def test_xlsx_formulas_are_never_evaluated():
    table = read(xlsx([["Last name", "Notes"], ["Doe", "=1+1"], ["Roe", "plain"]]), "p.xlsx")
    # The importer reads only the values a spreadsheet program cached; it computes nothing, and
    # openpyxl, which wrote this file, cached none.
    assert [r.cells for r in table.rows] == [["Doe", ""], ["Roe", "plain"]]


def test_a_damaged_workbook_is_refused():
    content = xlsx([["Last name"], ["Doe"]])
    broken = content[: len(content) // 2]
    message = refused(broken, "people.xlsx")
    assert "not a readable Excel workbook" in message or "ZIP archive" in message


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "a" * (200 * MB))
    assert "unpacks to far more data" in refused(buffer.getvalue(), "bomb.xlsx")
