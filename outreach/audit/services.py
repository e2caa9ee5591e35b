"""Recording audit events, automatically on every flush and explicitly for sign-ins and exports."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from outreach.audit.models import AuditEvent
from outreach.db import utcnow
from outreach.extensions import db

_command_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_command_actor", default=None
)


class Audited:
    """Mixin: creates, updates and deletes of this model are written to the audit trail."""

    __audit_exclude__: frozenset[str] = frozenset()


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Attribute the changes made inside the block to a command or a system job."""
    token = _command_actor.set(label)
    try:
        yield
    finally:
        _command_actor.reset(token)


def current_actor() -> tuple[int | None, str, str | None]:
    """Return (user id, label, ip) of whoever is acting now."""
    ip = request.remote_addr if has_request_context() else None
    label = _command_actor.get()
    if label is not None:
        return None, label, ip
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email, ip
    if has_request_context():
        return None, "anonymous", ip
    return None, "system", ip


def _plain(value: Any) -> Any:
    """Turn a column value into something JSON can hold."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    return value


def _columns(obj: Audited) -> list[str]:
    mapper = sa.inspect(obj).mapper
    return [c.key for c in mapper.column_attrs if c.key not in obj.__audit_exclude__]


def _snapshot(obj: Audited) -> dict[str, Any]:
    return {key: _plain(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values before and after for the columns that changed in this flush."""
    state = sa.inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _plain(old) == _plain(new):
            continue
        before[key] = _plain(old)
        after[key] = _plain(new)
    return before, after


def _identity(obj: Audited) -> str:
    state = sa.inspect(obj)
    # A new object has its primary key after its INSERT but its identity key only once the
    # flush is over, after this hook: read the key from its attributes.
    key = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in key)


def _row(action: str, obj: Audited, before: Any, after: Any) -> dict[str, Any]:
    user_id, label, ip = current_actor()
    return {
        "at": utcnow(),
        "actor_user_id": user_id,
        "actor_label": label,
        "action": action,
        "record_type": type(obj).__name__,
        "record_id": _identity(obj),
        "before": before,
        "after": after,
        "ip": ip,
    }


def _collect(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row("create", obj, None, _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(_row("update", obj, before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row("delete", obj, _snapshot(obj), None))
    return rows


@sa.event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _context: Any) -> None:
    """Write one audit row per created, updated or deleted record, in the same transaction."""
    rows = _collect(session)
    if rows:
        session.connection().execute(sa.insert(AuditEvent), rows)


def record(
    action: str,
    *,
    record_type: str | None = None,
    record_id: str | int | None = None,
    detail: str | None = None,
    user_id: int | None = None,
    label: str | None = None,
) -> None:
    """Add an explicit event (sign-in, failure, export) to the current transaction."""
    actor_id, actor_label, ip = current_actor()
    db.session.add(
        AuditEvent(
            actor_user_id=user_id if user_id is not None else actor_id,
            actor_label=label or actor_label,
            action=action,
            record_type=record_type,
            record_id=None if record_id is None else str(record_id),
            detail=encode_for_log(detail) if detail else None,
            ip=ip,
        )
    )


def encode_for_log(text: str) -> str:
    """Encode newlines and control characters so a logged value cannot forge a line."""
    out = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in out)[:500]


def history_of(record_type: str, record_id: str | int, limit: int = 200) -> list[AuditEvent]:
    """The audit events of one record, newest first."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id == str(record_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
