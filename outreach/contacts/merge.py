"""Merging two records of the same person: every link moves to the survivor, both histories stay.

Later features that link records to contacts (interactions, invitations) register a mover in
LINK_MOVERS: a function (survivor, other) that points their rows at the survivor.
"""

from __future__ import annotations

from collections.abc import Callable

from outreach.audit.services import record
from outreach.contacts.services import link_values, record_link_changes, refresh_search_text
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact
from outreach.directory.versions import check_version
from outreach.extensions import db

LinkMover = Callable[[Contact, Contact], None]


def _move_emails(survivor: Contact, other: Contact) -> None:
    present = {e.normalised: e for e in survivor.emails}
    for email in list(other.emails):
        kept = present.get(email.normalised)
        if kept is None:
            email.position = len(survivor.emails)
            other.emails.remove(email)
            survivor.emails.append(email)
        elif email.bounced_at and not kept.bounced_at:
            kept.bounced_at = email.bounced_at


def _move_phones(survivor: Contact, other: Contact) -> None:
    present = {p.number for p in survivor.phones}
    for phone in list(other.phones):
        if phone.number not in present:
            phone.position = len(survivor.phones)
            other.phones.remove(phone)
            survivor.phones.append(phone)


def _move_postings(survivor: Contact, other: Contact) -> None:
    for posting in list(other.postings):
        other.postings.remove(posting)
        survivor.postings.append(posting)


def _union(survivor_items: list, other_items: list) -> list:
    ids = {item.id for item in survivor_items}
    return survivor_items + [item for item in other_items if item.id not in ids]


def _move_labels(survivor: Contact, other: Contact) -> None:
    survivor.tags = _union(list(survivor.tags), list(other.tags))
    survivor.areas = _union(list(survivor.areas), list(other.areas))
    survivor.keywords = _union(list(survivor.keywords), list(other.keywords))


def _fill_fields(survivor: Contact, other: Contact) -> None:
    """Blank fields of the survivor take the other's values; notes are kept side by side."""
    for name in ("honorific", "first_name"):
        if not getattr(survivor, name) and getattr(other, name):
            setattr(survivor, name, getattr(other, name))
    if other.notes and other.notes not in survivor.notes:
        survivor.notes = "\n\n".join(n for n in (survivor.notes, other.notes) if n)
    if other.do_not_email and not survivor.do_not_email:
        survivor.do_not_email = True
        survivor.do_not_email_reason = other.do_not_email_reason
        survivor.do_not_email_since = other.do_not_email_since


LINK_MOVERS: list[LinkMover] = [
    _fill_fields,
    _move_emails,
    _move_phones,
    _move_postings,
    _move_labels,
]


def merge_contacts(
    survivor: Contact,
    other: Contact,
    survivor_version: int | None = None,
    other_version: int | None = None,
) -> Contact:
    """Merge `other` into `survivor`; `other` stays as an archived record pointing at it."""
    if survivor.id == other.id:
        raise ValidationError({"other": "Choose another contact than this one."})
    for contact in (survivor, other):
        if contact.erased_at is not None or contact.merged_into_id is not None:
            raise ValidationError({"other": "Erased or already merged contacts cannot be merged."})
    check_version(survivor, survivor_version)
    check_version(other, other_version)
    before = link_values(survivor)
    # A row leaving one collection for another must not be flushed as an orphan in between.
    with db.session.no_autoflush:
        for mover in LINK_MOVERS:
            mover(survivor, other)
    other.merged_into_id = survivor.id
    other.archived_at = other.archived_at or utcnow()
    refresh_search_text(survivor)
    refresh_search_text(other)
    record_link_changes(survivor, before)
    record(
        "merge",
        record_type="Contact",
        record_id=survivor.id,
        detail=f"contact {other.id} merged into contact {survivor.id}",
    )
    db.session.commit()
    return survivor
