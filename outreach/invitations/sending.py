"""Sending a meeting's invitations, updates and cancellations through the durable outbox: each
use case writes its outbox rows in the same transaction as the change that calls for them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.extensions import db
from outreach.invitations import messages
from outreach.invitations.audience import Delivery, audience_of, delivery_of
from outreach.invitations.merge import language_of
from outreach.invitations.models import Answer, Invitation
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.outbox import Recipient, enqueue, new_mailing, withdraw
from outreach.meetings import services as meeting_services
from outreach.meetings.models import Meeting, MeetingStatus
from outreach.rsvp.tokens import revoke

# Messages that put the meeting in a calendar.
REQUESTS = (MailPurpose.INVITE, MailPurpose.UPDATE)
# A message being sent may have reached the person (the worker may die after the server's 250).
REACHED = (OutboxStatus.SENT, OutboxStatus.SENDING)


@dataclass
class SendReport:
    """What a press of "Send invitations" did."""

    sent: int = 0
    left_out: int = 0
    problem: str = ""  # why nothing could be sent
    raced: bool = False  # another Send of the same invitations won

    def message(self) -> str:
        """The report in a sentence."""
        if self.problem:
            return self.problem
        if self.raced:
            return (
                "These invitations were already sent (another Send was pressed at the same time)."
            )
        if not self.sent:
            return "Already sent to everyone in the audience; nothing more to send."
        people = "person" if self.sent == 1 else "people"
        text = f"Invitations are on their way to {self.sent} {people}."
        if self.left_out:
            text += f" {self.left_out} left out (see the audience for why)."
        return text


def send_problem(meeting: Meeting) -> str | None:
    """Why the meeting's invitations cannot be sent now, or None."""
    if meeting.status is MeetingStatus.CANCELLED:
        return "This meeting is cancelled; nothing can be sent."
    if meeting.status is not MeetingStatus.SCHEDULED:
        return "Invitations go out once the meeting is scheduled (it is a draft)."
    if meeting.starts_at is None or meeting.ends_at is None:
        return "Set the meeting's dates before sending invitations."
    if meeting.starts_at <= utcnow():
        return "This meeting has started; invitations would come too late."
    return None


def _recipient(
    invitation: Invitation, address: str, key: str, expires_at: dt.datetime | None
) -> Recipient:
    return Recipient(
        address=address,
        dedupe_key=key,
        name=invitation.contact.full_name,
        language=language_of(invitation.contact),
        invitation_id=invitation.id,
        expires_at=expires_at,
    )


def _mark_sent(invitation_ids: list[int], sequence: int) -> None:
    """Record the sequence sent to these invitees (one statement; no new version of each
    invitation, so nobody editing an answer meets a conflict because of a send)."""
    if invitation_ids:
        db.session.execute(
            sa.update(Invitation)
            .where(Invitation.id.in_(invitation_ids))
            .values(sent_sequence=sequence)
            .execution_options(synchronize_session=False)
        )


def unsent(meeting: Meeting) -> list[Invitation]:
    """Eligible invitees who have not been sent the invitation yet (the next press sends them)."""
    return [
        inv
        for inv in audience_of(meeting)
        if inv.sent_sequence is None and delivery_of(inv).eligible
    ]


def invitations_sent(meeting: Meeting) -> bool:
    """Whether anyone still in the audience was sent the invitation."""
    query = sa.select(Invitation.id).where(
        Invitation.meeting_id == meeting.id,
        Invitation.sent_sequence.is_not(None),
        Invitation.removed_at.is_(None),
    )
    return db.session.scalar(query.limit(1)) is not None


def send_invitations(meeting: Meeting, user_id: int | None = None) -> SendReport:
    """Queue one invitation per eligible invitee not yet sent it, and mark them sent, in one
    transaction. A second press, another tab or a replayed request queues nothing more (F5)."""
    problem = send_problem(meeting)
    if problem:
        return SendReport(problem=problem)
    audience = audience_of(meeting)
    waiting = [inv for inv in audience if inv.sent_sequence is None and inv.removed_at is None]
    report = SendReport()
    recipients = []
    for invitation in waiting:
        delivery = delivery_of(invitation)
        if delivery.address is None:
            report.left_out += 1
            continue
        key = f"invite:{invitation.id}:{meeting.sequence}"
        recipients.append(_recipient(invitation, delivery.address, key, meeting.starts_at))
    if not recipients:
        return report
    mailing = new_mailing(
        MailPurpose.INVITE,
        meeting=meeting,
        sequence=meeting.sequence,
        created_by_id=user_id,
        note=f"Invitations to {meeting.display_title}"[:300],
    )
    queued = enqueue(mailing, recipients)
    if not queued:
        db.session.rollback()
        return SendReport(raced=True)
    try:
        # The insert meets the unique key of a concurrent Send here or at the commit.
        _mark_sent([r.invitation_id for r in recipients if r.invitation_id], meeting.sequence)
        db.session.commit()
    except IntegrityError:
        # The same keys were committed by a concurrent Send: that one sends them.
        db.session.rollback()
        return SendReport(raced=True)
    report.sent = len(queued)
    return report


