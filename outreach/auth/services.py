"""Use cases of accounts: create, sign in and out, revoke sessions, issue API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from outreach.audit.services import record
from outreach.auth.models import ApiToken, LoginAttempt, Role, User, UserSession
from outreach.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from outreach.db import utcnow
from outreach.extensions import db
from outreach.reference.models import ThematicArea

IP_FAILURE_FACTOR = 4  # one address may fail this many times more than one account


class AccountError(ValueError):
    """A request about an account that cannot be carried out, with a message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ThrottledError(Exception):
    """Too many failed sign-ins recently; try again later (the message says when)."""

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, math.ceil(retry_after_seconds / 60))
        super().__init__(
            f"Too many failed sign-ins. Try again in about {minutes} "
            f"minute{'' if minutes == 1 else 's'}."
        )
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the user and the secret token of the new session."""

    user: User
    session_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    """Validate an email address and return it normalised (lower-case domain, trimmed)."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(error), field="email") from error


def find_user(email: str) -> User | None:
    """The user with this email, if any."""
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _areas(slugs: Iterable[str]) -> list[ThematicArea]:
    wanted = [s.strip() for s in slugs if s.strip()]
    if not wanted:
        return []
    areas = list(db.session.scalars(sa.select(ThematicArea).where(ThematicArea.slug.in_(wanted))))
    unknown = sorted(set(wanted) - {a.slug for a in areas})
    if unknown:
        raise AccountError(f"Unknown thematic area: {', '.join(unknown)}", field="areas")
    return areas


def create_user(
    email: str,
    role: Role | str,
    password: str,
    name: str = "",
    area_slugs: Iterable[str] = (),
) -> User:
    """Create an account; coordinators must belong to at least one thematic area."""
    email = normalise_email(email)
    role = Role(role)
    if find_user(email):
        raise AccountError("An account with this email already exists.", field="email")
    problems = password_problems(password, email)
    if problems:
        raise AccountError(" ".join(problems), field="password")
    areas = _areas(area_slugs)
    if role == Role.COORDINATOR and not areas:
        raise AccountError("A coordinator needs at least one thematic area.", field="areas")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        areas=areas,
    )
    db.session.add(user)
    db.session.commit()
    return user


def list_users() -> list[User]:
    """Every account, by email."""
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def _revoke_sessions(user: User, keep_token: str | None = None) -> None:
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_token:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    db.session.execute(query.values(revoked_at=utcnow()))


def disable_user(email: str) -> User:
    """Disable an account and end all its sessions and tokens."""
    user = find_user(email)
    if user is None:
        raise AccountError("No account with this email.", field="email")
    user.active = False
    _revoke_sessions(user)
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()
    return user


def _window_start() -> dt.datetime:
    return utcnow() - dt.timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def _throttle(email: str, ip: str | None) -> None:
    """Refuse to check a password while the account or the address has failed too often."""
    since = _window_start()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    recent = sa.select(sa.func.count(), sa.func.min(LoginAttempt.at)).where(
        LoginAttempt.at >= since
    )
    per_account = db.session.execute(recent.where(LoginAttempt.email == email)).one()
    per_ip = db.session.execute(recent.where(LoginAttempt.ip == ip)).one() if ip else (0, None)
    for count, oldest, allowed in (
        (per_account[0], per_account[1], limit),
        (per_ip[0], per_ip[1], limit * IP_FAILURE_FACTOR),
    ):
        if count >= allowed:
            window = dt.timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
            retry = (oldest + window - utcnow()).total_seconds() if oldest else 60
            raise ThrottledError(max(int(retry), 1))


def authenticate(
    email: str,
    password: str,
    ip: str | None,
    user_agent: str = "",
    replaces_token: str | None = None,
) -> SignIn:
    """Check credentials and open a new server-side session, ending the one it replaces in this
    browser; failures are recorded."""
    email = email.strip().lower()
    try:
        _throttle(email, ip)
    except ThrottledError:
        record("login_throttled", record_type="User", detail=email, label="anonymous")
        db.session.commit()
        raise
    user = find_user(email)
    # Always verify, against a dummy hash when there is no account, so timing does not tell.
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or not password_ok:
        # Failures older than the window no longer count: forget them (they hold addresses).
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < _window_start()))
        db.session.add(LoginAttempt(email=email, ip=ip))
        record("login_failed", record_type="User", detail=email, label="anonymous")
        db.session.commit()
        raise AccountError("Email or password is not correct.")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # the hashing cost was raised since
    if replaces_token:
        _revoke_token(replaces_token)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(user_id=user.id, token_hash=_digest(token), ip=ip, user_agent=user_agent[:300])
    )
    record("login", record_type="User", record_id=user.id, user_id=user.id, label=user.email)
    db.session.commit()
    user.session_token = token
    return SignIn(user=user, session_token=token)


def load_session_user(token: str) -> User | None:
    """The user of a live session token, or None when revoked, expired or disabled."""
    session_row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _digest(token))
    )
    if session_row is None or session_row.revoked_at is not None:
        return None
    max_age = dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if session_row.created_at + max_age < utcnow():
        return None
    user = session_row.user
    if not user.active:
        return None
    user.session_token = token
    return user


def _revoke_token(token: str) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == _digest(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_session(user: User) -> None:
    """Revoke the current session so that a copy of its cookie no longer works."""
    if user.session_token:
        _revoke_token(user.session_token)
    record("logout", record_type="User", record_id=user.id)
    db.session.commit()


def _replace_password(user: User, new_password: str, field: str, keep_token: str | None) -> None:
    """Store a new password and end the user's sessions but `keep_token`, then commit."""
    problems = password_problems(new_password, user.email)
    if problems:
        raise AccountError(" ".join(problems), field=field)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    _revoke_sessions(user, keep_token=keep_token)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password and end every other session of the user."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("The current password is not correct.", field="current_password")
    _replace_password(user, new_password, "new_password", keep_token=user.session_token)


def set_password(email: str, new_password: str) -> User:
    """Set a password from the command line and end every session of the user."""
    user = find_user(email)
    if user is None:
        raise AccountError("No account with this email.", field="email")
    _replace_password(user, new_password, "password", keep_token=None)
    return user


def issue_api_token(email: str) -> str:
    """Create a personal API token and return it; only its hash is kept."""
    user = find_user(email)
    if user is None or not user.active:
        raise AccountError("No active account with this email.", field="email")
    token = "otk_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    record("api_token_issued", record_type="User", record_id=user.id)
    db.session.commit()
    return token


def user_for_api_token(token: str) -> User | None:
    """The active user owning a live API token."""
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def generate_password() -> str:
    """A random password for a new account, shown once."""
    return secrets.token_urlsafe(18)
