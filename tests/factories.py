"""Plain functions that make records for tests."""

from __future__ import annotations

from typing import Any

from outreach.audit.services import acting_as
from outreach.auth import services as accounts
from outreach.auth.models import User

PASSWORD = "correct horse battery staple 42"


def make_user(
    email: str = "user@isu.example",
    role: str = "staff",
    name: str = "",
    areas: list[str] | None = None,
    password: str = PASSWORD,
    **_overrides: Any,
) -> User:
    """A user account with a known password."""
    with acting_as("test"):
        return accounts.create_user(email, role, password, name=name, area_slugs=areas or [])


def api_headers(email: str) -> dict[str, str]:
    """The Authorization header of a fresh personal API token of this user."""
    with acting_as("test"):
        token = accounts.issue_api_token(email)
    return {"Authorization": f"Bearer {token}"}


def make_organisation(name: str = "Mine Action Centre", kind: str = "ngo", **overrides: Any) -> Any:
    """An organisation created through its service (tags as a list, State by ISO3 code)."""
    from outreach.organisations.services import OrganisationData, create_organisation

    with acting_as("test"):
        return create_organisation(OrganisationData(name=name, kind=kind, **overrides))


def make_posting(
    organisation: Any,
    last_name: str = "Dupont",
    first_name: str = "Marie",
    position: str = "Counsellor",
    **overrides: Any,
) -> Any:
    """A person holding a position at an organisation (start and end dates as overrides)."""
    import datetime as dt

    from outreach.directory.models import Contact, Posting
    from outreach.extensions import db

    contact_values = {
        k: overrides.pop(k) for k in ("honorific", "archived_at", "notes") if k in overrides
    }
    with acting_as("test"):
        contact = Contact(last_name=last_name, first_name=first_name, **contact_values)
        posting = Posting(
            contact=contact,
            organisation_id=organisation.id,
            position=position,
            start_date=overrides.pop("start_date", dt.date(2024, 1, 1)),
            **overrides,
        )
        db.session.add_all([contact, posting])
        db.session.commit()
    return posting


def make_contact(
    last_name: str = "Dupont",
    first_name: str = "Marie",
    organisation: Any = None,
    position: str = "",
    **overrides: Any,
) -> Any:
    """A contact created through its service (ContactData fields as overrides: emails, phones,
    tags, area_slugs, keywords, notes…), with a current posting when an organisation is given."""
    import datetime as dt

    from outreach.contacts.services import ContactData, PostingData, create_contact

    posting = None
    if organisation is not None:
        posting = PostingData(
            organisation_id=organisation.id,
            position=position,
            start_date=overrides.pop("start_date", dt.date(2024, 1, 1)),
        )
    with acting_as("test"):
        return create_contact(
            ContactData(last_name=last_name, first_name=first_name, **overrides), posting
        )


def make_interaction(subject: str = "Meeting with the mission", **overrides: Any) -> Any:
    """An interaction logged through its service (InteractionData fields as overrides)."""
    import datetime as dt

    from outreach.interactions.services import InteractionData, log_interaction

    values: dict[str, Any] = {"kind": "meeting", "occurred_on": dt.date(2026, 1, 15)}
    values.update(overrides)
    with acting_as("test"):
        return log_interaction(InteractionData(subject=subject, **values))


def make_followup(
    owner: Any, due_on: Any, description: str = "Send the letter", **overrides: Any
) -> Any:
    """A follow-up created through its service."""
    from outreach.interactions.services import FollowUpData, create_followup

    with acting_as("test"):
        return create_followup(
            FollowUpData(description=description, owner_id=owner.id, due_on=due_on, **overrides)
        )


def make_dialogue(iso3: str = "IDN", area: str = "universalization", **values: Any) -> Any:
    """The State's dialogue on an area, opened through its service, with any field set."""
    import sqlalchemy as sa

    from outreach.dialogues.services import area_by_slug, open_dialogue
    from outreach.extensions import db
    from outreach.reference.models import State

    state = db.session.scalar(sa.select(State).where(State.iso3 == iso3))
    with acting_as("test"):
        dialogue, _created = open_dialogue(state, area_by_slug(area))
        for name, value in values.items():
            setattr(dialogue, name, value)
        db.session.commit()
    return dialogue


def make_future_meeting(
    title: str = "Fourteenth Meeting of States Parties", **overrides: Any
) -> Any:
    """A scheduled 14MSP in Geneva, 14-17 September 2027, 10:00-18:00 Zurich time, organised from
    isu@ccm.example (invitations expire when it starts, so it must lie ahead)."""
    import datetime as dt

    from outreach.meetings.services import MeetingData, create_meeting

    values: dict[str, Any] = {
        "kind": "msp",
        "code": "14MSP",
        "title": title,
        "starts": dt.datetime(2027, 9, 14, 10, 0),
        "ends": dt.datetime(2027, 9, 17, 18, 0),
        "timezone": "Europe/Zurich",
        "venue": "Palais des Nations, Geneva",
        "room": "Room XVIII",
        "organiser_email": "isu@ccm.example",
        "status": "scheduled",
        **overrides,
    }
    with acting_as("test"):
        return create_meeting(MeetingData(**values))


def make_invitation(meeting: Any, contact: Any = None, **values: Any) -> Any:
    """An invitation of a contact (by default one with an email address) to a meeting."""
    from outreach.extensions import db
    from outreach.invitations.models import Invitation

    if contact is None:
        contact = make_contact(emails=["marie.dupont@mission.example"])
    invitation = Invitation(meeting=meeting, contact=contact, added_as="one by one", **values)
    db.session.add(invitation)
    with acting_as("test"):
        db.session.commit()
    return invitation
