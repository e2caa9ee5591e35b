"""Merging two contacts moves their interactions to the one kept."""

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.contacts.merge import merge_contacts
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.interactions.models import interaction_contact
from tests.factories import make_contact, make_interaction


def _contacts_of(interaction_id: int) -> set[int]:
    link = interaction_contact.c
    query = sa.select(link.contact_id).where(link.interaction_id == interaction_id)
    return set(db.session.scalars(query))


def test_the_interactions_of_a_merged_contact_follow_the_survivor(app):
    kept = make_contact("Nugroho", "Ari")
    duplicate = make_contact("Nugroho", "A.")
    both = make_interaction("Both attended", contact_ids=[kept.id, duplicate.id])
    only_duplicate = make_interaction("Call with A. Nugroho", contact_ids=[duplicate.id])

    with acting_as("test"):
        merge_contacts(db.session.get(Contact, kept.id), db.session.get(Contact, duplicate.id))

    assert _contacts_of(both.id) == {kept.id}
    assert _contacts_of(only_duplicate.id) == {kept.id}
