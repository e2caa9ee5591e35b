"""The audit trail: every change with values before and after, never a secret, and append-only
in the database itself (P3)."""

import json

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from outreach.audit.models import AuditEvent
from outreach.audit.services import encode_for_log
from outreach.extensions import db
from tests.factories import PASSWORD, make_user


def whole_trail():
    return json.dumps(
        [
            [event.actor_label, event.record_id, event.before, event.after, event.detail]
            for event in db.session.scalars(sa.select(AuditEvent))
        ]
    )


def test_creating_a_user_records_the_values_but_never_the_password_hash(app, audit_events):
    user = make_user("newcomer@isu.example", "coordinator", name="Nia", areas=["clearance"])
    [created] = [e for e in audit_events("create") if e.record_type == "User"]
    assert created.record_id == str(user.id)
    assert created.actor_label == "test"
    assert created.before is None
    assert created.after["email"] == "newcomer@isu.example"
    assert created.after["role"] == "coordinator"
    assert created.after["active"] is True
    assert "password_hash" not in created.after
    assert user.password_hash not in whole_trail()
    assert PASSWORD not in whole_trail()


def test_disabling_a_user_records_an_update_with_the_value_before_and_after(
    runner, staff, audit_events
):
    runner.invoke(args=["users", "disable", staff.email])
    [update] = [e for e in audit_events("update") if e.record_type == "User"]
    assert update.record_id == str(staff.id)
    assert update.actor_label == "command: users disable"
    assert update.before == {"active": True}
    assert update.after == {"active": False}


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEvent).values(action="nothing_happened"),
        sa.update(AuditEvent).values(before=None, after=None),
        sa.delete(AuditEvent),
    ],
    ids=["update-action", "update-values", "delete"],
)
def test_p3_the_database_refuses_to_change_or_delete_audit_events(app, staff, statement):
    before = whole_trail()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= 1
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
        db.session.execute(statement)
        db.session.commit()
    db.session.rollback()
    assert whole_trail() == before


def test_p3_an_audit_event_changed_through_the_orm_is_refused_too(app, staff):
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.actor_label == "test")).one()
    event.actor_label = "someone else"
    with pytest.raises(sqlalchemy.exc.DatabaseError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).actor_label == "test"


def test_p3_a_newline_in_a_failed_sign_in_cannot_forge_a_line_of_the_trail(auth, audit_events):
    response = auth.login("a@b.example\nforged 2026-01-01 login admin@isu.example", "wrong one")
    assert response.status_code == 401
    [failed] = audit_events("login_failed")
    assert "\n" not in failed.detail
    assert failed.detail == "a@b.example\\nforged 2026-01-01 login admin@isu.example"
    assert audit_events("login") == []


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("plain text", "plain text"),
        ("line\nbreak", "line\\nbreak"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("escape\x1b[31m", "escape\\x1b[31m"),
        ("nul\x00", "nul\\x00"),
        ("back\\nslash", "back\\\\nslash"),  # a literal backslash-n stays tellable from a newline
        ("\u2028separator", "\\x2028separator"),
    ],
)
def test_p3_control_characters_in_logged_values_are_encoded(raw, encoded):
    assert encode_for_log(raw) == encoded


def test_p3_an_encoded_value_is_cut_to_fit_the_trail(auth, audit_events):
    hostile = "\x01" * 240 + "@b.example"  # within the form's 254 characters, 4 times longer
    assert auth.login(hostile, "wrong one").status_code == 401
    [failed] = audit_events("login_failed")
    assert failed.detail.startswith("\\x01\\x01")
    assert len(failed.detail) == 500


def test_the_account_page_lists_the_accounts_creation_and_sign_ins(client, auth, staff):
    auth.login(staff.email)
    page = client.get("/account").get_data(as_text=True)
    activity = page[page.index("Recent activity") :].lower()
    assert "<td>login</td><td>127.0.0.1</td>" in activity
    assert "<td>create</td><td>test</td>" in activity  # created by the test's factory
