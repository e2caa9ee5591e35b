"""Exports of the filtered list: every matching row, CSV and XLSX, formulas escaped (I7)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import make_organisation

FORMULAS = [
    '=HYPERLINK("https://evil.example","Click")',
    "+41 22 000",
    "-2+3",
    "@SUM(A1:A9)",
]


def csv_rows(response) -> list[dict[str, str]]:
    """The rows of a CSV download, by header."""
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[dict[str, str]]:
    """The rows of an XLSX download, by header."""
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    headers, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(headers, row, strict=True)) for row in rows]


def test_the_csv_holds_every_matching_row_not_only_the_page(signed_in, app, audit_events):
    for number in range(60):
        make_organisation(f"Exported NGO {number:02d}", tags=["export"])
    make_organisation("Not exported", kind="ministry", tags=["export"])

    response = signed_in.get("/organisations/export.csv?tag=export&kind=ngo&per_page=25&page=2")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="organisations-'
    )
    rows = csv_rows(response)
    assert len(rows) == 60
    assert rows[0]["Name"] == "Exported NGO 00"
    assert rows[0]["Kind"] == "NGO"
    assert rows[0]["Tags"] == "export"
    assert "Not exported" not in {row["Name"] for row in rows}
    assert audit_events("export")[-1].detail == "60 organisations as CSV"
    assert audit_events("export")[-1].record_type == "Organisation"


def test_the_list_links_to_its_exports_with_the_same_filters(signed_in, app):
    make_organisation("Linked NGO")
    html = signed_in.get("/organisations?kind=ngo&q=linked").get_data(as_text=True)
    assert 'href="/organisations/export.csv?q=linked&amp;kind=ngo"' in html
    assert 'href="/organisations/export.xlsx?q=linked&amp;kind=ngo"' in html


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_i7_cells_that_would_start_a_formula_are_escaped(signed_in, app, extension):
    for value in FORMULAS:
        make_organisation(value, kind="other", address="\tTabbed", phone="=1+1")

    response = signed_in.get(f"/organisations/export.{extension}?kind=other")

    rows = csv_rows(response) if extension == "csv" else xlsx_rows(response)
    names = {row["Name"] for row in rows}
    assert names == {"'" + value for value in FORMULAS}
    assert '\'=HYPERLINK("https://evil.example","Click")' in names
    assert {row["Phone"] for row in rows} == {"'=1+1"}


def test_the_excel_file_is_a_workbook_of_text_cells(signed_in, app, audit_events):
    make_organisation("Excel NGO", state_iso3="CHE", website="https://excel.example")

    response = signed_in.get("/organisations/export.xlsx?q=excel")

    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    [row] = xlsx_rows(response)
    assert (row["Name"], row["State"], row["State name"], row["Website"]) == (
        "Excel NGO",
        "CHE",
        "Switzerland",
        "https://excel.example",
    )
    assert row["Archived"] == "no"
    assert audit_events("export")[-1].detail == "1 organisations as XLSX"


def test_a2_exports_for_coordinators_leave_the_notes_out(as_coordinator, app):
    make_organisation("Noted NGO", notes="Confidential: the minister is hostile")

    for extension in ("csv", "xlsx"):
        response = as_coordinator.get(f"/organisations/export.{extension}?q=noted")
        rows = csv_rows(response) if extension == "csv" else xlsx_rows(response)
        assert rows[0]["Name"] == "Noted NGO"
        assert "Notes" not in rows[0]
        assert b"minister is hostile" not in response.get_data()


def test_staff_exports_include_the_notes(signed_in, app):
    make_organisation("Noted NGO", notes="Confidential: the minister is hostile")

    [row] = csv_rows(signed_in.get("/organisations/export.csv?q=noted"))

    assert row["Notes"] == "Confidential: the minister is hostile"
