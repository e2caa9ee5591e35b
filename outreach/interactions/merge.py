"""When two contacts are merged, their interactions follow the survivor."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.contacts.merge import LINK_MOVERS
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.interactions.models import interaction_contact


def move_interactions(survivor: Contact, other: Contact) -> None:
    """Point the other contact's interactions at the survivor, once each."""
    link = interaction_contact.c
    already = sa.select(link.interaction_id).where(link.contact_id == survivor.id)
    db.session.execute(
        sa.update(interaction_contact)
        .where(link.contact_id == other.id, link.interaction_id.not_in(already))
        .values(contact_id=survivor.id)
    )
    db.session.execute(sa.delete(interaction_contact).where(link.contact_id == other.id))


LINK_MOVERS.append(move_interactions)
