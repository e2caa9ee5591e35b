"""Downloads of the dialogues list (CSV and XLSX) and its print-ready page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl

from outreach.core.exports import XLSX_MIMETYPE
from outreach.extensions import db
from tests.coordination.conftest import MARKER, Scene


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_coordinator_downloads_the_dialogues_of_their_areas_without_any_summary(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    response = client.get("/dialogues/export/csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="dialogues-')
    rows = csv_rows(response)
    assert [row["State"] for row in rows] == ["Indonesia", "Viet Nam"]
    indonesia = rows[0]
    assert indonesia["Area"] == "Universalization"
    assert indonesia["Engagement stage"] == "Considering"
    assert indonesia["Next step"] == "Meet the new ambassador"
    assert set(indonesia["Responsible"].split("; ")) == {"Sam Specialist", "Chris Coordinator"}
    # The last contact a coordinator may see: the normal call, not yesterday's démarche.
    assert indonesia["Last contact"] == (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert rows[1]["Stale"] == "stale"
    body = response.get_data(as_text=True)
    assert MARKER not in body
    assert "Ratification is before parliament" not in body  # no position, no summary


def test_the_xlsx_download_has_the_same_rows_and_follows_the_filters(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    auth.login(staff.email)
    rows = xlsx_rows(client.get("/dialogues/export/xlsx?ccm_status=state_party"))
    assert [row["State"] for row in rows] == ["Lao People's Democratic Republic", "Vanuatu"]
    assert rows[0]["Related deadlines"] == "Art. 4 deadline: 2030-08-01, extended"
    assert rows[1]["Related deadlines"].startswith("Art. 7 initial report: 2026-08-28")
    everything = xlsx_rows(client.get("/dialogues/export/xlsx"))
    assert len(everything) == 4
    assert all(MARKER not in str(value) for row in everything for value in row.values())


def test_exported_cells_never_start_a_formula(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    scene.idn_universalization.next_step = '=HYPERLINK("http://evil.example","Click")'
    db.session.commit()
    auth.login(staff.email)
    (row,) = csv_rows(client.get("/dialogues/export/csv?area=universalization&status=active"))
    assert row["Next step"] == "'" + '=HYPERLINK("http://evil.example","Click")'
    (cell,) = [
        r["Next step"]
        for r in xlsx_rows(client.get("/dialogues/export/xlsx?status=active&region=Asia"))
        if r["State"] == "Indonesia"
    ]
    assert cell.startswith("'=")


def test_an_export_is_recorded_and_an_unknown_format_is_not_found(
    client: Any, auth: Any, coordinator: Any, scene: Scene, audit_events: Any
) -> None:
    auth.login(coordinator.email)
    client.get("/dialogues/export/xlsx")
    (event,) = audit_events("export")
    assert event.record_type == "Dialogue" and event.detail == "2 dialogues as xlsx"
    assert client.get("/dialogues/export/pdf").status_code == 404


def test_the_print_page_is_a_document_without_navigation_with_title_date_and_filters(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    response = client.get("/dialogues/print?ccm_status=not_yet_party&region=Asia")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="main-nav"' not in html and "Sign out" not in html
    assert "<h1>Dialogues: Universalization</h1>" in html
    today = dt.date.today()
    assert f'<time datetime="{today.isoformat()}">{today.strftime("%-d %B %Y")}</time>' in html
    assert "Filters: Region: Asia; CCM status: Signatories and States not party." in html
    assert "use your browser's <strong>Print</strong> command" in html
    assert "coordination.css" in html
    assert "Indonesia" in html and "Viet Nam" in html and "Meet the new ambassador" in html
    assert MARKER not in html
    unfiltered = client.get("/dialogues/print").get_data(as_text=True)
    assert "No filter: every dialogue of your areas." in unfiltered


def test_the_print_page_follows_the_filters_and_says_when_nothing_matches(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    auth.login(staff.email)
    html = client.get("/dialogues/print?area=clearance").get_data(as_text=True)
    assert "<h1>Dialogues: Clearance and Risk Reduction Education</h1>" in html
    assert "Lao People" in html and "Indonesia" not in html
    assert "<h1>Dialogues: all thematic areas</h1>" in client.get("/dialogues/print").get_data(
        as_text=True
    )
    nothing = client.get("/dialogues/print?region=Europe").get_data(as_text=True)
    assert "No dialogue matches these filters." in nothing
