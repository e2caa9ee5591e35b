"""Interactions linked to dialogues, follow-ups about a dialogue, and changing follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from outreach.audit.services import acting_as
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp
from tests.factories import make_dialogue, make_followup, make_interaction
from tests.interactions.conftest import state


def test_an_interaction_links_its_dialogues_and_refuses_unknown_ones(staff: Any) -> None:
    idn = make_dialogue("IDN", "universalization")
    lao = make_dialogue("LAO", "clearance")
    interaction = make_interaction("Démarche", dialogue_ids=[idn.id, lao.id])
    assert [d.id for d in interaction.dialogues] == sorted([idn.id, lao.id])
    assert interaction.dialogues[0].title == "Indonesia — Universalization"
    with pytest.raises(ValidationError) as error, acting_as("test"):
        services.log_interaction(
            services.InteractionData(
                subject="Call", occurred_on=dt.date(2026, 1, 1), dialogue_ids=[999999]
            )
        )
    assert set(error.value.errors) == {"dialogues"}


def test_a_follow_up_logged_with_one_dialogue_is_about_that_dialogue(staff: Any) -> None:
    dialogue = make_dialogue("IDN", "universalization")
    interaction = make_interaction(
        "Démarche",
        dialogue_ids=[dialogue.id],
        followup=services.FollowUpData("Send the model instrument", staff.id, dt.date(2026, 2, 1)),
    )
    (followup,) = interaction.followups
    assert followup.dialogue_id == dialogue.id
    assert followup.state_id == state("IDN").id  # from the dialogue, as no State was named


def test_a_follow_up_logged_with_two_dialogues_is_about_neither(staff: Any) -> None:
    first, second = make_dialogue("IDN"), make_dialogue("LAO", "clearance")
    interaction = make_interaction(
        "Meeting",
        dialogue_ids=[first.id, second.id],
        followup=services.FollowUpData("Write up", staff.id, dt.date(2026, 2, 1)),
    )
    assert interaction.followups[0].dialogue_id is None


def test_a_follow_up_about_a_dialogue_takes_its_state(staff: Any) -> None:
    dialogue = make_dialogue("LAO", "clearance")
    followup = make_followup(
        staff, dt.date(2026, 3, 1), "Ask for the plan", dialogue_id=dialogue.id
    )
    assert followup.dialogue_id == dialogue.id and followup.state_id == state("LAO").id
    with pytest.raises(ValidationError) as error:
        make_followup(staff, dt.date(2026, 3, 1), "Nothing", dialogue_id=424242)
    assert set(error.value.errors) == {"dialogue_id"}


def test_changing_only_the_links_moves_the_version_on(staff: Any) -> None:
    interaction = make_interaction("Meeting")
    dialogue = make_dialogue("IDN")
    data = services.data_of(interaction)
    data.dialogue_ids = [dialogue.id]
    with acting_as("test"):
        services.update_interaction(interaction, data, expected_version=1)
    assert interaction.version == 2
    assert [d.id for d in interaction.dialogues] == [dialogue.id]
    # A save based on the old version, made before the link was added, is refused.
    data.dialogue_ids = []
    with acting_as("test"), pytest.raises(ConflictError):
        services.update_interaction(interaction, data, expected_version=1)


def test_a_follow_up_can_be_done_reopened_reassigned_and_moved(staff: Any, admin: Any) -> None:
    followup = make_followup(staff, dt.date(2026, 3, 1), "Call back")
    with acting_as("test"):
        services.update_followup(followup, done=True)
        assert followup.done_at is not None
        services.update_followup(
            followup, done=False, owner_id=admin.id, due_on=dt.date(2026, 4, 1)
        )
    stored = db.session.get(FollowUp, followup.id)
    assert stored.done_at is None and stored.owner_id == admin.id
    assert stored.due_on == dt.date(2026, 4, 1)
    with acting_as("test"), pytest.raises(ValidationError):
        services.update_followup(followup, description="  ")


def test_the_team_sees_everyones_open_follow_ups(staff: Any, admin: Any) -> None:
    today = dt.date(2026, 3, 10)
    make_followup(staff, dt.date(2026, 3, 1), "Mine, late")
    make_followup(admin, dt.date(2026, 3, 12), "Theirs, this week")
    team = services.my_followups(staff, today=today, everyone=True)
    assert [f.description for f in team.overdue] == ["Mine, late"]
    assert [f.description for f in team.this_week] == ["Theirs, this week"]
    assert services.my_followups(staff, today=today).this_week == []
