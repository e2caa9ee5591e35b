"""The use cases of organisations, called as the pages, the API and the importer call them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.audit.services import acting_as
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.models import Organisation, OrganisationKind
from outreach.extensions import db
from outreach.organisations import services
from outreach.organisations.services import OrganisationData, OrganisationFilters
from outreach.reference.models import State
from tests.factories import make_organisation, make_posting


def _state(iso3: str) -> State:
    return db.session.scalar(sa.select(State).where(State.iso3 == iso3))


def _data(organisation: Organisation, **changes: object) -> OrganisationData:
    return OrganisationData(**{**vars(services.data_of(organisation)), **changes})


def test_an_organisation_is_stored_with_its_state_tags_and_a_folded_search_text(app):
    mission = make_organisation(
        "Mission permanente de la Côte d'Ivoire",
        kind="permanent_mission",
        acronym="MPCI",
        state_iso3="civ",
        email="  Mission@CIV.example ",
        website="https://civ.example/geneve",
        tags=["3RC", "donor"],
    )

    assert mission.state.iso3 == "CIV"
    assert mission.kind == OrganisationKind.PERMANENT_MISSION
    assert mission.email == "Mission@civ.example"
    assert [tag.name for tag in mission.tags] == ["3RC", "donor"]
    assert (
        mission.search_text
        == "mission permanente de la cote d'ivoire mpci mission@civ.example cote d'ivoire"
    )
    assert mission.version == 1


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "ftp://files.example",
        "http://",
        "www.example.org",
        "https://exa mple.org",
    ],
)
def test_i2_a_website_that_is_not_http_or_https_is_refused(app, website):
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(OrganisationData(name="NGO", kind="ngo", website=website))

    assert refused.value.errors == {
        "website": "Enter a web address starting with http:// or https://."
    }
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "NGO")) is None


def test_each_bad_value_gets_its_own_message(app):
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(
            OrganisationData(name="  ", kind="castle", state_iso3="XYZ", email="not an email")
        )

    assert set(refused.value.errors) == {"name", "kind", "state", "email"}
    assert refused.value.errors["state"] == "No State has the code 'XYZ'."


def test_a_save_moves_the_version_on_by_one_and_writes_one_audit_event(app):
    ngo = make_organisation("Old name", tags=["a"])

    services.update_organisation(ngo, _data(ngo, name="New name", email="x@ngo.example"), 1)

    assert ngo.version == 2
    updates = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "Organisation",
            AuditEvent.record_id == str(ngo.id),
            AuditEvent.action == "update",
        )
    ).all()
    assert len(updates) == 1
    assert updates[0].after["name"] == "New name"


def test_d2_a_save_based_on_an_old_version_is_refused_and_lists_their_change(app):
    ngo = make_organisation("Geneva Call", email="info@genevacall.example")
    with acting_as("colleague@isu.example"):
        services.update_organisation(ngo, _data(ngo, email="contact@genevacall.example"), 1)

    with pytest.raises(ConflictError) as conflict:
        services.update_organisation(ngo, _data(ngo, name="Geneva Call (renamed)"), 1)

    db.session.rollback()
    change = next(c for c in conflict.value.their_changes if c["field"] == "email")
    assert change["who"] == "colleague@isu.example"
    assert (change["before"], change["after"]) == (
        "info@genevacall.example",
        "contact@genevacall.example",
    )
    assert isinstance(change["at"], dt.datetime)
    stored = db.session.get(Organisation, ngo.id)
    assert (stored.name, stored.email) == ("Geneva Call", "contact@genevacall.example")


def test_a_change_of_tags_alone_gives_a_new_version_so_an_older_form_conflicts(app):
    ngo = make_organisation("Tagged NGO", tags=["donor"])

    services.tag_organisations([ngo.id], "3RC")

    assert ngo.version == 2
    with pytest.raises(ConflictError):
        services.update_organisation(ngo, _data(ngo, tags=["donor"]), 1)
    db.session.rollback()
    assert services.tag_names(db.session.get(Organisation, ngo.id).tags) == ["3RC", "donor"]


def test_readable_changes_name_the_state_and_the_kind_and_hide_notes_from_coordinators(app):
    france, spain = _state("FRA"), _state("ESP")
    changes = [
        {"who": "a", "at": None, "field": "state_id", "before": france.id, "after": spain.id},
        {"who": "a", "at": None, "field": "kind", "before": "ngo", "after": "ministry"},
        {"who": "a", "at": None, "field": "notes", "before": "", "after": "confidential"},
        {"who": "a", "at": None, "field": "search_text", "before": "x", "after": "y"},
    ]

    shown = services.readable_changes(changes, include_notes=False)

    assert [(c.label, c.before, c.after) for c in shown] == [
        ("State", "France (FRA)", "Spain (ESP)"),
        ("Kind", "NGO", "Ministry or capital authority"),
    ]
    assert "Notes" in [c.label for c in services.readable_changes(changes, include_notes=True)]


def test_bulk_actions_change_only_the_selected_rows_and_commit_once(app):
    first, second, other = (make_organisation(f"NGO {n}") for n in (1, 2, 3))
    commits = []
    sa.event.listen(db.session(), "after_commit", lambda _session: commits.append(1))

    assert services.tag_organisations([first.id, second.id, 999_999], "Donor, 3RC") == 2
    assert len(commits) == 1
    assert services.tag_organisations([first.id], "donor") == 0  # already tagged
    assert services.untag_organisations([first.id, other.id], "DONOR") == 1
    assert services.archive_organisations([first.id, second.id]) == 2
    assert services.archive_organisations([first.id]) == 0
    assert services.restore_organisations([second.id, other.id]) == 1

    assert services.tag_names(first.tags) == ["3RC"]
    assert services.tag_names(second.tags) == ["3RC", "Donor"]
    assert other.tags == []
    assert first.archived_at is not None
    assert second.archived_at is None


def test_tagging_without_a_tag_name_is_refused(app):
    ngo = make_organisation()
    with pytest.raises(ValidationError) as refused:
        services.tag_organisations([ngo.id], " , ;")
    assert set(refused.value.errors) == {"tag"}


def test_filters_combine_kind_state_status_region_tag_and_archived(app):
    make_organisation(
        "Ministry of Foreign Affairs", kind="ministry", state_iso3="FRA", tags=["3RC"]
    )
    make_organisation("Mission of Spain", kind="permanent_mission", state_iso3="ESP")
    make_organisation("Ministry of Defence", kind="ministry", state_iso3="USA")
    archived = make_organisation("Old ministry", kind="ministry", state_iso3="FRA")
    services.set_archived(archived, True)

    def names(**filters: object) -> list[str]:
        query = services.organisations_query(OrganisationFilters(**filters))
        return [o.name for o in db.session.scalars(query)]

    assert names(kind=OrganisationKind.MINISTRY) == [
        "Ministry of Defence",
        "Ministry of Foreign Affairs",
    ]
    assert names(kind=OrganisationKind.MINISTRY, include_archived=True) == [
        "Ministry of Defence",
        "Ministry of Foreign Affairs",
        "Old ministry",
    ]
    assert names(state_iso3="fra") == ["Ministry of Foreign Affairs"]
    assert names(status=services.CcmStatus.NOT_PARTY) == ["Ministry of Defence"]
    assert names(region="Europe") == ["Ministry of Foreign Affairs", "Mission of Spain"]
    assert names(tag="3rc") == ["Ministry of Foreign Affairs"]
    assert names(q="MINISTRY france") == ["Ministry of Foreign Affairs"]


def test_the_permanent_mission_is_created_once_with_the_states_name(app):
    chile = _state("CHL")

    mission = services.create_permanent_mission(chile)

    assert mission.name == "Permanent Mission of Chile to the United Nations Office at Geneva"
    assert (mission.kind, mission.state_id) == (OrganisationKind.PERMANENT_MISSION, chile.id)
    with pytest.raises(services.MissionExistsError) as exists:
        services.create_permanent_mission(chile)
    assert exists.value.organisation.id == mission.id
    db.session.rollback()
    services.set_archived(mission, True)
    with pytest.raises(services.MissionExistsError):
        services.create_permanent_mission(chile)


def test_the_state_directory_splits_missions_from_capital_and_lists_people_now(app):
    peru = _state("PER")
    mission = make_organisation("Mission of Peru", kind="permanent_mission", state_iso3="PER")
    ministry = make_organisation(
        "Ministry of Foreign Affairs of Peru", kind="ministry", state_iso3="PER"
    )
    centre = make_organisation("CONTRAMINAS", kind="mine_action_authority", state_iso3="PER")
    make_posting(mission, "Quispe", "Ana", "Ambassador", focal_point=True)
    make_posting(mission, "Rojas", "Luis", "First Secretary", end_date=dt.date(2020, 1, 1))
    make_posting(ministry, "Torres", "Eva", "Director", archived_at=dt.datetime.now(dt.UTC))
    make_posting(centre, "Zapata", "Raúl", "Head")

    directory = services.state_directory(peru)

    assert [o.name for o in directory.missions] == ["Mission of Peru"]
    assert [o.name for o in directory.others] == [
        "Ministry of Foreign Affairs of Peru",
        "CONTRAMINAS",
    ]
    assert [
        (p.contact.last_name, p.position, p.organisation.name) for p in directory.current_postings
    ] == [
        ("Quispe", "Ambassador", "Mission of Peru"),
        ("Zapata", "Head", "CONTRAMINAS"),
    ]
    assert directory.has_mission


def test_an_export_holds_notes_only_for_staff_and_is_recorded(app, audit_events):
    make_organisation("Exported NGO", notes="confidential remark")
    filters = OrganisationFilters(q="exported")

    headers, rows = services.export_organisations(filters, include_notes=False, file_format="csv")
    staff_headers, staff_rows = services.export_organisations(filters, True, "xlsx")

    assert "Notes" not in headers
    assert "confidential remark" not in str(rows)
    assert staff_headers[-1] == "Notes"
    assert staff_rows[0][-1] == "confidential remark"
    exports = audit_events("export")
    assert [(e.record_type, e.detail) for e in exports] == [
        ("Organisation", "1 organisations as CSV"),
        ("Organisation", "1 organisations as XLSX"),
    ]


def test_the_history_hides_notes_from_those_who_may_not_see_them(app):
    ngo = make_organisation("Historic NGO")
    services.update_organisation(ngo, _data(ngo, notes="a secret"), 1)
    services.update_organisation(ngo, _data(ngo, phone="+41 22 000 00 00"), 2)
    services.tag_organisations([ngo.id], "donor")

    for_coordinators = services.organisation_history(ngo.id, include_notes=False)
    for_staff = services.organisation_history(ngo.id, include_notes=True)

    assert [e.action for e in for_coordinators] == ["Tags", "Changed", "Created"]
    assert "a secret" not in repr(for_coordinators)
    assert [e.action for e in for_staff] == ["Tags", "Changed", "Changed", "Created"]
    assert for_staff[0].detail == "— → donor"
    assert for_staff[2].changes[0].after == "a secret"