# --- Telling invitees about a change (called by outreach.meetings.services before its commit) ---


def _reached(invitation_ids: list[int]) -> set[int]:
    """The invitees an invitation or update may have reached."""
    if not invitation_ids:
        return set()
    query = (
        sa.select(OutboxMessage.invitation_id)
        .join(Mailing, Mailing.id == OutboxMessage.mailing_id)
        .where(
            OutboxMessage.invitation_id.in_(invitation_ids),
            OutboxMessage.status.in_(REACHED),
            Mailing.purpose.in_(REQUESTS),
        )
    )
    return {i for i in db.session.scalars(query) if i is not None}


def _messages_of(purposes: tuple[MailPurpose, ...], meeting: Meeting) -> sa.ColumnElement[bool]:
    return OutboxMessage.mailing_id.in_(
        sa.select(Mailing.id).where(Mailing.meeting_id == meeting.id, Mailing.purpose.in_(purposes))
    )


def _tell_of_move(meeting: Meeting) -> None:
    """After a change of time, place or online link: an update at the new SEQUENCE to everyone
    sent something; those whose invitation had not left yet get the invitation instead."""
    invitations = [
        inv for inv in audience_of(meeting) if inv.sent_sequence is not None and not inv.removed_at
    ]
    if not invitations:
        return
    ids = [inv.id for inv in invitations]
    not_yet_left = set(
        db.session.scalars(
            sa.select(OutboxMessage.invitation_id).where(
                OutboxMessage.invitation_id.in_(ids),
                OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.DEFERRED)),
                _messages_of((MailPurpose.INVITE,), meeting),
            )
        )
    ) - _reached(ids)
    withdraw(
        OutboxMessage.invitation_id.in_(ids),
        _messages_of(REQUESTS, meeting),
        reason="Replaced by a message with the meeting's new time, place or link",
    )
    sequence = meeting.sequence
    invites: list[Recipient] = []
    updates: list[Recipient] = []
    for invitation in invitations:
        address = delivery_of(invitation).address
        if address is None:
            continue
        if invitation.id in not_yet_left:
            invites.append(
                _recipient(
                    invitation, address, f"invite:{invitation.id}:{sequence}", meeting.starts_at
                )
            )
        else:
            updates.append(
                _recipient(
                    invitation, address, f"update:{invitation.id}:{sequence}", meeting.starts_at
                )
            )
    for purpose, recipients, note in (
        (MailPurpose.INVITE, invites, "Invitations with the new time, place or link"),
        (MailPurpose.UPDATE, updates, "Updates after a change of time, place or link"),
    ):
        if recipients:
            mailing = new_mailing(purpose, meeting=meeting, sequence=sequence, note=note)
            enqueue(mailing, recipients)
    _mark_sent([r.invitation_id for r in invites + updates if r.invitation_id], sequence)


def _tell_of_cancellation(meeting: Meeting) -> None:
    """After a cancellation: nothing pending leaves any more; everyone an invitation may have
    reached gets a CANCEL at the new SEQUENCE; every personal link is revoked."""
    invitation_ids = sa.select(Invitation.id).where(Invitation.meeting_id == meeting.id)
    withdraw(
        OutboxMessage.invitation_id.in_(invitation_ids),
        OutboxMessage.mailing_id.not_in(
            sa.select(Mailing.id).where(Mailing.purpose == MailPurpose.CANCEL)
        ),
        reason="The meeting was cancelled",
    )
    invitations = [inv for inv in audience_of(meeting) if not inv.removed_at]
    reached = _reached([inv.id for inv in invitations])
    sequence = meeting.sequence
    recipients = []
    for invitation in invitations:
        address = delivery_of(invitation).address
        if invitation.id in reached and address is not None:
            key = f"cancel:{invitation.id}:{sequence}"
            recipients.append(_cancel_recipient(invitation, address, key, meeting))
    if recipients:
        mailing = new_mailing(
            MailPurpose.CANCEL,
            meeting=meeting,
            sequence=sequence,
            note=f"Cancellation of {meeting.display_title}"[:300],
        )
        enqueue(mailing, recipients)
    db.session.execute(
        sa.update(Invitation)
        .where(Invitation.meeting_id == meeting.id)
        .values(token_version=Invitation.token_version + 1)
        .execution_options(synchronize_session=False)
    )


def _cancel_recipient(
    invitation: Invitation, address: str, key: str, meeting: Meeting
) -> Recipient:
    # A cancellation stays useful until the meeting would have ended.
    return _recipient(invitation, address, key, meeting.ends_at)


def tell_invitees(meeting: Meeting, change: str) -> None:
    """The hook outreach.meetings.services calls before committing a move or a cancellation."""
    if change == meeting_services.MOVED:
        _tell_of_move(meeting)
    elif change == meeting_services.CANCELLED:
        _tell_of_cancellation(meeting)


if tell_invitees not in meeting_services.CALENDAR_HOOKS:
    meeting_services.CALENDAR_HOOKS.append(tell_invitees)


