"""Dialogue services: opening once, status history, staleness, checked changes, versions."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.dialogues import services
from outreach.dialogues.models import Dialogue, DialogueEvent, DialogueStatus
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.reference.models import State
from tests.dialogues.conftest import linked_interaction
from tests.factories import make_dialogue, make_user

TODAY = dt.date(2026, 6, 1)


def _state(iso3: str) -> State:
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def test_opening_twice_gives_the_same_dialogue(app, staff):
    state, area = _state("LAO"), services.area_by_slug("clearance")

    first, created = services.open_dialogue(state, area, staff)
    again, created_again = services.open_dialogue(state, area, staff)

    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Dialogue.id))) == 1
    assert first.status == DialogueStatus.NOT_STARTED
    [opened] = first.events
    assert (opened.old_status, opened.new_status, opened.user_id) == (
        None,
        DialogueStatus.NOT_STARTED,
        staff.id,
    )


def test_a_status_change_records_who_when_and_the_note(app, staff):
    dialogue = make_dialogue("IDN", "universalization")
    data = services.data_of(dialogue)
    data.status, data.status_note = "active", "The mission asked for the model instrument."
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)

    services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)

    db.session.expire_all()
    saved = db.session.get(Dialogue, dialogue.id)
    latest = saved.events[0]
    assert saved.status == DialogueStatus.ACTIVE
    assert (latest.old_status, latest.new_status) == (DialogueStatus.NOT_STARTED, "active")
    assert latest.note == "The mission asked for the model instrument."
    assert latest.user_id == staff.id
    assert latest.at >= before
    assert saved.version == 2  # one save, one new version


def test_saving_without_a_new_status_adds_no_event(app, staff):
    dialogue = make_dialogue("IDN", "universalization")
    data = services.data_of(dialogue)
    data.position, data.status_note = "Considering accession.", "ignored"

    services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)

    assert db.session.scalar(sa.select(sa.func.count(DialogueEvent.id))) == 1
    assert db.session.get(Dialogue, dialogue.id).position == "Considering accession."


def test_stale_after_n_days_and_never_when_concluded(app):
    dialogue = make_dialogue("IDN", "universalization", status=DialogueStatus.ACTIVE)

    assert services.is_stale(dialogue, None, TODAY)
    assert services.is_stale(dialogue, TODAY - dt.timedelta(days=91), TODAY)
    assert not services.is_stale(dialogue, TODAY - dt.timedelta(days=90), TODAY)
    dialogue.status = DialogueStatus.CONCLUDED
    assert not services.is_stale(dialogue, None, TODAY)


def test_the_stale_days_come_from_the_configuration(app):
    dialogue = make_dialogue("IDN", "universalization", status=DialogueStatus.ACTIVE)
    last = TODAY - dt.timedelta(days=20)
    assert not services.is_stale(dialogue, last, TODAY)

    app.config["DIALOGUE_STALE_DAYS"] = 14

    assert services.is_stale(dialogue, last, TODAY)


def test_last_contact_leaves_out_what_the_reader_may_not_see(app, staff, coordinator):
    dialogue = make_dialogue("IDN", "universalization")
    linked_interaction(dialogue, "Open call", dt.date(2026, 1, 10))
    linked_interaction(dialogue, "Secret démarche", dt.date(2026, 3, 1), confidential=True)

    assert services.last_contact_of(dialogue, staff) == dt.date(2026, 3, 1)
    assert services.last_contact_of(dialogue, coordinator) == dt.date(2026, 1, 10)
    subjects = [i.subject for i in services.linked_interactions(dialogue, coordinator).items]
    assert subjects == ["Open call"]


def test_the_stale_filter_matches_is_stale(app, staff):
    fresh = make_dialogue("IDN", "universalization", status=DialogueStatus.ACTIVE)
    stale = make_dialogue("LAO", "clearance", status=DialogueStatus.ACTIVE)
    make_dialogue("VUT", "clearance", status=DialogueStatus.CONCLUDED)
    linked_interaction(fresh, "Recent call", TODAY - dt.timedelta(days=3))
    linked_interaction(stale, "Old call", TODAY - dt.timedelta(days=200))

    def states(stale_filter):
        filters = services.DialogueFilters(stale=stale_filter)
        rows, total = services.find_dialogues(staff, filters, 1, 50, today=TODAY)
        assert total == len(rows)
        return [row.dialogue.state.iso3 for row in rows]

    assert states(True) == ["LAO"]
    assert states(False) == ["IDN", "VUT"]
    assert states(None) == ["IDN", "LAO", "VUT"]


def test_a_coordinator_finds_only_the_dialogues_of_their_areas(app, coordinator):
    make_dialogue("IDN", "universalization")
    make_dialogue("LAO", "clearance")

    rows, total = services.find_dialogues(coordinator, services.DialogueFilters(), 1, 50)

    assert total == 1 and [r.dialogue.area.slug for r in rows] == ["universalization"]
    clearance = services.DialogueFilters(area_slug="clearance")
    assert services.find_dialogues(coordinator, clearance, 1, 50) == ([], 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"position": "x" * 5001}, "position"),
        ({"next_step": "y" * 501}, "next_step"),
        ({"next_step": "Visit", "next_step_due": dt.date(1999, 1, 1)}, "next_step_due"),
        ({"next_step": "Visit", "next_step_due": dt.date(2040, 1, 1)}, "next_step_due"),
        ({"next_step_due": dt.date(2026, 7, 1)}, "next_step"),
        ({"position": "a\x00b"}, "position"),
        ({"status_note": "n" * 2001}, "status_note"),
    ],
)
def test_bad_values_are_refused_with_a_message_per_field(app, staff, change, field):
    dialogue = make_dialogue("IDN", "universalization")
    data = services.data_of(dialogue)
    for name, value in change.items():
        setattr(data, name, value)

    with pytest.raises(ValidationError) as refused:
        services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)

    assert field in refused.value.errors


def test_only_staff_and_coordinators_of_the_area_may_be_responsible(app, staff, coordinator):
    clearance_coordinator = make_user("clear@mission.example", "coordinator", areas=["clearance"])
    retired = make_user("gone@isu.example", "staff")
    with acting_as("test"):
        retired.active = False
        db.session.commit()
    dialogue = make_dialogue("IDN", "universalization")

    candidates = services.responsible_candidates(dialogue.area)
    assert {u.id for u in candidates} == {staff.id, coordinator.id}

    data = services.data_of(dialogue)
    data.responsible_ids = [clearance_coordinator.id]
    with pytest.raises(ValidationError) as refused:
        services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)
    assert "responsible" in refused.value.errors

    db.session.rollback()
    data.responsible_ids = [coordinator.id, staff.id]
    services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)
    coordinators, isu = services.split_responsible(db.session.get(Dialogue, dialogue.id))
    assert (coordinators, isu) == ([coordinator], [staff])


def test_someone_already_responsible_who_left_the_area_does_not_block_a_save(
    app, staff, coordinator
):
    dialogue = make_dialogue("IDN", "universalization")
    data = services.data_of(dialogue)
    data.responsible_ids = [coordinator.id]
    services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)
    with acting_as("test"):
        coordinator.areas = []
        db.session.commit()

    data = services.data_of(dialogue)
    data.next_step = "Visit"
    services.update_dialogue(dialogue, data, dialogue.version, staff, today=TODAY)

    assert db.session.get(Dialogue, dialogue.id).responsible == [coordinator]


def test_a_save_based_on_an_old_version_is_refused_with_their_changes(app, staff):
    dialogue = make_dialogue("IDN", "universalization")
    opened_at = dialogue.version
    theirs = services.data_of(dialogue)
    theirs.next_step = "Meet the ambassador"
    services.update_dialogue(dialogue, theirs, opened_at, staff, today=TODAY)

    mine = services.data_of(dialogue)
    mine.next_step = "Send a letter"
    with pytest.raises(ConflictError) as conflict:
        services.update_dialogue(dialogue, mine, opened_at, staff, today=TODAY)

    db.session.rollback()
    assert [(c["field"], c["after"]) for c in conflict.value.their_changes] == [
        ("next_step", "Meet the ambassador")
    ]
    assert db.session.get(Dialogue, dialogue.id).next_step == "Meet the ambassador"


def test_changing_only_the_people_moves_the_version_on(app, staff):
    dialogue = make_dialogue("IDN", "universalization")
    opened_at = dialogue.version
    data = services.data_of(dialogue)
    data.responsible_ids = [staff.id]

    services.update_dialogue(dialogue, data, opened_at, staff, today=TODAY)

    assert db.session.get(Dialogue, dialogue.id).version == opened_at + 1
    with pytest.raises(ConflictError):
        services.update_dialogue(dialogue, services.data_of(dialogue), opened_at, staff)


def test_the_state_section_data_is_per_reader(app, staff, coordinator):
    make_dialogue("IDN", "universalization")
    make_dialogue("IDN", "clearance")
    state = _state("IDN")

    assert [r.dialogue.area.slug for r in services.state_dialogues(state, staff)] == [
        "universalization",
        "clearance",
    ]
    assert [r.dialogue.area.slug for r in services.state_dialogues(state, coordinator)] == [
        "universalization"
    ]
    open_slugs = [a.slug for a in services.areas_without_dialogue(state)]
    assert "universalization" not in open_slugs and "transparency" in open_slugs
