"""Uploaded files waiting to be imported, import batches, and each user's last column mapping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.db import UTCDateTime, utcnow
from outreach.extensions import db


class ImportUpload(db.Model):
    """A file uploaded for import, kept between the mapping, preview and import steps."""

    __tablename__ = "import_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportBatch(db.Model):
    """One import: what it created and changed, so that it can be undone."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    filename: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    # {"created": [ids], "updated": {id: {field: value before}}}
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


class ImportMapping(db.Model):
    """The column mapping a user chose last time for a kind of import."""

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    mapping: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)
