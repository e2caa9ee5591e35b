"""Meetings: what kind, when (stored in UTC, shown in an IANA zone), where, and their status."""

from __future__ import annotations

import datetime as dt
import enum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, utcnow, value_enum
from outreach.extensions import db

DEFAULT_TIMEZONE = "Europe/Zurich"


class MeetingKind(enum.StrEnum):
    """The kinds of meeting the ISU plans and runs."""

    MSP = "msp"
    REVIEW_CONFERENCE = "review_conference"
    INTERSESSIONAL = "intersessional"
    COORDINATION_COMMITTEE = "coordination_committee"
    INFORMAL_CONSULTATION = "informal_consultation"
    WORKSHOP = "workshop"
    BILATERAL = "bilateral"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    MeetingKind.MSP: "Meeting of States Parties",
    MeetingKind.REVIEW_CONFERENCE: "Review Conference",
    MeetingKind.INTERSESSIONAL: "Intersessional meeting",
    MeetingKind.COORDINATION_COMMITTEE: "Coordination Committee",
    MeetingKind.INFORMAL_CONSULTATION: "Informal consultation",
    MeetingKind.WORKSHOP: "Workshop or seminar",
    MeetingKind.BILATERAL: "Bilateral",
    MeetingKind.OTHER: "Other",
}


class MeetingStatus(enum.StrEnum):
    """A draft is being planned (it may have no dates yet); a scheduled meeting has its dates."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Meeting(Audited, Timestamps, db.Model):
    """A formal or informal meeting of the Convention."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.CheckConstraint(
            "status = 'draft' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL)", name="dated"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(value_enum(MeetingKind, 30), index=True)
    code: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIMEZONE)
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    room: Mapped[str] = mapped_column(sa.String(120), default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    organiser_email: Mapped[str] = mapped_column(sa.String(254))
    rsvp_deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    capacity: Mapped[int | None]
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MeetingStatus] = mapped_column(
        value_enum(MeetingStatus, 20), default=MeetingStatus.DRAFT
    )
    # The iCalendar UID: set once at creation, never derived from the title or the time.
    uid: Mapped[str] = mapped_column(sa.String(255), unique=True)
    # The iCalendar SEQUENCE: one higher after each change of time, place or online link.
    sequence: Mapped[int] = mapped_column(default=0)
    president_state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    president_state = relationship("State")

    __mapper_args__ = {"version_id_col": version}

    @property
    def zone(self) -> ZoneInfo:
        """The meeting's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def starts_local(self) -> dt.datetime | None:
        """The start, aware, in the meeting's zone."""
        return self.starts_at.astimezone(self.zone) if self.starts_at else None

    @property
    def ends_local(self) -> dt.datetime | None:
        """The end, aware, in the meeting's zone."""
        return self.ends_at.astimezone(self.zone) if self.ends_at else None

    @property
    def is_past(self) -> bool:
        """Whether the meeting has ended."""
        return self.ends_at is not None and self.ends_at < utcnow()

    @property
    def display_title(self) -> str:
        """The title with its code, as lists show it."""
        return f"{self.code} — {self.title}" if self.code else self.title
