"""Attendance: one form for the whole list, invitees and delegation members, saved at once."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.extensions import db
from outreach.invitations.models import Delegate, Invitation
from tests.conftest import csrf_token
from tests.participants.conftest import Conference, attending, invite, queries_of_page


def page(conference: Conference) -> str:
    return f"/meetings/{conference.meeting.id}/attendance"


def ticked(html: str, name: str) -> set[int]:
    """The ids of the ticked boxes of one kind ("attended" or "delegates")."""
    pattern = rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*? checked>'
    return {int(value) for value in re.findall(pattern, html)}


def listed(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'<input type="hidden" name="shown" value="(\d+)">', html)}


def delegate(invitation: Invitation, name: str) -> Delegate:
    return next(d for d in invitation.delegates if d.name == name)


def test_the_sheet_lists_everyone_still_invited_with_their_delegation(
    client, auth, staff, conference
):
    auth.login(staff.email)
    response = client.get(page(conference))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert conference.removed.id not in listed(html)
    assert {conference.france.id, conference.declined.id, conference.pending.id} <= listed(html)
    assert ticked(html, "attended") == set() and ticked(html, "delegates") == set()
    assert "Attendance has not been recorded yet." in html
    assert '<label for="delegate-' in html and "Paul Leroy" in html
    assert re.search(r"0</span> of 13 invitees attended", html)
    assert re.search(r"0</span> of 4 delegation members attended", html)


def test_ticked_people_are_recorded_present_and_the_others_absent_in_one_save(
    client, auth, staff, conference
):
    france, unmas = conference.france, conference.unmas
    leroy = delegate(france, "Paul Leroy")
    auth.login(staff.email)
    html = client.get(page(conference)).get_data(as_text=True)
    response = client.post(
        page(conference),
        data={
            "csrf_token": csrf_token(client, page(conference)),
            "shown": sorted(listed(html)),
            "attended": [france.id, unmas.id],
            "delegates": [leroy.id],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert france.attended is True and unmas.attended is True
    assert conference.usa.attended is False  # on the sheet, unticked: absent
    assert conference.removed.attended is None  # not on the sheet: untouched
    assert leroy.attended is True
    assert delegate(france, "Inès Roux").attended is False
    assert delegate(unmas, "Lena Berg").attended is False
    html = client.get(page(conference)).get_data(as_text=True)
    assert "Attendance saved: 2 of 13 invitees and 1 of 4 delegation members attended." in html
    assert ticked(html, "attended") == {france.id, unmas.id}
    assert ticked(html, "delegates") == {leroy.id}
    assert re.search(r"3</span> people present in all", html)
    assert "Attendance has not been recorded yet." not in html


def test_someone_invited_after_the_sheet_was_opened_is_left_untouched(
    client, auth, staff, conference
):
    auth.login(staff.email)
    html = client.get(page(conference)).get_data(as_text=True)
    late = invite(conference.meeting, "Late", "Lara", **attending())
    client.post(
        page(conference),
        data={
            "csrf_token": csrf_token(client, page(conference)),
            "shown": sorted(listed(html)),
            "attended": [conference.france.id],
        },
    )
    db.session.expire_all()
    assert late.attended is None
    assert conference.france.attended is True


def test_marking_attendance_is_in_the_audit_trail(client, auth, staff, conference):
    auth.login(staff.email)
    client.post(
        page(conference),
        data={
            "csrf_token": csrf_token(client, page(conference)),
            "shown": [conference.hrw.id],
            "attended": [conference.hrw.id],
        },
    )
    event = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "Invitation",
            AuditEvent.record_id == str(conference.hrw.id),
            AuditEvent.action == "update",
        )
    ).one()
    assert event.after["attended"] is True
    assert event.actor_label == staff.email


def test_a_tampered_id_gets_a_message_and_changes_nothing(client, auth, staff, conference):
    auth.login(staff.email)
    response = client.post(
        page(conference),
        data={
            "csrf_token": csrf_token(client, page(conference)),
            "shown": [conference.france.id],
            "attended": ["<script>"],
        },
    )
    assert response.status_code == 422
    assert "one value was not understood" in response.get_data(as_text=True)
    db.session.expire_all()
    assert conference.france.attended is None


def test_the_sheet_loads_in_a_constant_number_of_queries(
    client, auth, staff, conference, count_queries
):
    def grow() -> None:
        for n in range(10):
            invite(conference.meeting, f"Extra{n}", "Max", delegates=(("Aide", "Adviser"),))

    url = page(conference)
    auth.login(staff.email)
    few, many = queries_of_page(client, url, count_queries, grow)
    assert many == few


def test_a1_a_coordinator_can_neither_see_nor_mark_attendance(
    client, auth, coordinator, conference
):
    auth.login(coordinator.email)
    assert client.get(page(conference)).status_code == 403
    response = client.post(
        page(conference),
        data={
            "csrf_token": csrf_token(client, "/account"),
            "shown": [conference.france.id],
            "attended": [conference.france.id],
        },
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert conference.france.attended is None


def test_an_unknown_meeting_is_not_found(client, auth, staff, app: Any):
    auth.login(staff.email)
    assert client.get("/meetings/424242/attendance").status_code == 404
