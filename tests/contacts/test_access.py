"""A1, A2 and A3 for contacts: coordinators read but never write nor see notes; unknown ids 404."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from outreach.audit.models import AuditEvent
from outreach.directory.models import Contact
from outreach.extensions import db
from tests.conftest import csrf_token

NOTE = "Confidential: prefers calls after 5pm."


def staff_forms(contact_id: int) -> list[str]:
    """Pages with a form only ISU staff may fill in."""
    return [
        "/contacts/new",
        f"/contacts/{contact_id}/edit",
        f"/contacts/{contact_id}/postings/new",
        f"/contacts/{contact_id}/move",
        f"/contacts/{contact_id}/erase",
        f"/contacts/{contact_id}/merge",
    ]


def write_routes(contact_id: int) -> list[str]:
    """Every route of the contacts pages that changes something."""
    return [
        *staff_forms(contact_id),
        "/contacts/bulk",
        f"/contacts/{contact_id}/postings/end",
        f"/contacts/{contact_id}/archive",
        f"/contacts/{contact_id}/restore",
        f"/contacts/{contact_id}/personal-data",
    ]


def test_a_coordinator_reads_the_list_the_page_the_experts_and_the_vcard(as_coordinator, helene):
    for path in (
        "/contacts",
        f"/contacts/{helene.id}",
        "/experts",
        f"/contacts/{helene.id}/vcard",
        "/contacts/export.csv",
    ):
        assert as_coordinator.get(path).status_code == 200, path


def test_a2_a_coordinator_never_sees_notes_on_pages(as_coordinator, helene):
    for path in ("/contacts", f"/contacts/{helene.id}", "/experts", "/contacts?q=prefers"):
        html = as_coordinator.get(path).get_data(as_text=True)
        assert "prefers calls" not in html, path
    page = as_coordinator.get(f"/contacts/{helene.id}").get_data(as_text=True)
    assert "Notes" not in page
    assert "History of this record" not in page  # audit values would hold the notes
    assert "Edit" not in page and "Erase" not in page


def test_a2_a_coordinator_never_gets_notes_in_exports(as_coordinator, helene):
    text = as_coordinator.get("/contacts/export.csv").get_data(as_text=True)
    assert "Notes" not in text.splitlines()[0]
    assert "prefers calls" not in text
    sheet = load_workbook(io.BytesIO(as_coordinator.get("/contacts/export.xlsx").data)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "Notes" not in values
    assert not any("prefers calls" in v for v in values)


def test_a1_a_coordinator_gets_403_on_every_write_and_nothing_changes(as_coordinator, helene):
    token = csrf_token(as_coordinator, "/account")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for path in staff_forms(helene.id):
        assert as_coordinator.get(path).status_code == 403, path
    for path in write_routes(helene.id):
        response = as_coordinator.post(
            path,
            data={
                "csrf_token": token,
                "ids": [str(helene.id)],
                "action": "archive",
                "last_name": "Changed",
                "other_id": "1",
            },
        )
        assert response.status_code == 403, path
    db.session.expire_all()
    contact = db.session.get(Contact, helene.id)
    assert (contact.last_name, contact.archived_at, contact.erased_at) == ("Dubois", None, None)
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before


def test_a3_unknown_ids_answer_404_without_a_hint(signed_in):
    for path in write_routes(424242):
        if path in ("/contacts/new", "/contacts/bulk"):
            continue
        assert signed_in.get(path).status_code in (404, 405), path
    token = csrf_token(signed_in, "/account")
    for path in write_routes(424242)[1:]:
        if path == "/contacts/bulk":
            continue
        assert signed_in.post(path, data={"csrf_token": token}).status_code == 404, path


def test_t5_a_post_without_csrf_token_is_refused(signed_in, helene):
    assert signed_in.post(f"/contacts/{helene.id}/archive").status_code == 400
    assert signed_in.post("/contacts/new", data={"last_name": "X"}).status_code == 400
    assert db.session.get(Contact, helene.id).archived_at is None
