"""A scene for the coordinators' pages: dialogues in several areas, an engagement stage, an
obligation, a normal interaction and a confidential one carrying a unique marker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.directory.models import Contact, Organisation
from outreach.extensions import db
from outreach.interactions.models import FollowUp, Interaction
from outreach.interactions.services import FollowUpData
from outreach.obligations.models import (
    Article7Report,
    ExtensionRequest,
    Obligation,
    ObligationStatus,
    ReportKind,
)
from outreach.reference.models import State
from outreach.universalization.models import Engagement, Stage, StageEvent
from tests.factories import (
    make_contact,
    make_dialogue,
    make_followup,
    make_interaction,
    make_organisation,
)

MARKER = "CONFIDENTIAL-MARKER-7f3a"
TODAY = dt.date.today()


def state(iso3: str) -> State:
    """A seeded State by its code."""
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def link(interaction: Interaction, *dialogues: Dialogue) -> None:
    """Link an interaction to dialogues."""
    with acting_as("test"):
        interaction.dialogues.extend(dialogues)
        db.session.commit()


def set_stage(iso3: str, stage: Stage, since: dt.date) -> Engagement:
    """Record a State's engagement stage, with its history."""
    with acting_as("test"):
        engagement = Engagement(state=state(iso3), stage=stage, since=since)
        db.session.add(engagement)
        db.session.add(StageEvent(state=state(iso3), new_stage=stage, since=since, note="Test"))
        db.session.commit()
    return engagement


@dataclass
class Scene:
    """The records of the scene, by what they are."""

    idn_universalization: Dialogue
    vnm_universalization: Dialogue
    lao_clearance: Dialogue
    vut_transparency: Dialogue
    normal: Interaction
    confidential: Interaction
    obligation: Obligation
    extension: ExtensionRequest
    report: Article7Report
    mission: Organisation
    contact: Contact
    followup: FollowUp


def build_scene(staff: Any, coordinator: Any) -> Scene:
    """Dialogues on universalization (Indonesia, Viet Nam), clearance (Lao PDR) and transparency
    (Vanuatu), Indonesia "considering", Lao PDR's Article 4 obligation, and two interactions
    with Indonesia: a normal one 10 days ago and a confidential one yesterday."""
    idn = make_dialogue(
        "IDN",
        "universalization",
        status=DialogueStatus.ACTIVE,
        position="Ratification is before parliament.",
        next_step="Meet the new ambassador",
        next_step_due=TODAY + dt.timedelta(days=30),
    )
    with acting_as("test"):
        idn.responsible = [staff, coordinator]
        db.session.commit()
    vnm = make_dialogue("VNM", "universalization", status=DialogueStatus.STALLED)
    lao = make_dialogue("LAO", "clearance", status=DialogueStatus.ACTIVE, next_step="Workshop")
    vut = make_dialogue("VUT", "transparency", status=DialogueStatus.NOT_STARTED)
    set_stage("IDN", Stage.CONSIDERING, TODAY - dt.timedelta(days=40))
    lao_state = state("LAO")
    with acting_as("test"):
        # The seeded Article 4 obligation of Lao PDR, with a (test) extension granted.
        obligation = db.session.scalars(
            sa.select(Obligation).where(
                Obligation.state_id == lao_state.id, Obligation.article == 4
            )
        ).one()
        obligation.extended_deadline = dt.date(2030, 8, 1)
        obligation.status = ObligationStatus.IN_PROGRESS
        extension = ExtensionRequest(
            obligation=obligation, submitted_on=dt.date(2019, 3, 1), notes="Granted at 9MSP"
        )
        report = Article7Report(
            state=lao_state,
            kind=ReportKind.ANNUAL,
            year=2025,
            due_on=dt.date(2026, 4, 30),
            received_on=dt.date(2026, 4, 20),
        )
        db.session.add_all([extension, report])
        db.session.commit()
    mission = make_organisation(
        "Permanent Mission of the Republic of Indonesia",
        kind="permanent_mission",
        state_iso3="IDN",
    )
    contact = make_contact(
        "Wibowo",
        "Sari",
        organisation=mission,
        position="Counsellor",
        emails=["sari.wibowo@mission.example"],
        notes=f"Personal note {MARKER}",
    )
    normal = make_interaction(
        "Call with the Indonesian mission",
        kind="call",
        occurred_on=TODAY - dt.timedelta(days=10),
        outcome="They will write to the capital.",
        state_ids=[state("IDN").id],
    )
    confidential = make_interaction(
        f"Démarche {MARKER}",
        kind="demarche",
        occurred_on=TODAY - dt.timedelta(days=1),
        summary=f"Summary {MARKER}",
        outcome=f"Outcome {MARKER}",
        confidential=True,
        state_ids=[state("IDN").id],
        organisation_ids=[mission.id],
        contact_ids=[contact.id],
        area_ids=[idn.area_id],
        followup=FollowUpData(description=f"Follow-up {MARKER}", owner_id=staff.id, due_on=TODAY),
    )
    link(normal, idn)
    link(confidential, idn)
    # A follow-up of the confidential démarche for the coordinator, about their dialogue.
    followup = make_followup(
        coordinator,
        TODAY,
        description=f"Coordinator follow-up {MARKER}",
        interaction_id=confidential.id,
        state_id=state("IDN").id,
    )
    with acting_as("test"):
        followup.dialogue_id = idn.id
        db.session.commit()
    return Scene(
        idn_universalization=idn,
        vnm_universalization=vnm,
        lao_clearance=lao,
        vut_transparency=vut,
        normal=normal,
        confidential=confidential,
        obligation=obligation,
        extension=extension,
        report=report,
        mission=mission,
        contact=contact,
        followup=followup,
    )


@pytest.fixture
def scene(app: Any, staff: Any, coordinator: Any) -> Scene:
    """The scene, built once per test."""
    return build_scene(staff, coordinator)
