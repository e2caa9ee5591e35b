"""Use cases of invitees' answers (through their link or recorded by staff), opting out,
revoking personal links, and the calendar feeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from outreach.audit.services import record
from outreach.auth.models import User
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.invitations.models import (
    Answer,
    AnswerChannel,
    CalendarFeed,
    Delegate,
    Invitation,
    Sponsorship,
)
from outreach.mail.models import Mailing, OutboxMessage
from outreach.mail.outbox import withdraw
from outreach.meetings.calendar import CalendarEvent
from outreach.meetings.models import Meeting, MeetingStatus
from outreach.organisations.services import normalise_email
from outreach.rsvp import messages, tokens
from outreach.rsvp.texts import Text

MAX_DELEGATES = 10
ANSWERS = (Answer.ATTENDING, Answer.MAYBE, Answer.DECLINED)
DECIDED = (Sponsorship.APPROVED, Sponsorship.DECLINED)
ORGANISER_NAME = "CCM Implementation Support Unit"
FEED_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED)
# A draft's dates are not final: staff who download it see it as tentative.
CALENDAR_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}
# Messages are in English; the public pages translate them (outreach/rsvp/texts.py).
CLOSED = Text("Answers to this invitation can no longer be changed through the link.")
WITHDRAWN = Text("This invitation was withdrawn; no answer can be recorded.")
LIMITS = {"name": 300, "title": 300, "email": 254, "comments": 5000, "sponsorship_note": 2000}


@dataclass(frozen=True)
class DelegateData:
    """One row of the delegation as typed; an empty row is ignored."""

    name: str = ""
    title: str = ""
    email: str = ""

    @property
    def blank(self) -> bool:
        return not (self.name.strip() or self.title.strip() or self.email.strip())


@dataclass
class AnswerData:
    """What an invitee answers: attending, maybe or declined, with their delegation."""

    answer: str
    delegates: list[DelegateData] = field(default_factory=list)
    sponsorship_requested: bool = False
    sponsorship_note: str = ""
    comments: str = ""


# --- Answering --------------------------------------------------------------------------------


def answer_open(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether invitees may still answer through their link: until the deadline (inclusive, in
    the meeting's zone), or, without one, until the meeting starts."""
    if meeting.status is MeetingStatus.CANCELLED:
        return False
    now = now or utcnow()
    if meeting.starts_at is not None and now >= meeting.starts_at:
        return False
    if meeting.rsvp_deadline is not None:
        return now.astimezone(meeting.zone).date() <= meeting.rsvp_deadline
    return True


def _text(value: str, name: str, errors: dict[str, str], *, single_line: bool = False) -> str:
    """A trimmed value within its length, NUL refused; one line for names and titles."""
    if "\x00" in value:
        errors[name] = Text("Remove the invisible NUL character from this value.")
        return ""
    text = " ".join(value.split()) if single_line else value.strip()
    limit = LIMITS[name.rsplit("-", 1)[-1]]
    if len(text) > limit:
        errors[name] = Text("Keep this under {limit} characters.", limit=limit + 1)
    return text


def _delegate(row: DelegateData, index: int, errors: dict[str, str]) -> Delegate | None:
    """One member of the delegation, or None for an empty row; errors keyed by row."""
    if row.blank:
        return None
    prefix = f"delegates-{index}-"
    name = _text(row.name, prefix + "name", errors, single_line=True)
    title = _text(row.title, prefix + "title", errors, single_line=True)
    email = _text(row.email, prefix + "email", errors, single_line=True)
    if not name and prefix + "name" not in errors:
        errors[prefix + "name"] = Text("Enter the name of this member of the delegation.")
    if email and prefix + "email" not in errors:
        try:
            email = normalise_email(email)
        except ValueError:
            errors[prefix + "email"] = Text("Enter an email address such as name@example.org.")
    return Delegate(name=name, title=title, email=email, position=index)


