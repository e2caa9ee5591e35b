"""Logging an interaction about a State and an area files it under that State's dialogue."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from outreach.dialogues.models import Dialogue
from outreach.extensions import db
from outreach.interactions.models import Interaction
from outreach.reference.models import ThematicArea
from tests.factories import make_dialogue


def _area_id(slug: str) -> int:
    return db.session.scalar(sa.select(ThematicArea.id).where(ThematicArea.slug == slug))


def _log(auth: Any, staff: Any, **extra: str) -> Interaction:
    form = {
        "kind": "demarche",
        "occurred_on": "2026-11-20",
        "subject": "Ratification démarche",
        "states": "IDN",
        "areas": str(_area_id("universalization")),
        "staff": str(staff.id),
        **extra,
    }
    response = auth.post("/interactions/new?state=IDN", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Interaction).order_by(Interaction.id.desc())).first()


def test_the_form_offers_filing_under_the_dialogues_ticked(client: Any, auth: Any, staff: Any):
    auth.login(staff.email)
    form = client.get("/interactions/new?state=IDN").get_data(as_text=True)
    (checkbox,) = re.findall(r"<input[^>]*name=\"file_under_dialogues\"[^>]*>", form)
    assert " checked " in checkbox  # on by default


def test_filing_opens_the_dialogue_when_there_is_none(client: Any, auth: Any, staff: Any):
    auth.login(staff.email)
    interaction = _log(auth, staff, file_under_dialogues="y")

    (dialogue,) = interaction.dialogues
    assert dialogue.title == "Indonesia — Universalization"
    assert dialogue.events[0].note == "Dialogue opened."
    page = client.get(f"/dialogues/{dialogue.id}").get_data(as_text=True)
    assert "Ratification démarche" in page


def test_filing_reuses_the_existing_dialogue(client: Any, auth: Any, staff: Any):
    existing = make_dialogue("IDN", "universalization")
    auth.login(staff.email)
    interaction = _log(auth, staff, file_under_dialogues="y")

    assert [d.id for d in interaction.dialogues] == [existing.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dialogue)) == 1


def test_without_filing_no_dialogue_is_opened(client: Any, auth: Any, staff: Any):
    auth.login(staff.email)
    interaction = _log(auth, staff)

    assert interaction.dialogues == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dialogue)) == 0
