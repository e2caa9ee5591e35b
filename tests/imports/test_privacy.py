"""Erasing a person also erases what imports kept about them."""

import json

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.contacts.privacy import erase_contact
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.imports.models import ImportBatch, ImportUpload
from tests.imports.conftest import new_contact, upload_token
from tests.imports.test_services import run


def test_erasing_a_person_drops_their_undo_snapshot_and_messages_from_import_batches(app):
    person = new_contact("Pérez", first_name="Ana", emails=["ana@example.org"])
    run(
        "Last name,First name,Email,Phone\n"
        "Perez,Ana María,ana@example.org,\n"
        "Other,Bad,ana@example.org,not a phone\n",
        on_duplicate="update",
    )
    assert "ana@example.org" in json.dumps(db.session.scalars(sa.select(ImportBatch.changes)).all())

    with acting_as("test"):
        erase_contact(db.session.get(Contact, person.id))

    kept = json.dumps(db.session.scalars(sa.select(ImportBatch.changes)).all()).lower()
    assert "ana@example.org" not in kept
    assert "perez" not in kept and "pérez" not in kept


def test_erasing_a_person_deletes_pending_uploads_that_name_them(client, auth, staff):
    person = new_contact("Ivanov", first_name="Ivan", emails=["ivan@example.org"])
    auth.login(staff.email)
    upload_token(client, b"Last name,Email\nIvanov,IVAN@example.org\n")
    upload_token(client, b"Last name,Email\nSomeone,else@example.org\n")

    with acting_as("test"):
        erase_contact(db.session.get(Contact, person.id))

    remaining = db.session.scalars(sa.select(ImportUpload.content)).all()
    assert remaining == [b"Last name,Email\nSomeone,else@example.org\n"]