def clean_answer(data: AnswerData) -> dict[str, Any]:
    """Checked values ready to store; raises ValidationError with a message per field."""
    errors: dict[str, str] = {}
    try:
        answer = Answer(data.answer)
    except ValueError:
        answer = Answer.PENDING
    if answer not in ANSWERS:
        errors["answer"] = Text("Choose whether you will attend.")
    rows = list(data.delegates)
    if sum(not row.blank for row in rows) > MAX_DELEGATES:
        errors["delegates"] = Text(
            "Name at most {count} members of the delegation.", count=MAX_DELEGATES
        )
    delegates = [d for i, row in enumerate(rows) if (d := _delegate(row, i, errors)) is not None]
    values = {
        "answer": answer,
        "delegates": delegates,
        "comments": _text(data.comments, "comments", errors),
        "sponsorship_requested": bool(data.sponsorship_requested),
        "sponsorship_note": _text(data.sponsorship_note, "sponsorship_note", errors),
    }
    if errors:
        raise ValidationError(errors)
    return values


def _apply_sponsorship(invitation: Invitation, requested: bool, note: str) -> None:
    """Record or withdraw a request; a decision already taken is only changed by staff, on the
    sponsorship page, never silently by a new answer."""
    if invitation.sponsorship in DECIDED:
        return
    wanted = requested and invitation.answer is not Answer.DECLINED
    invitation.sponsorship = Sponsorship.REQUESTED if wanted else Sponsorship.NONE
    invitation.sponsorship_note = note if wanted else ""


def _replace_delegates(invitation: Invitation, delegates: list[Delegate]) -> None:
    # Attendance already marked for a member stays with the same person.
    marked = {(d.name.casefold(), d.email): d.attended for d in invitation.delegates}
    for position, delegate in enumerate(delegates):
        delegate.position = position
        delegate.attended = marked.get((delegate.name.casefold(), delegate.email))
    invitation.delegates = delegates


def record_answer(
    invitation: Invitation,
    data: AnswerData,
    channel: AnswerChannel | str,
    expected_version: int | None = None,
    *,
    confirm: bool = True,
) -> Invitation:
    """Record an answer and its delegation, replacing the previous one, and queue the
    confirmation email in the same transaction. Through the link, only until the deadline."""
    check_version(invitation, expected_version)
    channel = AnswerChannel(channel)
    meeting = invitation.meeting
    if invitation.removed_at is not None or meeting.status is MeetingStatus.CANCELLED:
        raise ValidationError({"answer": WITHDRAWN})
    if channel is AnswerChannel.LINK and not answer_open(meeting):
        raise ValidationError({"answer": CLOSED})
    values = clean_answer(data)
    invitation.answer = values["answer"]
    invitation.answered_at = utcnow()
    invitation.answered_via = channel
    invitation.comments = values["comments"]
    declined = values["answer"] is Answer.DECLINED
    _replace_delegates(invitation, [] if declined else values["delegates"])
    _apply_sponsorship(invitation, values["sponsorship_requested"], values["sponsorship_note"])
    if confirm:
        messages.enqueue_confirmation(invitation)
    commit_or_conflict(invitation, expected_version)
    return invitation


def revoke_links(invitation: Invitation) -> Invitation:
    """Stop every personal link sent so far (RSVP and unsubscribe); new messages carry new ones."""
    tokens.revoke(invitation)
    db.session.commit()
    return invitation


# --- Opting out -------------------------------------------------------------------------------


def unsubscribe(invitation: Invitation) -> bool:
    """Stop all email to the invitee, with the reason on their record, and withdraw what is
    still waiting to be sent to them; False if they had opted out already."""
    for attempt in range(2):
        contact = invitation.contact
        if contact.do_not_email:
            return False
        title = invitation.meeting.display_title
        their_invitations = sa.select(Invitation.id).where(Invitation.contact_id == contact.id)
        withdraw(
            OutboxMessage.invitation_id.in_(their_invitations),
            reason="The recipient unsubscribed.",
        )
        # Set together after the queries above, so the trail holds one change of the contact.
        contact.do_not_email = True
        contact.do_not_email_since = utcnow().date()
        contact.do_not_email_reason = f"Unsubscribed through the link in the invitation to {title}"[
            :300
        ]
        try:
            db.session.commit()
        except StaleDataError:
            # Staff saved the contact at the same moment: read it again and retry once.
            db.session.rollback()
            if attempt:
                raise
        else:
            return True
    return False  # not reached: the second failure raises


