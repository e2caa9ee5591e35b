"""The States list downloads as CSV and XLSX, filtered as shown."""

import csv
import io

import openpyxl
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.extensions import db


def test_the_filtered_states_list_downloads_as_csv(client, auth, coordinator):
    auth.login(coordinator.email)
    page = client.get("/states?status=signatory").get_data(as_text=True)
    assert "/states/export.csv?status=signatory" in page

    response = client.get("/states/export.csv?status=signatory")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="states-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["ISO3", "Name", "CCM status"]
    assert len(rows) == 1 + 12
    indonesia = next(r for r in rows if r[0] == "IDN")
    assert indonesia[2] == "Signatory" and indonesia[5] == "2008-12-03"
    assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "export"))


def test_all_197_states_download_as_xlsx(client, auth, staff):
    auth.login(staff.email)

    response = client.get("/states/export.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 197
    assert {row[2] for row in rows[1:]} == {"State Party", "Signatory", "Not party", "Withdrawn"}
