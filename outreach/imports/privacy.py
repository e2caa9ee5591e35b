"""What imports hold about a person, erased with them: undo snapshots, messages, pending files."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.contacts.privacy import ERASERS
from outreach.directory.models import Contact
from outreach.directory.search import fold
from outreach.extensions import db
from outreach.imports.models import ImportBatch, ImportUpload

ERASED_MESSAGE = "(erased)"


def _identifiers(contact: Contact) -> list[str]:
    """The folded name and addresses by which the person may appear in import records."""
    values = [fold(e.address) for e in contact.emails]
    full_name = fold(contact.full_name)
    if len(full_name) > 3:
        values.append(full_name)
    return [v for v in values if v]


def _scrub_batch(batch: ImportBatch, contact_id: int, identifiers: list[str]) -> bool:
    changes = dict(batch.changes or {})
    touched = False
    updated = dict(changes.get("updated") or {})
    if str(contact_id) in updated:
        # Without its snapshot, undo can no longer restore this person: that is the point.
        del updated[str(contact_id)]
        changes["updated"] = updated
        touched = True
    reasons = []
    for number, status, message in changes.get("not_imported") or []:
        if any(identifier in fold(message) for identifier in identifiers):
            message, touched = ERASED_MESSAGE, True
        reasons.append([number, status, message])
    if reasons:
        changes["not_imported"] = reasons
    if touched:
        batch.changes = changes
    return touched


def erase_from_imports(contact: Contact) -> None:
    """Drop the person's undo snapshots and messages, and any pending upload naming them."""
    identifiers = _identifiers(contact)
    for batch in db.session.scalars(sa.select(ImportBatch)):
        _scrub_batch(batch, contact.id, identifiers)
    emails = [fold(e.address).encode() for e in contact.emails]
    for upload in db.session.scalars(sa.select(ImportUpload)):
        content = upload.content.lower()
        if any(email in content for email in emails):
            db.session.delete(upload)


# First of the erasers: it needs the emails and names that the others remove.
ERASERS.insert(0, erase_from_imports)
