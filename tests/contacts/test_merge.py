"""Merging two records of the same person: every link moves, both histories stay, audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.contacts import merge
from outreach.contacts.merge import merge_contacts
from outreach.contacts.services import ContactFilters, contacts_query, find_duplicates
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.models import Contact, Posting
from outreach.extensions import db
from tests.factories import make_contact, make_organisation


@pytest.fixture
def pair(app):
    mission = make_organisation("Permanent Mission of Peru", "permanent_mission")
    ministry = make_organisation("Ministry of Foreign Affairs of Peru", "ministry")
    survivor = make_contact(
        "Quispe",
        "Ana",
        organisation=mission,
        position="Counsellor",
        emails=["ana.quispe@mission.example"],
        phones=["+41 22 917 12 34"],
        tags=["3RC"],
        area_slugs=["universalization"],
        keywords=["treaty law"],
        notes="Survivor's note.",
    )
    other = make_contact(
        "Quispe",
        "",
        honorific="Dr",
        organisation=ministry,
        position="Director",
        emails=["ANA.QUISPE@mission.example", "aq@rree.example"],
        phones=["+51 1 204 2400", "+41 22 917 12 34"],
        tags=["donor", "3rc"],
        area_slugs=["clearance", "universalization"],
        keywords=["survey"],
        notes="Other's note.",
        do_not_email=True,
        do_not_email_reason="Asked by phone",
    )
    return survivor, other


def test_merging_moves_every_link_to_the_survivor(pair):
    survivor, other = pair
    merge_contacts(survivor, other)
    db.session.expire_all()
    survivor = db.session.get(Contact, survivor.id)

    assert [e.address for e in survivor.emails] == [
        "ana.quispe@mission.example",
        "aq@rree.example",
    ]
    assert [p.number for p in survivor.phones] == ["+41229171234", "+5112042400"]
    assert sorted(p.organisation.name for p in survivor.postings) == [
        "Ministry of Foreign Affairs of Peru",
        "Permanent Mission of Peru",
    ]
    assert [t.name for t in survivor.tags] == ["3RC", "donor"]
    assert [a.slug for a in survivor.areas] == ["universalization", "clearance"]
    assert sorted(k.name for k in survivor.keywords) == ["survey", "treaty law"]
    assert survivor.honorific == "Dr"  # a blank field takes the other's value
    assert survivor.notes == "Survivor's note.\n\nOther's note."
    assert survivor.do_not_email and survivor.do_not_email_reason == "Asked by phone"


def test_the_other_record_stays_archived_pointing_at_the_survivor(pair):
    survivor, other = pair
    merge_contacts(survivor, other)
    db.session.expire_all()
    other = db.session.get(Contact, other.id)

    assert other.merged_into_id == survivor.id
    assert other.archived_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Posting)) == 2
    listed = db.session.scalars(contacts_query(ContactFilters(include_archived=True))).all()
    assert [c.id for c in listed] == [survivor.id]
    assert [c.id for c in find_duplicates(["aq@rree.example"], "", "")] == [survivor.id]


def test_the_merge_is_audited_naming_both_and_both_histories_stay(pair, audit_events):
    survivor, other = pair
    merge_contacts(survivor, other)

    [event] = audit_events("merge")
    assert (event.record_type, event.record_id) == ("Contact", str(survivor.id))
    assert str(other.id) in event.detail and str(survivor.id) in event.detail
    creates = {e.record_id for e in audit_events("create") if e.record_type == "Contact"}
    assert {str(survivor.id), str(other.id)} <= creates
    moved = [e for e in audit_events("update") if e.record_type == "Posting"]
    assert moved and moved[0].after == {"contact_id": survivor.id}


def test_a_contact_cannot_be_merged_with_itself_or_twice(pair):
    survivor, other = pair
    with pytest.raises(ValidationError):
        merge_contacts(survivor, survivor)
    merge_contacts(survivor, other)
    with pytest.raises(ValidationError):
        merge_contacts(survivor, other)


def test_a_merge_previewed_on_an_old_version_is_refused(pair):
    survivor, other = pair
    version = other.version
    merge_contacts  # noqa: B018 - the preview happened at `version`
    from outreach.contacts.services import bulk_change

    bulk_change([other.id], "tag", "changed meanwhile")
    with pytest.raises(ConflictError):
        merge_contacts(survivor, other, survivor.version, version)
    assert db.session.get(Contact, other.id).merged_into_id is None


def test_later_features_register_their_own_link_mover(pair, monkeypatch):
    moved = []
    monkeypatch.setattr(
        merge, "LINK_MOVERS", [*merge.LINK_MOVERS, lambda s, o: moved.append((s.id, o.id))]
    )
    survivor, other = pair
    merge_contacts(survivor, other)
    assert moved == [(survivor.id, other.id)]
