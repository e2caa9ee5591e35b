"""P1 and P2: a person's data exported whole, and erased everywhere but for one audit event."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.contacts import privacy
from outreach.contacts.privacy import erase_contact, export_personal_data
from outreach.contacts.services import ContactData, save_contact
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact, ContactEmail, ContactPhone, Posting
from outreach.extensions import db
from tests.factories import make_contact, make_organisation

PERSONAL = ("Hélène", "Dubois", "helene.dubois@diplomatie.example", "229171234", "after 5pm")


def dump_table(name: str) -> str:
    """Every row of a table, as text, to search for personal data."""
    rows = db.session.execute(sa.text(f"SELECT * FROM {name}"))  # noqa: S608 - a fixed name
    return json.dumps([[str(v) for v in row] for row in rows], ensure_ascii=False)


@pytest.fixture
def person(app):
    mission = make_organisation("Permanent Mission of France", "permanent_mission")
    contact = make_contact(
        "Dubois",
        "Hélène",
        organisation=mission,
        position="Ambassador",
        emails=["helene.dubois@diplomatie.example"],
        phones=["+41 22 917 12 34"],
        tags=["3RC"],
        area_slugs=["clearance"],
        keywords=["survey"],
        notes="Prefers calls after 5pm.",
    )
    save_contact(
        contact,
        ContactData(
            last_name="Dubois",
            first_name="Hélène",
            emails=["helene.dubois@diplomatie.example", "hd@home.example"],
            phones=["+41 22 917 12 34"],
            tags=["3RC", "donor"],
            area_slugs=["clearance"],
            keywords=["survey"],
            notes="Prefers calls after 5pm. Met at 13MSP.",
        ),
        contact.version,
    )
    return contact


def test_p1_the_export_holds_every_field_link_and_audit_event(person):
    data = export_personal_data(person)

    assert data["contact"]["first_name"] == "Hélène"
    assert data["contact"]["notes"] == "Prefers calls after 5pm. Met at 13MSP."
    assert [e["address"] for e in data["emails"]] == [
        "helene.dubois@diplomatie.example",
        "hd@home.example",
    ]
    assert data["phones"] == [{"number": "+41229171234", "label": ""}]
    assert data["postings"][0]["organisation"] == "Permanent Mission of France"
    assert data["postings"][0]["position"] == "Ambassador"
    assert data["tags"] == ["3RC", "donor"]
    assert data["expertise_areas"][0]["slug"] == "clearance"
    assert data["keywords"] == ["survey"]
    actions = [(e["record_type"], e["action"]) for e in data["audit_events"]]
    assert ("Contact", "create") in actions
    assert ("Posting", "create") in actions
    assert ("Contact", "update") in actions
    json.dumps(data)  # machine-readable as it is


def test_p1_the_export_is_recorded_without_the_data(person, audit_events):
    export_personal_data(person)

    [event] = audit_events("personal_data_export")
    assert (event.record_type, event.record_id) == ("Contact", str(person.id))
    assert event.before is None and event.after is None
    assert "Hélène" not in (event.detail or "")


def test_p2_erasure_leaves_nothing_personal_in_the_contact_email_phone_and_audit_tables(
    person, audit_events
):
    posting_id = person.postings[0].id
    erase_contact(person)

    for table in ("contact", "contact_email", "contact_phone", "posting", "audit_event"):
        text = dump_table(table)
        for value in PERSONAL:
            assert value not in text, (table, value)
    db.session.expire_all()
    erased = db.session.get(Contact, person.id)
    assert erased.last_name == "Erased"
    assert (erased.first_name, erased.notes, erased.emails, erased.phones) == ("", "", [], [])
    assert (erased.tags, erased.keywords) == ([], [])
    assert erased.erased_at is not None and erased.archived_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactEmail)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactPhone)) == 0
    # The posting stays, anonymous: the mission keeps the shape of its past staff.
    assert db.session.get(Posting, posting_id).contact_id == person.id


def test_p2_erasure_redacts_the_history_and_leaves_one_erase_event(person, audit_events):
    erase_contact(person)

    [erase] = audit_events("erase")
    assert (erase.record_type, erase.record_id) == ("Contact", str(person.id))
    assert erase.before is None and erase.after is None
    about_them = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type.in_(["Contact", "Posting"]), AuditEvent.action != "erase"
        )
    ).all()
    assert about_them
    assert all(e.redacted_at is not None for e in about_them)
    assert all(e.before is None and e.after is None for e in about_them)


def test_p2_other_peoples_history_is_untouched(person):
    other = make_contact("Keep", "Me", emails=["keep@me.example"])
    erase_contact(person)

    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "Contact", AuditEvent.record_id == str(other.id)
        )
    ).all()
    assert events and all(e.redacted_at is None for e in events)
    assert events[0].after["last_name"] == "Keep"


def test_erasing_twice_is_refused(person):
    erase_contact(person)
    with pytest.raises(ValidationError):
        erase_contact(person)


def test_a_later_feature_can_add_its_own_eraser(person, monkeypatch):
    seen = []
    monkeypatch.setattr(privacy, "ERASERS", [*privacy.ERASERS, lambda c: seen.append(c.id)])

    erase_contact(person)

    assert seen == [person.id]
