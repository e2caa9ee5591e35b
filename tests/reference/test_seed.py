"""The seeded reference data, and `flask seed` run again on a database that already has it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.audit.services import acting_as
from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.reference import services
from outreach.reference.models import CcmStatus, ConsentType, State, StatusEvent, ThematicArea
from outreach.reference.services import record_consent
from tests.directory.pages import section, shown_counts, text


def _everything() -> dict[str, list[tuple]]:
    """Every row of the tables that seed writes to, for before/after comparisons."""
    db.session.expire_all()
    tables = (State, StatusEvent, ThematicArea, Organisation, AuditEvent)
    return {
        model.__tablename__: [
            tuple(row)
            for row in db.session.execute(
                sa.select(*model.__table__.columns).order_by(model.__table__.c.id)
            )
        ]
        for model in tables
    }


def _state(iso3: str) -> State:
    db.session.expire_all()
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def test_the_seeded_database_has_197_states_with_the_shipped_count_of_each_status(app):
    statuses = Counter(db.session.scalars(sa.select(State.ccm_status)))
    assert sum(statuses.values()) == 197
    assert statuses == {
        CcmStatus.STATE_PARTY: 112,
        CcmStatus.SIGNATORY: 12,
        CcmStatus.NOT_PARTY: 72,
        CcmStatus.WITHDRAWN: 1,
    }


def test_the_seeded_database_has_the_seven_thematic_areas_in_order(app):
    areas = db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position)).all()
    assert [a.slug for a in areas] == [
        "universalization",
        "victim-assistance",
        "clearance",
        "stockpile-destruction",
        "cooperation",
        "transparency",
        "national-implementation",
    ]
    assert areas[2].name == "Clearance and Risk Reduction Education"


def test_the_seeded_database_has_the_key_organisations(app):
    organisations = db.session.scalars(sa.select(Organisation)).all()
    acronyms = {o.acronym for o in organisations}
    names = {o.name for o in organisations}
    assert {"UNODA", "UNMAS", "UNDP", "UNICEF", "UNIDIR", "OCHA", "ICRC", "GICHD"} <= acronyms
    assert "Cluster Munition Coalition" in names
    assert "Geneva International Centre for Humanitarian Demining" in names


def test_every_seeded_state_starts_its_history_with_its_shipped_status(app):
    events = db.session.scalars(sa.select(StatusEvent)).all()
    assert len(events) == 197
    assert {e.actor_label for e in events} == {"command: seed"}
    france = _state("FRA")
    assert [(e.field, e.old_value, e.new_value) for e in france.status_events] == [
        ("ccm_status", None, "state_party")
    ]


def test_running_seed_again_changes_nothing(app, runner):
    before = _everything()

    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert "States: 0 created, 0 updated" in result.output
    assert "Nothing to change." in result.output
    assert _everything() == before


def _shipped_data_where_indonesia_ratified(monkeypatch) -> None:
    """Make the shipped CSV say that Indonesia deposited its ratification on 10 March 2026."""
    original = services.read_csv

    def read_csv(name: str) -> list[dict[str, str]]:
        rows = original(name)
        if name == "ccm_states.csv":
            for row in rows:
                if row["iso3"] == "IDN":
                    row.update(
                        ccm_status="state_party",
                        consent_date="2026-03-10",
                        consent_type="ratification",
                        entry_into_force_date="2026-09-01",
                        source="Depositary notification C.N.99.2026.TREATIES-XXVI.6",
                    )
        return rows

    monkeypatch.setattr(services, "read_csv", read_csv)


def test_seed_applies_a_change_of_the_shipped_data_and_records_it_in_the_history(
    app, runner, monkeypatch
):
    _shipped_data_where_indonesia_ratified(monkeypatch)

    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert "States: 0 created, 1 updated" in result.output
    assert "IDN: ccm_status, consent_date, consent_type, entry_into_force_date" in result.output
    assert "Nothing to change." not in result.output
    indonesia = _state("IDN")
    assert indonesia.ccm_status == CcmStatus.STATE_PARTY
    assert indonesia.consent_type == ConsentType.RATIFICATION
    assert indonesia.consent_date.isoformat() == "2026-03-10"
    assert indonesia.entry_into_force_date.isoformat() == "2026-09-01"
    changes = {
        e.field: (e.old_value, e.new_value, e.source, e.actor_label)
        for e in indonesia.status_events
        if e.new_value != "signatory"
    }
    source = "Depositary notification C.N.99.2026.TREATIES-XXVI.6"
    assert changes == {
        "ccm_status": ("signatory", "state_party", source, "command: seed"),
        "consent_date": (None, "2026-03-10", source, "command: seed"),
        "consent_type": (None, "ratification", source, "command: seed"),
        "entry_into_force_date": (None, "2026-09-01", source, "command: seed"),
    }
    audit = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "State",
            AuditEvent.record_id == str(indonesia.id),
            AuditEvent.action == "update",
        )
    ).all()
    assert len(audit) == 1
    assert audit[0].actor_label == "command: seed"
    assert audit[0].after["ccm_status"] == "state_party"


def test_seed_after_a_change_is_idempotent_too(app, runner, monkeypatch):
    _shipped_data_where_indonesia_ratified(monkeypatch)
    runner.invoke(args=["seed"])
    before = _everything()

    result = runner.invoke(args=["seed"])

    assert "Nothing to change." in result.output
    assert _everything() == before


def test_a_change_recorded_by_seed_is_shown_on_the_state_page(
    app, client, auth, staff, runner, monkeypatch
):
    _shipped_data_where_indonesia_ratified(monkeypatch)
    runner.invoke(args=["seed"])
    auth.login(staff.email)

    html = client.get("/states/IDN").get_data(as_text=True)
    history = text(section(html, "history-title")).replace("_", " ").lower()

    assert "ccm status" in history
    assert "signatory" in history
    assert "state party" in history
    assert "entry into force" in history
    assert "2026-09-01" in history
    assert "command: seed" in history
    assert "depositary notification c.n.99.2026.treaties-xxvi.6" in history
    counts = shown_counts(client.get("/states").get_data(as_text=True))
    assert (counts["state_party"], counts["signatory"]) == (113, 11)


def test_every_state_has_a_region_and_a_sub_region(app):
    states = db.session.scalars(sa.select(State)).all()
    assert [s.iso3 for s in states if not s.region or not s.sub_region] == []
    assert {s.region for s in states} == {"Africa", "Americas", "Asia", "Europe", "Oceania"}


def test_m49_codes_have_three_digits_and_iso2_codes_two_capital_letters(app):
    states = db.session.scalars(sa.select(State)).all()
    assert [s.iso3 for s in states if not re.fullmatch(r"[0-9]{3}", s.m49_code or "")] == []
    assert [s.iso3 for s in states if not re.fullmatch(r"[A-Z]{2}", s.iso2 or "")] == []
    assert [s.iso3 for s in states if not re.fullmatch(r"[A-Z]{3}", s.iso3)] == []
    assert len({s.iso2 for s in states}) == len({s.m49_code for s in states}) == 197


def test_states_sit_in_their_un_m49_regions(app):
    nauru, sudan, mexico = _state("NRU"), _state("SDN"), _state("MEX")
    assert (nauru.region, nauru.sub_region) == ("Oceania", "Micronesia")
    assert (sudan.region, sudan.sub_region) == ("Africa", "Northern Africa")
    assert (mexico.region, mexico.sub_region, mexico.intermediate_region) == (
        "Americas",
        "Latin America and the Caribbean",
        "Central America",
    )
    assert (_state("NAM").iso2, _state("GRC").iso2, _state("GBR").iso2) == ("NA", "GR", "GB")


def test_seed_keeps_a_consent_recorded_since_the_data_was_shipped(app, runner):
    deposit = "Depositary notification C.N.12.2026.TREATIES-XXVI.6"
    with acting_as("specialist@isu.example"):
        record_consent(_state("IDN"), dt.date(2026, 3, 10), "ratification", deposit)
    before = _everything()

    result = runner.invoke(args=["seed"])

    assert "Nothing to change." in result.output
    assert _everything() == before
    indonesia = _state("IDN")
    assert indonesia.ccm_status == CcmStatus.STATE_PARTY
    assert indonesia.source.endswith(deposit)


def test_seed_applies_shipped_data_that_changed_since_a_local_record(app, runner, monkeypatch):
    with acting_as("specialist@isu.example"):
        record_consent(_state("IDN"), dt.date(2026, 3, 9), "ratification", "Press release")
    _shipped_data_where_indonesia_ratified(monkeypatch)  # on 10 March, says the depositary

    result = runner.invoke(args=["seed"])

    assert re.search(r"IDN: consent_date\b", result.output), result.output
    indonesia = _state("IDN")
    assert indonesia.consent_date == dt.date(2026, 3, 10)
    latest = indonesia.status_events[0]
    assert (latest.field, latest.old_value, latest.new_value, latest.actor_label) == (
        "consent_date",
        "2026-03-09",
        "2026-03-10",
        "command: seed",
    )
    assert "Nothing to change." in runner.invoke(args=["seed"]).output


def test_seed_does_not_bring_back_an_organisation_the_isu_renamed_or_deleted(app, runner):
    def organisation(name: str) -> Organisation:
        return db.session.scalars(sa.select(Organisation).where(Organisation.name == name)).one()

    with acting_as("specialist@isu.example"):
        organisation("United Nations Office for Disarmament Affairs").name = "UNODA Geneva Branch"
        db.session.delete(organisation("Association of Southeast Asian Nations"))
        db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))

    result = runner.invoke(args=["seed"])

    assert "organisations: 0 created" in result.output
    assert "Nothing to change." in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == count
