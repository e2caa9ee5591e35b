"""Helpers of the dialogue tests: interactions linked to a dialogue, and users who read them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db
from outreach.interactions.models import interaction_dialogue
from outreach.interactions.services import InteractionData
from tests.factories import make_followup, make_interaction

LINKS_DIALOGUES = "dialogue_ids" in {f.name for f in dataclasses.fields(InteractionData)}


def linked_interaction(
    dialogue: Any,
    subject: str = "Call with the mission",
    occurred_on: dt.date = dt.date(2026, 1, 15),
    **overrides: Any,
) -> Any:
    """An interaction logged through its service and linked to the dialogue."""
    if LINKS_DIALOGUES:
        return make_interaction(
            subject, occurred_on=occurred_on, dialogue_ids=[dialogue.id], **overrides
        )
    interaction = make_interaction(subject, occurred_on=occurred_on, **overrides)
    db.session.execute(
        sa.insert(interaction_dialogue).values(
            interaction_id=interaction.id, dialogue_id=dialogue.id
        )
    )
    db.session.commit()
    return interaction


def dialogue_followup(
    dialogue: Any, owner: Any, due_on: dt.date, description: str, interaction: Any = None
) -> Any:
    """A follow-up on the dialogue (attached to an interaction when given)."""
    extra = {"interaction_id": interaction.id} if interaction is not None else {}
    followup = make_followup(owner, due_on, description, **extra)
    followup.dialogue_id = dialogue.id
    db.session.commit()
    return followup
