"""RSVP tests: an invitee of the Fourteenth Meeting of States Parties with their personal links,
and a helper that answers through the page as a browser would."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from outreach.extensions import db
from outreach.invitations.models import Invitation
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage
from outreach.meetings.models import Meeting
from outreach.reference.models import State
from outreach.rsvp.tokens import make_token
from tests import factories

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DEADLINE = dt.date(2027, 8, 31)


@dataclass
class Invitee:
    """One invitation and the two personal links sent with it."""

    meeting: Meeting
    invitation: Invitation
    contact: Any
    # One link per purpose and link version, as sent: a token made a second later differs.
    issued: dict[tuple[str, int], str] = field(default_factory=dict)

    def _link(self, purpose: str) -> str:
        key = (purpose, self.invitation.token_version)
        if key not in self.issued:
            self.issued[key] = f"/{purpose}/{make_token(self.invitation, purpose)}"  # type: ignore[arg-type]
        return self.issued[key]

    @property
    def rsvp(self) -> str:
        return self._link("rsvp")

    @property
    def unsubscribe(self) -> str:
        return self._link("unsubscribe")


def make_invitee(
    meeting: Meeting | None = None,
    last_name: str = "Dupont",
    first_name: str = "Marie",
    email: str = "marie.dupont@mission.example",
    language: str = "en",
    **values: Any,
) -> Invitee:
    """A contact with an address and a language, invited to the meeting (the 14MSP by default,
    answers by 31 August 2027)."""
    meeting = meeting or factories.make_future_meeting(rsvp_deadline=DEADLINE)
    contact = factories.make_contact(
        last_name, first_name, emails=[email], preferred_language=language, honorific="Ms"
    )
    invitation = factories.make_invitation(meeting, contact, **values)
    return Invitee(meeting=meeting, invitation=invitation, contact=contact)


@pytest.fixture
def invitee(app: Any) -> Invitee:
    """Ms Marie Dupont of the French mission, invited to the 14MSP for France's delegation."""
    france = db.session.scalar(sa.select(State).where(State.iso3 == "FRA"))
    return make_invitee(delegation_state_id=france.id)


def csrf_of(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no form on {path}"
    return match.group(1)


def answer_data(
    answer: str = "attending", delegates: list[tuple[str, str, str]] = (), **extra: Any
) -> dict[str, Any]:
    """The fields of the answer form: the answer, delegation rows, and any other field."""
    data: dict[str, Any] = {"answer": answer}
    for index, (name, title, email) in enumerate(delegates):
        data[f"delegates-{index}-name"] = name
        data[f"delegates-{index}-title"] = title
        data[f"delegates-{index}-email"] = email
    data.update(extra)
    return data


def post_answer(client: FlaskClient, path: str, **fields: Any) -> Any:
    """Answer through the page: read its form, then send it."""
    token = csrf_of(client, path)
    return client.post(path, data={**answer_data(**fields), "csrf_token": token})


def confirmations() -> list[OutboxMessage]:
    """The confirmation messages in the outbox, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .join(Mailing)
            .where(Mailing.purpose == MailPurpose.CONFIRMATION)
            .order_by(OutboxMessage.id)
        )
    )


def fresh(invitation: Invitation) -> Invitation:
    """The invitation as the database holds it now."""
    db.session.expire_all()
    return db.session.get(Invitation, invitation.id)
