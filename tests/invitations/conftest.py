"""Helpers of the invitations tests: Permanent Missions with their focal points, and reading
what the outbox holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.contacts.services import ContactData, PostingData, create_contact
from outreach.extensions import db
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.outbox import RENDERERS
from tests import factories


def focal_point(
    organisation: Any,
    last_name: str,
    first_name: str,
    email: str | None,
    language: str = "en",
    **overrides: Any,
) -> Any:
    """A contact holding the focal-point posting at an organisation."""
    posting = PostingData(
        organisation_id=organisation.id,
        position="Disarmament counsellor",
        start_date=dt.date(2024, 1, 1),
        focal_point=True,
    )
    data = ContactData(
        last_name=last_name,
        first_name=first_name,
        emails=[email] if email else [],
        preferred_language=language,
        **overrides,
    )
    with acting_as("test"):
        return create_contact(data, posting)


def mission(iso3: str, name: str) -> Any:
    """A State's Permanent Mission in Geneva."""
    return factories.make_organisation(name, "permanent_mission", state_iso3=iso3)


@dataclass
class Missions:
    """Three States Parties' missions with focal points, a signatory's and a State not party's."""

    austria: list[Any] = field(default_factory=list)
    france: list[Any] = field(default_factory=list)
    mexico: list[Any] = field(default_factory=list)
    indonesia: list[Any] = field(default_factory=list)
    usa: list[Any] = field(default_factory=list)

    @property
    def states_parties(self) -> list[Any]:
        return self.austria + self.france + self.mexico


@pytest.fixture
def missions(app: Any) -> Missions:
    """Focal points at five missions, in English, French and Spanish."""
    aut = mission("AUT", "Permanent Mission of Austria")
    fra = mission("FRA", "Mission permanente de la France")
    mex = mission("MEX", "Misión Permanente de México")
    idn = mission("IDN", "Permanent Mission of Indonesia")
    usa = mission("USA", "United States Mission")
    return Missions(
        austria=[focal_point(aut, "Huber", "Anna", "anna.huber@aut-mission.example")],
        france=[
            focal_point(fra, "Martin", "Claire", "claire.martin@fra-mission.example", "fr"),
            focal_point(fra, "Bernard", "Luc", "luc.bernard@fra-mission.example", "fr"),
        ],
        mexico=[focal_point(mex, "García", "Lucía", "lucia.garcia@mex-mission.example", "es")],
        indonesia=[focal_point(idn, "Wibowo", "Sari", "sari.wibowo@idn-mission.example")],
        usa=[focal_point(usa, "Smith", "John", "john.smith@usa-mission.example")],
    )


def outbox(purpose: MailPurpose | None = None) -> list[OutboxMessage]:
    """The messages of the outbox (of one purpose), oldest first."""
    query = sa.select(OutboxMessage).join(Mailing).order_by(OutboxMessage.id)
    if purpose is not None:
        query = query.where(Mailing.purpose == purpose)
    return list(db.session.scalars(query))


def pending(purpose: MailPurpose) -> list[OutboxMessage]:
    """The messages of a purpose still to be sent."""
    return [m for m in outbox(purpose) if m.status is OutboxStatus.QUEUED]


def render(message: OutboxMessage) -> Any:
    """The email the worker would build for a message."""
    return RENDERERS[message.mailing.purpose](message)
