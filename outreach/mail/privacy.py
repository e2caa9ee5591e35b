"""Erasing a person reaches the outbox: their addresses and names go, and so do their .eml files."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app

from outreach.contacts.privacy import ERASERS
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.mail.models import OutboxMessage, OutboxStatus
from outreach.mail.outbox import WITHDRAWABLE
from outreach.mail.transport import stored_file

ERASED_ADDRESS = "erased@invalid"
ERASED_NOTE = "Not sent: the person's data was erased."


def _scrub(text: str, addresses: set[str]) -> str:
    """Replace the person's addresses in a server's reply (5xx replies often quote them)."""
    for address in addresses:
        text = re.sub(re.escape(address), ERASED_ADDRESS, text, flags=re.IGNORECASE)
    return text


def erase_from_outbox(contact: Contact) -> None:
    """Anonymise the person's messages, delete their files, and cancel those not yet sent."""
    addresses = {e.normalised for e in contact.emails if e.normalised}
    condition = OutboxMessage.invitation.has(contact_id=contact.id)
    if addresses:
        condition = sa.or_(condition, sa.func.lower(OutboxMessage.to_address).in_(addresses))
    for message in db.session.scalars(sa.select(OutboxMessage).where(condition)):
        path = stored_file(current_app.instance_path, message.eml_path)
        if path is not None:
            path.unlink(missing_ok=True)
        message.eml_path = None
        message.last_error = _scrub(message.last_error, addresses | {message.to_address.lower()})
        message.to_address = ERASED_ADDRESS
        message.to_name = ""
        if message.status in WITHDRAWABLE:
            message.status = OutboxStatus.CANCELLED
            message.last_error = ERASED_NOTE


# Before the erasers that empty the person's list of addresses, which this one needs.
ERASERS.insert(0, erase_from_outbox)
