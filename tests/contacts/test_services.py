"""The contacts' use cases: names in any script, search, phones, postings over time, duplicates,
bulk changes, experts and concurrent edits."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.contacts import services
from outreach.contacts.services import (
    ContactData,
    ContactFilters,
    DuplicateWarning,
    PostingData,
    bulk_change,
    contacts_query,
    create_contact_checked,
    end_posting,
    find_experts,
    move_contact,
    normalise_phone,
    save_contact,
)
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.models import Contact, Posting
from outreach.extensions import db
from tests.factories import make_contact, make_organisation


def found(**filters) -> list[str]:
    """The last names the contacts list shows for these filters."""
    return [c.last_name for c in db.session.scalars(contacts_query(ContactFilters(**filters)))]


def test_names_in_arabic_chinese_cyrillic_and_with_accents_are_kept_as_written(app):
    people = [
        make_contact("محمد", "", emails=["m@example.org"]),
        make_contact("王", "伟"),
        make_contact("Иванов", "Иван"),
        make_contact("Dubois", "Hélène"),
    ]
    db.session.expire_all()

    names = [db.session.get(Contact, p.id).full_name for p in people]
    assert names == ["محمد", "伟 王", "Иван Иванов", "Hélène Dubois"]


def test_search_ignores_case_and_accents_in_every_script(app):
    make_contact("Dubois", "Hélène")
    make_contact("Иванов", "Иван")
    make_contact("王", "伟")
    make_contact("محمد", "")

    assert found(q="helene") == ["Dubois"]
    assert found(q="HÉLÈNE dub") == ["Dubois"]
    assert found(q="иван") == ["Иванов"]
    assert found(q="王") == ["王"]
    assert found(q="محمد") == ["محمد"]
    assert found(q="%") == []


def test_search_finds_people_by_email_organisation_and_position(app):
    mission = make_organisation("Permanent Mission of Peru", kind="permanent_mission")
    make_contact("Quispe", "Ana", organisation=mission, position="Deputy Permanent Representative")
    make_contact("Other", "Person", emails=["someone@peru-mission.example"])

    assert found(q="mission of peru") == ["Quispe"]
    assert found(q="deputy") == ["Quispe"]
    assert found(q="peru-mission") == ["Other"]


def test_swiss_numbers_written_two_ways_give_the_same_e164():
    assert normalise_phone("+41 22 917 12 34") == "+41229171234"
    assert normalise_phone("022 917 12 34") == "+41229171234"
    assert normalise_phone("0041 22 917 12 34") == "+41229171234"


def test_local_numbers_of_a_capital_ministry_are_read_in_its_country(app):
    ministry = make_organisation("Ministère des Affaires étrangères", "ministry", state_iso3="FRA")
    mission = make_organisation("Mission permanente de la France", "permanent_mission")
    in_paris = make_contact("A", organisation=ministry, phones=["01 43 17 53 53"])
    in_geneva = make_contact("B", organisation=mission, phones=["022 917 12 34"])

    assert in_paris.phones[0].number == "+33143175353"
    assert in_geneva.phones[0].number == "+41229171234"


def test_a_bad_email_or_phone_gets_a_message_naming_it(app):
    with pytest.raises(ValidationError) as refused:
        services.create_contact(
            ContactData(last_name="X", emails=["not-an-email"], phones=["12", "call me"])
        )
    assert "not-an-email" in refused.value.errors["emails"]
    assert "is not a phone number" in refused.value.errors["phones"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


def test_a_missing_last_name_and_line_breaks_in_names_are_refused(app):
    with pytest.raises(ValidationError) as refused:
        services.create_contact(ContactData(last_name="  ", first_name="Ann\r\nBcc: x"))
    assert set(refused.value.errors) == {"last_name", "first_name"}


def test_control_characters_never_reach_the_database(app):
    contact = make_contact(
        "Nul\x00l", "A\x07", notes="line one\nline\x00 two", tags=["ta\x00g"], keywords=["k\x1b"]
    )
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)

    assert (contact.last_name, contact.first_name) == ("Null", "A")
    assert contact.notes == "line one\nline two"
    assert [t.name for t in contact.tags] == ["tag"]
    assert [k.name for k in contact.keywords] == ["k"]


def test_moving_to_a_new_posting_closes_the_old_one_and_keeps_it(app):
    mission = make_organisation("Permanent Mission of Chile", kind="permanent_mission")
    ministry = make_organisation("Ministry of Foreign Affairs of Chile", kind="ministry")
    contact = make_contact("Rojas", "Pablo", organisation=mission, position="Counsellor")
    old = contact.postings[0]

    move_contact(
        contact, old.id, dt.date(2025, 9, 1), PostingData(ministry.id, position="Director")
    )

    db.session.expire_all()
    postings = {p.organisation_id: p for p in db.session.get(Contact, contact.id).postings}
    assert postings[mission.id].end_date == dt.date(2025, 8, 31)
    assert postings[mission.id].position == "Counsellor"
    assert not postings[mission.id].is_current
    assert postings[ministry.id].start_date == dt.date(2025, 9, 1)
    assert postings[ministry.id].is_current
    # The mission still lists them among its past staff; they are found by the new organisation.
    assert [p.contact_id for p in db.session.get(type(mission), mission.id).postings] == [
        contact.id
    ]
    assert found(q="ministry of foreign affairs of chile") == ["Rojas"]
    assert found(q="permanent mission of chile") == []


def test_a_move_before_the_posting_began_is_refused(app):
    mission = make_organisation("Mission", kind="permanent_mission")
    contact = make_contact("Rojas", organisation=mission, start_date=dt.date(2024, 1, 1))

    with pytest.raises(ValidationError) as refused:
        move_contact(contact, contact.postings[0].id, dt.date(2023, 1, 1), PostingData(mission.id))
    assert "moved_on" in refused.value.errors


def test_ending_a_posting_keeps_the_row_with_its_end_date(app):
    mission = make_organisation("Mission", kind="permanent_mission")
    contact = make_contact("Rojas", organisation=mission)

    end_posting(contact, contact.postings[0].id, dt.date(2025, 6, 30))

    [posting] = db.session.scalars(sa.select(Posting)).all()
    assert posting.end_date == dt.date(2025, 6, 30)
    assert posting.contact_id == contact.id


def test_a_posting_of_another_person_cannot_be_ended_through_this_one(app):
    mission = make_organisation("Mission", kind="permanent_mission")
    one = make_contact("One", organisation=mission)
    other = make_contact("Other", organisation=mission)

    with pytest.raises(ValidationError):
        end_posting(one, other.postings[0].id, dt.date(2025, 6, 30))


def test_a_new_contact_sharing_an_email_is_flagged_as_a_duplicate(app):
    existing = make_contact("Dupont", "Marie", emails=["marie.dupont@mission.example"])

    with pytest.raises(DuplicateWarning) as warned:
        create_contact_checked(
            ContactData(last_name="Du Pont", emails=["Marie.Dupont@MISSION.example"])
        )
    assert [c.id for c in warned.value.duplicates] == [existing.id]


def test_the_same_name_at_the_same_organisation_is_a_duplicate_but_not_elsewhere(app):
    mission = make_organisation("Mission", kind="permanent_mission")
    other = make_organisation("NGO", kind="ngo")
    make_contact("Dupont", "Marie", organisation=mission)

    with pytest.raises(DuplicateWarning):
        create_contact_checked(
            ContactData(last_name="dupont", first_name="marie"), PostingData(mission.id)
        )
    create_contact_checked(
        ContactData(last_name="Dupont", first_name="Marie"), PostingData(other.id)
    )
    create_contact_checked(
        ContactData(last_name="Dupont", first_name="Marie"), PostingData(mission.id), True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 3


def test_bad_values_are_reported_before_duplicates(app):
    make_contact("Dupont", emails=["marie@mission.example"])
    with pytest.raises(ValidationError):
        create_contact_checked(ContactData(last_name="", emails=["marie@mission.example"]))


def test_bulk_tagging_untagging_and_archiving_change_only_the_chosen_contacts(app):
    a, b, c = make_contact("A"), make_contact("B", tags=["donor"]), make_contact("C")

    assert bulk_change([a.id, b.id], "tag", "Donor") == 1  # b had it already
    assert found(tag="donor") == ["A", "B"]
    assert bulk_change([b.id], "untag", "DONOR") == 1
    assert found(tag="donor") == ["A"]
    assert bulk_change([a.id, c.id], "archive") == 2
    assert found() == ["B"]
    assert found(include_archived=True) == ["A", "B", "C"]
    assert bulk_change([a.id], "restore") == 1
    assert found() == ["A", "B"]
    with pytest.raises(ValidationError):
        bulk_change([a.id], "tag", " , ")
    with pytest.raises(ValidationError):
        bulk_change([a.id], "delete")


def test_a_tag_change_moves_the_version_on_and_is_recorded(app):
    contact = make_contact("A")
    version = contact.version

    bulk_change([contact.id], "tag", "3RC")

    assert contact.version == version + 1
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "update").order_by(AuditEvent.id.desc())
    ).first()
    assert event.before == {"tags": []}
    assert event.after == {"tags": ["3RC"], "version": version + 1}


def test_list_filters_combine_status_region_kind_language_area_and_do_not_email(app):
    france = make_organisation("Mission of France", "permanent_mission", state_iso3="FRA")
    indonesia = make_organisation("Mission of Indonesia", "permanent_mission", state_iso3="IDN")
    ngo = make_organisation("Cluster Munition Coalition", "ngo")
    make_contact("Fr", organisation=france, preferred_language="fr", area_slugs=["clearance"])
    make_contact("Id", organisation=indonesia, do_not_email=True, do_not_email_reason="asked")
    make_contact("Ngo", organisation=ngo, preferred_language="es")

    assert found(status="state_party") == ["Fr"]
    assert found(status="signatory") == ["Id"]
    assert found(region="Asia") == ["Id"]
    assert found(region="Europe") == ["Fr"]
    assert found(kind="ngo") == ["Ngo"]
    assert found(kind="permanent_mission", language="fr") == ["Fr"]
    assert found(area="clearance") == ["Fr"]
    assert found(do_not_email=True) == ["Id"]
    assert found(do_not_email=False) == ["Fr", "Ngo"]


def test_filters_by_organisation_look_at_current_postings_only(app):
    france = make_organisation("Mission of France", "permanent_mission", state_iso3="FRA")
    ngo = make_organisation("NGO", "ngo")
    contact = make_contact("Mover", organisation=france)
    move_contact(contact, contact.postings[0].id, dt.date(2025, 1, 1), PostingData(ngo.id))

    assert found(status="state_party") == []
    assert found(kind="ngo") == ["Mover"]


def test_sorts_come_from_an_allowlist(app):
    make_contact("Zeta", "Anna", preferred_language="es")
    make_contact("alpha", "Zoe", preferred_language="fr")

    assert found(sort="last_name") == ["alpha", "Zeta"]
    assert found(sort="last_name", descending=True) == ["Zeta", "alpha"]
    assert found(sort="first_name") == ["Zeta", "alpha"]
    assert found(sort="language") == ["Zeta", "alpha"]
    assert found(sort="id; DROP TABLE contact") == ["alpha", "Zeta"]


def test_merged_contacts_are_never_listed_and_erased_ones_only_with_archived(app):
    from outreach.contacts.merge import merge_contacts
    from outreach.contacts.privacy import erase_contact

    a, b, c = make_contact("A"), make_contact("B"), make_contact("C")
    merge_contacts(a, b)
    erase_contact(c)

    assert found() == ["A"]
    assert found(include_archived=True) == ["A", "Erased"]


def test_experts_are_grouped_by_area_and_filtered_by_keyword(app):
    mission = make_organisation("Mission", kind="permanent_mission")
    make_contact("Clear", organisation=mission, area_slugs=["clearance"], keywords=["NTS"])
    make_contact("Both", area_slugs=["clearance", "victim-assistance"], keywords=["Data"])
    make_contact("Keyword", keywords=["Gender"])
    make_contact("Nobody")
    archived = make_contact("Archived", area_slugs=["clearance"])
    services.set_archived(archived, True)

    groups = {
        g.area.slug if g.area else None: [c.last_name for c in g.experts] for g in find_experts()
    }
    assert groups["clearance"] == ["Both", "Clear"]
    assert groups["victim-assistance"] == ["Both"]
    assert groups["universalization"] == []
    assert groups[None] == ["Keyword"]
    only = find_experts("clearance", "nts")
    assert [(g.area.slug, [c.last_name for c in g.experts]) for g in only] == [
        ("clearance", ["Clear"])
    ]


def test_two_saves_from_the_same_version_conflict_and_the_second_changes_nothing(app):
    contact = make_contact("Dupont", "Marie", notes="first")
    version = contact.version

    save_contact(contact, ContactData(last_name="Dupont", first_name="Marie-Anne"), version)
    with pytest.raises(ConflictError) as conflict:
        save_contact(contact, ContactData(last_name="Durand", first_name="Marie"), version)

    changes = {c["field"]: (c["before"], c["after"]) for c in conflict.value.their_changes}
    assert changes["first_name"] == ("Marie", "Marie-Anne")
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).last_name == "Dupont"
