"""AuditEvent: one row per change, sign-in or sensitive action; never updated or deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from outreach.db import UTCDateTime, utcnow
from outreach.extensions import db


class AuditEvent(db.Model):
    """A recorded action; database triggers refuse DELETE, and any UPDATE but a redaction."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    record_type: Mapped[str | None] = mapped_column(sa.String(60))
    record_id: Mapped[str | None] = mapped_column(sa.String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    # Set when a person's data is erased: values before and after are then emptied, and that is
    # the only change the database triggers allow.
    redacted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.Index("ix_audit_event_record", "record_type", "record_id"),)
