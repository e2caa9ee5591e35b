"""State, its status history, and the thematic areas of the coordinators."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, utcnow, value_enum
from outreach.extensions import db


class CcmStatus(enum.StrEnum):
    """A State's standing towards the Convention."""

    STATE_PARTY = "state_party"
    SIGNATORY = "signatory"
    NOT_PARTY = "not_party"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CcmStatus.STATE_PARTY: "State Party",
    CcmStatus.SIGNATORY: "Signatory",
    CcmStatus.NOT_PARTY: "Not party",
    CcmStatus.WITHDRAWN: "Withdrawn",
}


class ConsentType(enum.StrEnum):
    """The kind of instrument by which a State consented to be bound."""

    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"


class State(Audited, Timestamps, db.Model):
    """A State (UN member or observer) with its treaty status and dates."""

    __tablename__ = "state"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso3: Mapped[str] = mapped_column(sa.String(3), unique=True)
    iso2: Mapped[str | None] = mapped_column(sa.String(2))
    m49_code: Mapped[str | None] = mapped_column(sa.String(3))
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    sub_region: Mapped[str | None] = mapped_column(sa.String(80))
    intermediate_region: Mapped[str | None] = mapped_column(sa.String(80))
    ccm_status: Mapped[CcmStatus] = mapped_column(value_enum(CcmStatus, 20), index=True)
    signature_date: Mapped[dt.date | None]
    consent_date: Mapped[dt.date | None]
    consent_type: Mapped[ConsentType | None] = mapped_column(value_enum(ConsentType, 20))
    entry_into_force_date: Mapped[dt.date | None]
    withdrawal_date: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(sa.Text, default="")
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    version: Mapped[int] = mapped_column(default=1)

    status_events: Mapped[list[StatusEvent]] = relationship(
        back_populates="state", order_by="StatusEvent.at.desc(), StatusEvent.id.desc()"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return self.ccm_status.label


class StatusEvent(db.Model):
    """One change of a State's treaty facts: which field, from what, to what, on whose word."""

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.String(200))
    new_value: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[str | None] = mapped_column(sa.Text)
    actor_label: Mapped[str] = mapped_column(sa.String(200))

    state: Mapped[State] = relationship(back_populates="status_events")


class ThematicArea(Audited, db.Model):
    """A coordinators' area of work (universalization, clearance, …)."""

    __tablename__ = "thematic_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
