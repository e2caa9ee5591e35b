"""Limited retention of sent-message bodies: the .eml files of old messages are deleted."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from outreach.extensions import db
from outreach.mail.models import OutboxMessage
from outreach.mail.transport import stored_file


def prune_files(days: int, now: dt.datetime) -> int:
    """Delete the files of messages written more than `days` ago; the rows stay, without
    a path. Returns how many files were deleted."""
    cutoff = now - dt.timedelta(days=days)
    old = sa.select(OutboxMessage).where(
        OutboxMessage.eml_path.is_not(None), OutboxMessage.created_at < cutoff
    )
    deleted = 0
    for message in db.session.scalars(old):
        path = stored_file(current_app.instance_path, message.eml_path)
        if path is not None:
            path.unlink(missing_ok=True)
            deleted += 1
        message.eml_path = None
    db.session.commit()
    return deleted
