"""Personal data: everything held about a person, as JSON, and erasure by anonymisation.

Later features that keep personal data of contacts (the message log of meetings, say) register
here: an exporter adds a section to the export, an eraser anonymises its rows, and an audit scope
names the audit events whose recorded values must be redacted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.audit.services import record
from outreach.contacts.services import refresh_search_text
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact
from outreach.extensions import db

ERASED_NAME = "Erased"

Exporter = Callable[[Contact], Any]
Eraser = Callable[[Contact], None]
AuditScope = Callable[[Contact], sa.ColumnElement[bool]]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _export_fields(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "honorific": contact.honorific,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "preferred_language": contact.preferred_language,
        "do_not_email": contact.do_not_email,
        "do_not_email_reason": contact.do_not_email_reason,
        "do_not_email_since": _date(contact.do_not_email_since),
        "notes": contact.notes,
        "archived_at": _date(contact.archived_at),
        "erased_at": _date(contact.erased_at),
        "merged_into_id": contact.merged_into_id,
        "created_at": _date(contact.created_at),
        "updated_at": _date(contact.updated_at),
    }


def _export_emails(contact: Contact) -> list[dict[str, Any]]:
    return [
        {"address": e.address, "label": e.label, "bounced_at": _date(e.bounced_at)}
        for e in contact.emails
    ]


def _export_phones(contact: Contact) -> list[dict[str, Any]]:
    return [{"number": p.number, "label": p.label} for p in contact.phones]


def _export_postings(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "organisation_id": p.organisation_id,
            "organisation": p.organisation.name,
            "position": p.position,
            "start_date": _date(p.start_date),
            "end_date": _date(p.end_date),
            "focal_point": p.focal_point,
        }
        for p in contact.postings
    ]


def _contact_and_postings(contact: Contact) -> sa.ColumnElement[bool]:
    """The audit events of the contact record and of its postings."""
    posting_ids = [str(p.id) for p in contact.postings]
    return sa.or_(
        sa.and_(AuditEvent.record_type == "Contact", AuditEvent.record_id == str(contact.id)),
        sa.and_(AuditEvent.record_type == "Posting", AuditEvent.record_id.in_(posting_ids)),
    )


AUDIT_SCOPES: list[AuditScope] = [_contact_and_postings]


def _audit_condition(contact: Contact) -> sa.ColumnElement[bool]:
    return sa.or_(*(scope(contact) for scope in AUDIT_SCOPES))


def contact_history(contact: Contact, limit: int = 200) -> list[AuditEvent]:
    """The audit events about a person (their record and postings), newest first."""
    query = (
        sa.select(AuditEvent)
        .where(_audit_condition(contact))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _export_audit(contact: Contact) -> list[dict[str, Any]]:
    events = db.session.scalars(
        sa.select(AuditEvent).where(_audit_condition(contact)).order_by(AuditEvent.id)
    )
    return [
        {
            "at": _date(e.at),
            "by": e.actor_label,
            "action": e.action,
            "record_type": e.record_type,
            "record_id": e.record_id,
            "before": e.before,
            "after": e.after,
            "detail": e.detail,
            "redacted_at": _date(e.redacted_at),
        }
        for e in events
    ]


EXPORTERS: dict[str, Exporter] = {
    "contact": _export_fields,
    "emails": _export_emails,
    "phones": _export_phones,
    "postings": _export_postings,
    "tags": lambda c: [t.name for t in c.tags],
    "expertise_areas": lambda c: [{"slug": a.slug, "name": a.name} for a in c.areas],
    "keywords": lambda c: [k.name for k in c.keywords],
    "audit_events": _export_audit,
}


def personal_data(contact: Contact) -> dict[str, Any]:
    """Everything held about a person, as plain JSON-ready values."""
    return {
        "exported_at": _date(utcnow()),
        **{name: exporter(contact) for name, exporter in EXPORTERS.items()},
    }


def export_personal_data(contact: Contact) -> dict[str, Any]:
    """The person's data, the export itself recorded in the audit trail (without the data)."""
    data = personal_data(contact)
    record("personal_data_export", record_type="Contact", record_id=contact.id)
    db.session.commit()
    return data


def _erase_identity(contact: Contact) -> None:
    contact.honorific = ""
    contact.first_name = ""
    contact.last_name = ERASED_NAME
    contact.notes = ""
    contact.do_not_email = True  # nothing may be sent to what is left
    contact.do_not_email_reason = ""
    contact.do_not_email_since = None
    contact.emails = []
    contact.phones = []


def _erase_links(contact: Contact) -> None:
    contact.tags = []
    contact.keywords = []
    contact.areas = []


ERASERS: list[Eraser] = [_erase_identity, _erase_links]


def erase_contact(contact: Contact) -> Contact:
    """Anonymise a person everywhere: names, emails, phones, notes, labels, audit values.

    Postings stay, anonymous, so organisations keep the shape of their past staff. A single
    "erase" audit event without personal data is left.
    """
    if contact.erased_at is not None:
        raise ValidationError({"erase": "This person's data has already been erased."})
    for eraser in ERASERS:
        eraser(contact)
    now = utcnow()
    contact.erased_at = now
    contact.archived_at = contact.archived_at or now
    refresh_search_text(contact)
    db.session.flush()  # the automatic audit of these changes is written, then redacted below
    db.session.execute(
        sa.update(AuditEvent)
        .where(_audit_condition(contact), AuditEvent.redacted_at.is_(None))
        .values(before=sa.null(), after=sa.null(), redacted_at=now)
        .execution_options(synchronize_session=False)
    )
    record("erase", record_type="Contact", record_id=contact.id, detail="personal data erased")
    db.session.commit()
    return contact
