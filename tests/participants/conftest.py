"""Helpers of the follow-through tests: invitees from every group of a list of participants,
their answers and delegations."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.db import utcnow
from outreach.directory.models import ContactEmail
from outreach.extensions import db
from outreach.invitations.models import Answer, Delegate, Invitation, Sponsorship
from outreach.mail.models import OutboxMessage
from outreach.reference.models import State
from tests import factories


def state(iso3: str) -> State:
    """A seeded State by its code."""
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def ascii_address(first_name: str, last_name: str) -> str:
    """first.last@example.org without accents or spaces."""
    local = unicodedata.normalize("NFKD", f"{first_name}.{last_name}".lower().replace(" ", ""))
    return local.encode("ascii", "ignore").decode() + "@example.org"


def organisation(name: str, kind: str, iso3: str = "") -> Any:
    """An organisation, made once per test."""
    return factories.make_organisation(name, kind, state_iso3=iso3)


def invite(
    meeting: Any,
    last_name: str,
    first_name: str = "Alex",
    at: Any = None,
    position: str = "",
    language: str = "en",
    email: str | None = "",
    delegates: tuple[tuple[str, str], ...] = (),
    **values: Any,
) -> Invitation:
    """A contact (working at `at`, with one address unless `email` is None) invited to the
    meeting, with any invitation values and the delegation they named."""
    address = email or ascii_address(first_name, last_name)
    contact = factories.make_contact(
        last_name,
        first_name,
        organisation=at,
        position=position,
        emails=[] if email is None else [address],
        preferred_language=language,
        **{k: values.pop(k) for k in ("honorific", "do_not_email") if k in values},
    )
    invitation = factories.make_invitation(meeting, contact, **values)
    if delegates:
        with acting_as("test"):
            for position_number, (name, title) in enumerate(delegates):
                db.session.add(
                    Delegate(
                        invitation=invitation, name=name, title=title, position=position_number
                    )
                )
            db.session.commit()
    return invitation


def sent(**values: Any) -> dict[str, Any]:
    """The values of an invitation that was sent (sequence 0) and is waiting for an answer."""
    return {"sent_sequence": 0, **values}


def attending(**values: Any) -> dict[str, Any]:
    """The values of an invitation answered "attending" through the personal link."""
    return {
        "sent_sequence": 0,
        "answer": Answer.ATTENDING,
        "answered_at": utcnow() - dt.timedelta(days=2),
        **values,
    }


def queries_of_page(
    client: Any, url: str, count_queries: Any, grow: Callable[[], None]
) -> tuple[int, int]:
    """The statements a page runs, before and after `grow` adds rows to it, each time as in a
    fresh request (nothing loaded yet)."""
    counts = []
    for step in (lambda: None, grow):
        step()
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    return counts[0], counts[1]


def outbox() -> list[OutboxMessage]:
    """Every message in the outbox, oldest first."""
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def bounce(invitation: Invitation) -> None:
    """Mark every address of the invitee as hard-bounced."""
    with acting_as("test"):
        for email in db.session.scalars(
            sa.select(ContactEmail).where(ContactEmail.contact_id == invitation.contact_id)
        ):
            email.bounced_at = utcnow()
        db.session.commit()


def erase(invitation: Invitation) -> None:
    """Mark the invitee's contact as erased."""
    with acting_as("test"):
        invitation.contact.erased_at = utcnow()
        db.session.commit()


@dataclass
class Conference:
    """A meeting with attendees of every group of the list of participants."""

    meeting: Any
    france: Invitation  # a State Party, invited as its delegation, two delegates
    switzerland: Invitation  # a State Party through its mission (no delegation set)
    indonesia: Invitation  # a signatory
    usa: Invitation  # not party: an observer State
    lithuania: Invitation  # withdrew: an observer State
    unmas: Invitation  # a UN entity, one delegate
    eu: Invitation  # a regional organisation
    hrw: Invitation  # an NGO
    university: Invitation  # academic: listed with the NGOs
    independent: Invitation  # no organisation: listed with the NGOs
    maybe: Invitation  # answered maybe: not on the list
    declined: Invitation
    pending: Invitation
    removed: Invitation  # attending, then removed from the audience


@pytest.fixture
def conference(app: Any) -> Conference:
    """The Fourteenth Meeting of States Parties with its answers."""
    return build_conference()


def build_conference() -> Conference:
    """The Fourteenth Meeting of States Parties with attendees of every group, and others."""
    meeting = factories.make_future_meeting()
    mission = organisation("Permanent Mission of France", "permanent_mission", "FRA")
    swiss = organisation("Permanent Mission of Switzerland", "permanent_mission", "CHE")
    ministry = organisation("Ministry of Foreign Affairs of Indonesia", "ministry", "IDN")
    usa = organisation("United States Mission", "permanent_mission", "USA")
    vilnius = organisation("Ministry of National Defence of Lithuania", "ministry", "LTU")
    unmas = organisation("United Nations Mine Action Service", "un_entity")
    eu = organisation("European Union", "regional_organisation")
    hrw = organisation("Human Rights Watch", "ngo", "USA")
    university = organisation("Geneva Graduate Institute", "academic", "CHE")
    return Conference(
        meeting=meeting,
        france=invite(
            meeting,
            "Martin",
            "Claire",
            at=mission,
            position="Ambassador",
            honorific="H.E. Ms",
            language="fr",
            delegation_state=state("FRA"),
            delegates=(("Paul Leroy", "Counsellor"), ("Inès Roux", "Legal adviser")),
            **attending(),
        ),
        switzerland=invite(
            meeting,
            "Keller",
            "Jonas",
            at=swiss,
            position="Deputy Permanent Representative",
            delegates=(("Anna Weber", "Diplomatic officer"),),
            **attending(),
        ),
        indonesia=invite(
            meeting, "Santoso", "Dewi", at=ministry, position="Director", **attending()
        ),
        usa=invite(meeting, "Miller", "John", at=usa, position="Political officer", **attending()),
        lithuania=invite(
            meeting, "Kazlauskas", "Tomas", at=vilnius, position="Adviser", **attending()
        ),
        unmas=invite(
            meeting,
            "Okafor",
            "Ngozi",
            at=unmas,
            position="Chief",
            delegates=(("Lena Berg", "Programme officer"),),
            **attending(),
        ),
        eu=invite(meeting, "Rossi", "Marco", at=eu, position="Policy officer", **attending()),
        hrw=invite(meeting, "Goose", "Mary", at=hrw, position="Director", **attending()),
        university=invite(
            meeting, "Dubois", "Léa", at=university, position="Researcher", **attending()
        ),
        independent=invite(meeting, "Novak", "Ivan", position="Consultant", **attending()),
        maybe=invite(meeting, "Mendes", "Rui", at=mission, **attending(answer=Answer.MAYBE)),
        declined=invite(meeting, "Lopez", "Ana", at=swiss, **attending(answer=Answer.DECLINED)),
        pending=invite(meeting, "Tanaka", "Yuki", at=swiss, **sent()),
        removed=invite(meeting, "Gone", "Gary", at=mission, **attending(removed_at=utcnow())),
    )


def request_sponsorship(invitation: Invitation, note: str = "") -> Invitation:
    """Record that the invitee asked for sponsorship in their answer."""
    with acting_as("test"):
        invitation.sponsorship = Sponsorship.REQUESTED
        invitation.sponsorship_note = note
        db.session.commit()
    return invitation
