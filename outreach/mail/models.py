"""The durable outbox: mailings and one message row per recipient, sent by the delivery worker."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.db import UTCDateTime, utcnow, value_enum
from outreach.extensions import db


class MailPurpose(enum.StrEnum):
    """Why a mailing was sent; each purpose has one renderer that builds its messages."""

    INVITE = "invite"
    UPDATE = "update"
    CANCEL = "cancel"
    REMINDER = "reminder"
    CONFIRMATION = "confirmation"
    DIGEST = "digest"
    TEST = "test"


class OutboxStatus(enum.StrEnum):
    """Where one message stands on its way to the recipient's server."""

    QUEUED = "queued"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # the server accepted it (250)
    DEFERRED = "deferred"  # a temporary failure (4xx, timeout, refused); retried at next_attempt_at
    FAILED = "failed"  # a permanent failure (5xx) or pointless now; never retried
    CANCELLED = "cancelled"  # withdrawn before it was sent (meeting cancelled, recipient removed)

    @property
    def label(self) -> str:
        return self.value.capitalize()


PENDING_STATUSES = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.DEFERRED)


class Mailing(db.Model):
    """One press of a Send button (or one run of a command): what, for which meeting, by whom."""

    __tablename__ = "mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[MailPurpose] = mapped_column(value_enum(MailPurpose, 20), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    # The meeting's calendar SEQUENCE when the mailing was made (invitations, updates, cancels).
    sequence: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Which message of the purpose, e.g. a reminder "unanswered" or "before" the meeting.
    variant: Mapped[str] = mapped_column(sa.String(20), default="")
    # Free text for the people reading the outbox (e.g. "Reminder to those who have not answered").
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    meeting = relationship("Meeting")
    created_by = relationship("User")
    messages: Mapped[list[OutboxMessage]] = relationship(
        back_populates="mailing", order_by="OutboxMessage.id"
    )


class OutboxMessage(db.Model):
    """One email to one recipient. The body is built when it is sent, not stored."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mailing.id", ondelete="CASCADE"), index=True
    )
    # What makes this message unique, e.g. "invite:<invitation>:<sequence>", "digest:<user>:<date>":
    # a replayed Send, a second tab or a double click meets this constraint and enqueues nothing.
    dedupe_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(300), default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        value_enum(OutboxStatus, 20), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # After this moment the message is pointless (the meeting has started): failed, not retried.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120))
    last_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # With no MAIL_SERVER, the file written in the instance folder (relative to it).
    eml_path: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    mailing: Mapped[Mailing] = relationship(back_populates="messages")
    invitation = relationship("Invitation")
    user = relationship("User")


class MailQueue(db.Model):
    """The whole queue's state (one row): paused after 421/451 or repeated temporary failures."""

    __tablename__ = "mail_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    paused_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
