"""What invitations hold about a person: exported with their data, erased with them, and moved
to the survivor when two records of the same person are merged."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from outreach.contacts.merge import LINK_MOVERS
from outreach.contacts.privacy import ERASERS, EXPORTERS
from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.invitations.models import Answer, Invitation
from outreach.rsvp.tokens import revoke


def _invitations(contact: Contact) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.contact_id == contact.id)
            .options(selectinload(Invitation.delegates), selectinload(Invitation.meeting))
            .order_by(Invitation.id)
        )
    )


def export_invitations(contact: Contact) -> list[dict[str, Any]]:
    """The person's invitations, answers, delegations and requests, for their data export."""
    return [
        {
            "meeting": invitation.meeting.display_title,
            "answer": invitation.answer.value,
            "answered_at": invitation.answered_at.isoformat() if invitation.answered_at else None,
            "answered_via": invitation.answered_via.value if invitation.answered_via else None,
            "comments": invitation.comments,
            "sponsorship": invitation.sponsorship.value,
            "sponsorship_note": invitation.sponsorship_note,
            "delegates": [
                {"name": d.name, "title": d.title, "email": d.email} for d in invitation.delegates
            ],
        }
        for invitation in _invitations(contact)
    ]


def erase_invitations(contact: Contact) -> None:
    """Revoke the person's links and blank what they wrote; the answers stay, anonymous, so the
    meeting's counts stay true."""
    for invitation in _invitations(contact):
        revoke(invitation)
        invitation.comments = ""
        invitation.sponsorship_note = ""
        invitation.sponsorship_decision_note = ""
        invitation.delegates = []


def _prefer_other(mine: Invitation, theirs: Invitation) -> bool:
    """Whether the other record's invitation to a meeting replaces the survivor's: only if it
    holds an answer the survivor's lacks, or a later one."""
    if theirs.answer is Answer.PENDING or theirs.answered_at is None:
        return False
    if mine.answer is Answer.PENDING or mine.answered_at is None:
        return True
    return theirs.answered_at > mine.answered_at


def move_invitations(survivor: Contact, other: Contact) -> None:
    """Point the other record's invitations at the survivor; where both were invited to the
    same meeting, keep the one with an answer and drop the other."""
    kept = {i.meeting_id: i for i in _invitations(survivor)}
    moving = []
    for invitation in _invitations(other):
        present = kept.get(invitation.meeting_id)
        if present is None:
            moving.append(invitation)
        elif _prefer_other(present, invitation):
            db.session.delete(present)
            moving.append(invitation)
        else:
            db.session.delete(invitation)
    # The dropped rows go first: the pair (meeting, contact) is unique.
    db.session.flush()
    for invitation in moving:
        invitation.contact = survivor


ERASERS.append(erase_invitations)
EXPORTERS["invitations"] = export_invitations
LINK_MOVERS.append(move_invitations)
