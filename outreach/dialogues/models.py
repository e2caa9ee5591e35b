"""A dialogue with one State on one thematic area, and the history of its status."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, utcnow, value_enum
from outreach.extensions import db


class DialogueStatus(enum.StrEnum):
    """Where a dialogue stands."""

    NOT_STARTED = "not_started"
    ACTIVE = "active"
    STALLED = "stalled"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


dialogue_user = sa.Table(
    "dialogue_user",
    db.metadata,
    sa.Column("dialogue_id", sa.ForeignKey("dialogue.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Dialogue(Audited, Timestamps, db.Model):
    """The ISU's dialogue with one State on one thematic area (e.g. Lao PDR on clearance)."""

    __tablename__ = "dialogue"
    __table_args__ = (sa.UniqueConstraint("state_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("thematic_area.id"), index=True)
    status: Mapped[DialogueStatus] = mapped_column(
        value_enum(DialogueStatus, 20), default=DialogueStatus.NOT_STARTED, index=True
    )
    position: Mapped[str] = mapped_column(sa.Text, default="")
    next_step: Mapped[str] = mapped_column(sa.String(500), default="")
    next_step_due: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")
    area = relationship("ThematicArea")
    # Coordinators and ISU staff responsible; the page tells them apart by role.
    responsible = relationship("User", secondary=dialogue_user, order_by="User.id")
    created_by = relationship("User", foreign_keys=[created_by_id])
    events: Mapped[list[DialogueEvent]] = relationship(
        back_populates="dialogue",
        order_by="DialogueEvent.at.desc(), DialogueEvent.id.desc()",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        return f"{self.state.name} — {self.area.name}"


class DialogueEvent(db.Model):
    """A change of a dialogue's status: when, who and why."""

    __tablename__ = "dialogue_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dialogue.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    old_status: Mapped[DialogueStatus | None] = mapped_column(value_enum(DialogueStatus, 20))
    new_status: Mapped[DialogueStatus] = mapped_column(value_enum(DialogueStatus, 20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(200), default="")

    dialogue: Mapped[Dialogue] = relationship(back_populates="events")
    user = relationship("User")
