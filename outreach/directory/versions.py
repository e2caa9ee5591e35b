"""Optimistic locking: a save based on an old version of a record is refused, never merged."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from outreach.audit.models import AuditEvent
from outreach.directory.errors import ConflictError
from outreach.extensions import db


def changes_since(record: Any, version: int) -> list[dict[str, Any]]:
    """What others changed after the given version: who, when, which field, before, after."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.record_type == type(record).__name__,
            AuditEvent.record_id == str(record.id),
            AuditEvent.action == "update",
        )
        .order_by(AuditEvent.id)
    )
    changes = []
    # A record is created at version 1 and each saved change moves it on by one. The trail does
    # not hold the version itself (the mapper sets it, not an attribute change), so an update's
    # rank gives the version it made, unless the event recorded it.
    for reached, event in enumerate(events, start=2):
        after = event.after or {}
        if after.get("version", reached) <= version:
            continue
        for name, value in after.items():
            if name in ("version", "updated_at", "search_text"):
                continue
            before = (event.before or {}).get(name)
            changes.append(
                {
                    "who": event.actor_label,
                    "at": event.at,
                    "field": name,
                    "before": before,
                    "after": value,
                }
            )
    return changes


def check_version(record: Any, expected_version: int | None) -> None:
    """Refuse to save when the record moved on since the form or request was prepared."""
    if expected_version is not None and record.version != expected_version:
        raise ConflictError(record, changes_since(record, expected_version))


def commit_or_conflict(record: Any, expected_version: int | None) -> None:
    """Commit; a save that lost the race to another one (between the version check and the
    write) becomes the same ConflictError as a stale form."""
    model, record_id = type(record), record.id
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(model, record_id)
        raise ConflictError(current, changes_since(current, expected_version or 0)) from None
