"""How far each signatory and State not party has come towards joining the Convention."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, utcnow, value_enum
from outreach.extensions import db


class Stage(enum.StrEnum):
    """The engagement stages of universalization, in order."""

    NO_CONTACT = "no_contact"
    FIRST_CONTACT = "first_contact"
    ENGAGED = "engaged"
    CONSIDERING = "considering"
    DOMESTIC_PROCESS = "domestic_process"
    INSTRUMENT_DEPOSITED = "instrument_deposited"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.NO_CONTACT: "No contact",
    Stage.FIRST_CONTACT: "First contact",
    Stage.ENGAGED: "Engaged",
    Stage.CONSIDERING: "Considering",
    Stage.DOMESTIC_PROCESS: "Domestic process under way",
    Stage.INSTRUMENT_DEPOSITED: "Instrument deposited",
}


class Engagement(Audited, Timestamps, db.Model):
    """A State's current engagement stage and since when; a State without one has had no contact."""

    __tablename__ = "engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), unique=True)
    stage: Mapped[Stage] = mapped_column(value_enum(Stage, 30), index=True)
    since: Mapped[dt.date] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")
    events: Mapped[list[StageEvent]] = relationship(
        primaryjoin="Engagement.state_id == foreign(StageEvent.state_id)",
        order_by="StageEvent.at.desc(), StageEvent.id.desc()",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}


class StageEvent(db.Model):
    """A move of a State from one engagement stage to another: when, who and why."""

    __tablename__ = "stage_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    old_stage: Mapped[Stage | None] = mapped_column(value_enum(Stage, 30))
    new_stage: Mapped[Stage] = mapped_column(value_enum(Stage, 30))
    since: Mapped[dt.date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(200), default="")

    state = relationship("State")
    user = relationship("User")