# --- Reading ----------------------------------------------------------------------------------


def get_invitation(meeting_id: int, invitation_id: int) -> Invitation | None:
    """One invitation of one meeting, with what its page shows."""
    return db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.meeting_id == meeting_id)
        .options(
            joinedload(Invitation.meeting),
            joinedload(Invitation.contact).selectinload(Contact.emails),
            joinedload(Invitation.delegation_state),
            joinedload(Invitation.sponsorship_decided_by),
            selectinload(Invitation.delegates),
        )
    )


def delivery_history(invitation: Invitation) -> list[OutboxMessage]:
    """Every message to this invitee, newest first, with its mailing."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .join(OutboxMessage.mailing)
            .where(OutboxMessage.invitation_id == invitation.id)
            .options(joinedload(OutboxMessage.mailing))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


# --- Calendars --------------------------------------------------------------------------------


def meeting_event(meeting: Meeting, *, private: bool) -> CalendarEvent:
    """A meeting as calendars show it. The online link and the meeting page are for signed-in
    users and invitees only: a hybrid meeting's link is not for the whole world."""
    assert meeting.starts_at is not None and meeting.ends_at is not None
    base = current_app.config["OUTREACH_BASE_URL"].rstrip("/")
    description = meeting.description
    if private and meeting.online_url:
        description = "\n\n".join(p for p in (description, f"Online: {meeting.online_url}") if p)
    return CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=meeting.display_title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=", ".join(p for p in (meeting.venue, meeting.room) if p),
        description=description,
        url=f"{base}/meetings/{meeting.id}" if private else "",
        organiser_name=ORGANISER_NAME,
        organiser_email=meeting.organiser_email,
        status=CALENDAR_STATUS[meeting.status],
    )


def _feed_query() -> sa.Select[tuple[Meeting]]:
    # Cancelled meetings stay listed as CANCELLED: a subscriber's calendar then shows the
    # cancellation instead of the event silently disappearing.
    return (
        sa.select(Meeting)
        .where(Meeting.status.in_(FEED_STATUSES), Meeting.starts_at.is_not(None))
        .order_by(Meeting.starts_at, Meeting.id)
    )


def public_meetings() -> list[Meeting]:
    """The public meetings of the public feed."""
    return list(db.session.scalars(_feed_query().where(Meeting.public.is_(True))))


def readable_meetings(user: User) -> list[Meeting]:
    """The meetings of a user's private feed: every role reads every meeting."""
    return list(db.session.scalars(_feed_query())) if user.is_active else []


def calendar_meeting(meeting_id: int, *, signed_in: bool) -> Meeting | None:
    """A dated meeting whose calendar file the visitor may download, if any."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.starts_at is None or meeting.ends_at is None:
        return None
    if not signed_in and not (meeting.public and meeting.status in FEED_STATUSES):
        return None
    return meeting


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: Any) -> CalendarFeed | None:
    """The user's private feed that still works, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def _revoke_feeds(user: User, now: dt.datetime) -> int:
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def create_feed(user: User) -> str:
    """A new private feed token (shown once, stored hashed); any older feed stops working."""
    now = utcnow()
    _revoke_feeds(user, now)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token), created_at=now))
    record("calendar_feed_created", record_type="User", record_id=user.id)
    db.session.commit()
    return token


def revoke_feed(user: User) -> bool:
    """Stop the user's private feed; False if there was none."""
    revoked = _revoke_feeds(user, utcnow())
    if revoked:
        record("calendar_feed_revoked", record_type="User", record_id=user.id)
    db.session.commit()
    return bool(revoked)


def feed_owner(token: str) -> User | None:
    """The active user whose working feed this token opens, if any."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(
            CalendarFeed.token_hash == _hash(token),
            CalendarFeed.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


def mailing_label(mailing: Mailing) -> str:
    """What a message of the delivery history was, in words."""
    label = mailing.note or mailing.purpose.value.capitalize()
    return f"{label} (sequence {mailing.sequence})" if mailing.sequence is not None else label
