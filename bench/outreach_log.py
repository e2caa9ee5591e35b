"""A year of outreach for the benchmarks: 40 dialogues and 2,000 interactions linked to them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from outreach.auth.models import User
from outreach.dialogues.services import area_by_slug, open_dialogue
from outreach.extensions import db
from outreach.interactions.services import FollowUpData, InteractionData, log_interaction
from outreach.reference.models import State, ThematicArea

INTERACTIONS = 2_000


def fill_outreach_log() -> None:
    """Open dialogues with 40 States and log interactions linked to them, some confidential."""
    staff = db.session.scalar(sa.select(User).where(User.email == "bench@isu.example"))
    states = list(db.session.scalars(sa.select(State).order_by(State.iso3)))
    areas = list(db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position)))
    dialogues = []
    for index, state in enumerate(states[::5]):
        area = area_by_slug("universalization") if index % 2 else areas[index % len(areas)]
        dialogues.append(open_dialogue(state, area)[0])
    start = dt.date(2026, 1, 1)
    for number in range(INTERACTIONS):
        dialogue = dialogues[number % len(dialogues)]
        log_interaction(
            InteractionData(
                kind="call" if number % 3 else "meeting",
                occurred_on=start + dt.timedelta(days=number % 320),
                subject=f"Call number {number} with {dialogue.state.name}",
                summary="Discussed **ratification** and the next steps.",
                confidential=number % 7 == 0,
                state_ids=[dialogue.state_id],
                area_ids=[dialogue.area_id],
                staff_ids=[staff.id],
                dialogue_ids=[dialogue.id],
                created_by_id=staff.id,
                followup=FollowUpData(
                    description="Send the letter",
                    owner_id=staff.id,
                    due_on=start + dt.timedelta(days=number % 400),
                )
                if number % 10 == 0
                else None,
            )
        )
