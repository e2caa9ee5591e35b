"""User accounts, their server-side sessions and their API tokens."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.audit.services import Audited
from outreach.db import Timestamps, UTCDateTime, utcnow, value_enum
from outreach.extensions import db


class Role(enum.StrEnum):
    """What a user may do: admins manage users, staff run the ISU's work, coordinators read."""

    ADMIN = "admin"
    STAFF = "staff"
    COORDINATOR = "coordinator"


user_area = sa.Table(
    "user_area",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("thematic_area.id", ondelete="CASCADE"), primary_key=True),
)


class User(Audited, Timestamps, db.Model):
    """A person who signs in: ISU staff, an administrator or a coordinator."""

    __tablename__ = "user"
    __audit_exclude__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(value_enum(Role, 20))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    areas = relationship("ThematicArea", secondary=user_area, order_by="ThematicArea.position")

    # Flask-Login protocol. The id it stores in the cookie is the server-side session token,
    # so that revoking the session row ends the session wherever the cookie was copied.
    session_token = None  # set on the instance loaded for a request; never stored

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.name or self.email


class UserSession(db.Model):
    """A signed-in browser session; only a hash of its token is stored."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """A failed sign-in, kept briefly to throttle guessing per account and per address."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    ip: Mapped[str | None] = mapped_column(sa.String(45), index=True)
