"""`flask --app outreach import contacts|organisations FILE`: a report per row, a summary, and an
exit status that says whether anything was imported."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.directory.models import Contact, Organisation
from outreach.extensions import db
from outreach.imports.models import ImportBatch


def write(tmp_path: Path, text: str, name: str = "people.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def contacts_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


def test_the_command_prints_a_line_per_row_and_a_summary(runner, tmp_path):
    path = write(
        tmp_path,
        "Nom;Prénom;Courriel;Pays\nPérez;Ana;ana@example.org;CHE\n;Nobody;n@example.org;\n"
        "Doe;Jo;ana@example.org;\n",
        encoding="cp1252",
    )
    result = runner.invoke(args=["import", "contacts", path])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "people.csv: CSV, Windows-1252, columns separated by semicolons; 3 rows."
    assert (
        lines[1] == "Columns: Nom → Last name; Prénom → First name; Courriel → Emails; Pays → State"
    )
    assert lines[2] == "Row 2: created — Ana Pérez"
    assert lines[3].startswith("Row 3: error — Nobody (Nom: Enter the family name")
    assert lines[4] == "Row 4: skipped (repeated in the file) — Jo Doe (the same record as row 2)"
    assert lines[5].startswith("Imported as batch ")
    assert "1 created, 1 repeated in the file, 1 with errors" in lines[5]
    assert contacts_count() == 1
    batch = db.session.scalar(sa.select(ImportBatch))
    assert (batch.actor_label, batch.user_id, batch.filename) == (
        "command: import contacts",
        None,
        "people.csv",
    )
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_type == "Contact")
    ).all()
    assert [e.actor_label for e in events] == ["command: import contacts"]


def test_a_second_run_skips_the_duplicates_and_update_updates_them(runner, tmp_path):
    path = write(tmp_path, "Last name,Email,Notes\nDoe,jo@example.org,first\n")
    assert runner.invoke(args=["import", "contacts", path]).exit_code == 0
    path = write(tmp_path, "Last name,Email,Notes\nDoe,jo@example.org,second\n")
    again = runner.invoke(args=["import", "contacts", path])
    assert again.exit_code == 0
    assert "Row 2: skipped duplicate — Doe (same email: Doe (#" in again.output
    assert "Nothing imported: 1 skipped as duplicates." in again.output
    updated = runner.invoke(args=["import", "contacts", path, "--on-duplicate", "update"])
    assert updated.exit_code == 0
    assert "Row 2: updated — Doe" in updated.output
    assert db.session.scalar(sa.select(Contact.notes)) == "second"


def test_the_exit_status_is_1_when_errors_left_nothing_to_import(runner, tmp_path):
    path = write(tmp_path, "Last name,Email\n,a@example.org\nDoe,not-an-email\n")
    result = runner.invoke(args=["import", "contacts", path])
    assert result.exit_code == 1
    assert "Row 2: error" in result.output and "Row 3: error" in result.output
    assert "Nothing imported: 2 with errors." in result.output
    assert contacts_count() == 0


def test_the_exit_status_is_1_when_the_file_cannot_be_read(runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"Last name\nDo\x00e\n")
    result = runner.invoke(args=["import", "contacts", str(path)])
    assert result.exit_code == 1
    assert "Error: people.csv: Line 2 has a NUL byte" in result.output


def test_the_exit_status_is_1_when_no_column_holds_the_name(runner, tmp_path):
    path = write(tmp_path, "Shoe size,Email\n42,a@example.org\n")
    result = runner.invoke(args=["import", "contacts", path])
    assert result.exit_code == 1
    assert "Choose the column that holds Last name." in result.output


def test_a_dry_run_reports_every_row_and_saves_nothing(runner, tmp_path):
    path = write(tmp_path, "Last name,Email\nDoe,jo@example.org\nRoe,bad\n")
    result = runner.invoke(args=["import", "contacts", path, "--dry-run"])
    assert result.exit_code == 0
    assert "Row 2: ok (would create) — Doe" in result.output
    assert "Row 3: error — Roe (Email: bad: " in result.output
    assert "Dry run, nothing saved. Would be: 1 created, 1 with errors." in result.output
    assert contacts_count() == 0
    nothing = write(tmp_path, "Last name,Email\n,x@example.org\n", "bad.csv")
    assert runner.invoke(args=["import", "contacts", nothing, "--dry-run"]).exit_code == 1


def test_organisations_from_an_xlsx_file(runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Organisation", "Acronym", "Type", "Country"])
    workbook.active.append(["Norwegian People's Aid", "NPA", "NGO", "NOR"])
    path = tmp_path / "orgs.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["import", "organisations", str(path)])
    assert result.exit_code == 0, result.output
    assert "orgs.xlsx: XLSX, first sheet; 1 row." in result.output
    assert "Row 2: created — Norwegian People's Aid" in result.output
    npa = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "NPA"))
    assert (npa.kind.value, npa.state.iso3) == ("ngo", "NOR")