# --- Removing someone from the audience ---------------------------------------------------------


def remove_invitee(invitation: Invitation) -> str:
    """Take someone out of the audience. Not sent anything yet: the invitation is deleted.
    Otherwise it is marked removed, its links revoked, anything pending withdrawn, and a CANCEL
    goes to them if an invitation may have reached them. Returns "deleted", "cancelled" or
    "removed"."""
    meeting = invitation.meeting
    if invitation.removed_at is not None:
        raise ValidationError({"invitation": "This person was removed already."})
    if invitation.sent_sequence is None:
        db.session.delete(invitation)
        db.session.commit()
        return "deleted"
    address = delivery_of(invitation).address
    reached = invitation.id in _reached([invitation.id])
    withdraw(OutboxMessage.invitation_id == invitation.id, reason="Removed from the audience")
    invitation.removed_at = utcnow()
    revoke(invitation)
    outcome = "removed"
    if reached and address is not None and meeting.status is not MeetingStatus.CANCELLED:
        # Above the last REQUEST they had; the meeting's own sequence stays as it is.
        sequence = meeting.sequence + 1
        mailing = new_mailing(
            MailPurpose.CANCEL,
            meeting=meeting,
            sequence=sequence,
            note=f"Cancellation to a person removed from {meeting.display_title}"[:300],
        )
        key = f"cancel:{invitation.id}:{sequence}"
        enqueue(mailing, [_cancel_recipient(invitation, address, key, meeting)])
        outcome = "cancelled"
    db.session.commit()
    return outcome


# --- A test to the signed-in user ---------------------------------------------------------------


def send_test(
    meeting: Meeting,
    purpose: str,
    invitation: Invitation | None,
    user_id: int,
    address: str,
    name: str,
) -> OutboxMessage:
    """Queue the message as the invitee (or an example person) would get it, to a staff member,
    its subject starting "[Test] "."""
    messages.check_slot(purpose, None, "en")
    if meeting.starts_at is None:
        raise ValidationError({"purpose": "Set the meeting's dates first: the test carries them."})
    if address.strip().lower() == meeting.organiser_email.lower():
        raise ValidationError(
            {
                "purpose": "Your address is the organiser mailbox; calendars would not show a "
                "request to answer. Send the test from another account."
            }
        )
    language = language_of(invitation.contact) if invitation else "en"
    mailing = new_mailing(
        MailPurpose.TEST,
        meeting=meeting,
        sequence=meeting.sequence,
        variant=messages.test_variant(purpose, invitation.id if invitation else None),
        created_by_id=user_id,
        note=f"Test of the {messages.PURPOSE_LABELS[purpose].lower()} of {meeting.display_title}"[
            :300
        ],
    )
    key = f"test:{user_id}:{uuid.uuid4()}"
    queued = enqueue(
        mailing,
        [Recipient(address=address, dedupe_key=key, name=name, language=language, user_id=user_id)],
    )
    db.session.commit()
    return queued[0]


# --- The meeting page: each invitee's delivery and answer --------------------------------------


@dataclass(frozen=True)
class InviteeRow:
    """One invitee on the meeting page."""

    invitation: Invitation
    delivery: Delivery
    latest: OutboxMessage | None  # the last message queued for them

    @property
    def delivery_state(self) -> str:
        """ "Not sent", or the state of their latest message (one being sent counts as queued)."""
        if self.latest is None:
            return "not sent"
        if self.latest.status is OutboxStatus.SENDING:
            return OutboxStatus.QUEUED.value
        return self.latest.status.value


@dataclass(frozen=True)
class Overview:
    """A meeting's invitations: rows, answers and deliveries counted, how many wait to be sent."""

    rows: list[InviteeRow]
    answers: dict[Answer, int]
    deliveries: dict[str, int]
    unsent: int

    @property
    def invited(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return self.invited - self.answers[Answer.PENDING]


DELIVERY_STATES = ("queued", "sent", "deferred", "failed", "cancelled", "not sent")


def meeting_overview(meeting: Meeting) -> Overview:
    """Every invitee still in the audience with their latest message, in a constant number of
    queries."""
    invitations = [inv for inv in audience_of(meeting) if inv.removed_at is None]
    latest: dict[int, OutboxMessage] = {}
    if invitations:
        found = db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.invitation_id.in_([inv.id for inv in invitations]))
            .order_by(OutboxMessage.id)
        )
        latest = {message.invitation_id: message for message in found if message.invitation_id}
    rows = [InviteeRow(inv, delivery_of(inv), latest.get(inv.id)) for inv in invitations]
    answers = dict.fromkeys(Answer, 0)
    answers.update(Counter(row.invitation.answer for row in rows))
    deliveries = dict.fromkeys(DELIVERY_STATES, 0)
    deliveries.update(Counter(row.delivery_state for row in rows))
    unsent = sum(
        1 for row in rows if row.invitation.sent_sequence is None and row.delivery.eligible
    )
    return Overview(rows, answers, deliveries, unsent)
