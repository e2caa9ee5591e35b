"""Who is invited to a meeting, their answer, delegation, sponsorship request and attendance."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, value_enum
from outreach.extensions import db


class Answer(enum.StrEnum):
    """The invitee's answer."""

    PENDING = "pending"
    ATTENDING = "attending"
    MAYBE = "maybe"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return ANSWER_LABELS[self]


ANSWER_LABELS = {
    Answer.PENDING: "No answer yet",
    Answer.ATTENDING: "Attending",
    Answer.MAYBE: "Maybe",
    Answer.DECLINED: "Not attending",
}


class AnswerChannel(enum.StrEnum):
    """How the answer reached the ISU."""

    LINK = "link"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "link": "Personal link"}.get(
            self.value, self.value.capitalize()
        )


class Sponsorship(enum.StrEnum):
    """The state of a request for the sponsorship programme to pay travel."""

    NONE = "none"
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return "Not requested" if self is Sponsorship.NONE else self.value.capitalize()


class Invitation(Audited, Timestamps, db.Model):
    """One contact invited to one meeting, possibly on behalf of a State's delegation."""

    __tablename__ = "invitation"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "contact_id"),)
    # What people write in their answer, and the ISU's note on their sponsorship request, stay
    # out of the audit trail (erasure reaches them here).
    __audit_exclude__ = frozenset({"comments", "sponsorship_note", "sponsorship_decision_note"})

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contact.id"), index=True)
    # Set when the contact is invited as the focal point of a State's delegation.
    delegation_state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    # How the contact came into the audience, for the preview ("one by one", "States Parties…").
    added_as: Mapped[str] = mapped_column(sa.String(300), default="")
    answer: Mapped[Answer] = mapped_column(value_enum(Answer, 20), default=Answer.PENDING)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_via: Mapped[AnswerChannel | None] = mapped_column(value_enum(AnswerChannel, 20))
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    sponsorship: Mapped[Sponsorship] = mapped_column(
        value_enum(Sponsorship, 20), default=Sponsorship.NONE
    )
    sponsorship_note: Mapped[str] = mapped_column(sa.Text, default="")
    sponsorship_decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sponsorship_decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # What the ISU says with its decision (the requester's own words are in sponsorship_note).
    sponsorship_decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    attended: Mapped[bool | None]
    # The meeting SEQUENCE last sent to this invitee (None: not sent yet).
    sent_sequence: Mapped[int | None]
    # Removed from the audience after being sent an invitation: they get a CANCEL.
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Raising it revokes every personal link (RSVP, unsubscribe) issued so far.
    token_version: Mapped[int] = mapped_column(default=1)
    version: Mapped[int] = mapped_column(default=1)

    meeting = relationship("Meeting")
    contact = relationship("Contact")
    delegation_state = relationship("State")
    sponsorship_decided_by = relationship("User")
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="Delegate.position"
    )

    __mapper_args__ = {"version_id_col": version}


class Delegate(db.Model):
    """A member of the delegation the invitee named in their answer."""

    __tablename__ = "delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300))
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    position: Mapped[int] = mapped_column(default=0)
    attended: Mapped[bool | None]

    invitation: Mapped[Invitation] = relationship(back_populates="delegates")


class MessageTemplate(Audited, Timestamps, db.Model):
    """The subject and Markdown body of one kind of message, in one language, with merge fields.

    meeting_kind None is the template for every kind without its own."""

    __tablename__ = "message_template"
    __table_args__ = (sa.UniqueConstraint("purpose", "meeting_kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))  # a MailPurpose value
    meeting_kind: Mapped[str | None] = mapped_column(sa.String(30))  # a MeetingKind value
    language: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CalendarFeed(db.Model):
    """A private calendar feed URL of one user; the token is stored hashed and can be revoked."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
