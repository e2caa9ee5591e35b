"""Article 3 and 4 deadlines with their extension requests, and Article 7 reports received."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, value_enum
from outreach.extensions import db


class ObligationStatus(enum.StrEnum):
    """How far a State is with an Article 3 or 4 obligation."""

    UNKNOWN = "unknown"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Obligation(Audited, Timestamps, db.Model):
    """A State Party's Article 3 (stockpiles) or Article 4 (clearance) obligation."""

    __tablename__ = "obligation"
    __table_args__ = (
        sa.UniqueConstraint("state_id", "article"),
        sa.CheckConstraint("article IN (3, 4)", name="article"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    article: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    original_deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    extended_deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[ObligationStatus] = mapped_column(
        value_enum(ObligationStatus, 20), default=ObligationStatus.UNKNOWN
    )
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="obligation",
        order_by="ExtensionRequest.submitted_on.desc(), ExtensionRequest.id.desc()",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def deadline(self) -> dt.date | None:
        """The deadline in force: the latest extension granted, else the original one."""
        return self.extended_deadline or self.original_deadline

    @property
    def area_slug(self) -> str:
        """The thematic area whose dialogue follows this obligation."""
        return "stockpile-destruction" if self.article == 3 else "clearance"


class ExtensionStatus(enum.StrEnum):
    """Where an extension request stands."""

    SUBMITTED = "submitted"
    UNDER_ANALYSIS = "under_analysis"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ExtensionRequest(Audited, Timestamps, db.Model):
    """A request to extend an Article 3 or 4 deadline, and what a meeting decided."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("obligation.id", ondelete="CASCADE"), index=True
    )
    submitted_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    requested_deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[ExtensionStatus] = mapped_column(
        value_enum(ExtensionStatus, 20), default=ExtensionStatus.SUBMITTED
    )
    decided_at_meeting: Mapped[str] = mapped_column(sa.String(60), default="")
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    new_deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    obligation: Mapped[Obligation] = relationship(back_populates="extension_requests")

    __mapper_args__ = {"version_id_col": version}


class ReportKind(enum.StrEnum):
    """An initial Article 7 report, or an annual update."""

    INITIAL = "initial"
    ANNUAL = "annual"


class Article7Report(Audited, Timestamps, db.Model):
    """An Article 7 transparency report the ISU has received (the due ones are computed)."""

    __tablename__ = "article7_report"
    __table_args__ = (sa.UniqueConstraint("state_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(value_enum(ReportKind, 10))
    # The calendar year covered by an annual report; for the initial report, the year it was due.
    year: Mapped[int]
    due_on: Mapped[dt.date]
    received_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    state = relationship("State")

    __mapper_args__ = {"version_id_col": version}
