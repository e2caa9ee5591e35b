"""Putting messages in the outbox: one row per recipient, unique, written in the caller's
transaction; each purpose registers the renderer that builds its email when it is sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from outreach.extensions import db
from outreach.mail.models import (
    Mailing,
    MailPurpose,
    OutboxMessage,
    OutboxStatus,
)


@dataclass(frozen=True)
class Recipient:
    """Who gets one message, and the key that makes it unique across every mailing."""

    address: str
    dedupe_key: str
    name: str = ""
    language: str = "en"
    invitation_id: int | None = None
    user_id: int | None = None
    # After this moment the message is pointless (e.g. the meeting has started).
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class OutgoingEmail:
    """What a renderer returns; the worker adds From, To, Date and Message-ID and sends it."""

    subject: str
    text: str
    html: str
    # An iTIP file (REQUEST or CANCEL); it becomes the text/calendar part with the same method=.
    calendar: bytes | None = None
    calendar_method: str | None = None
    # The personal opt-out link: List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    unsubscribe_url: str | None = None
    # From; for invitations the meeting's organiser mailbox (ORGANIZER must equal From).
    sender: str | None = None
    sender_name: str = ""
    reply_to: str | None = None


# A message being sent right now (SENDING) is left to finish; its successor follows it.
WITHDRAWABLE = (OutboxStatus.QUEUED, OutboxStatus.DEFERRED)

Renderer = Callable[[OutboxMessage], OutgoingEmail]
RENDERERS: dict[MailPurpose, Renderer] = {}


def renderer(purpose: MailPurpose) -> Callable[[Renderer], Renderer]:
    """Register the function that builds the emails of one purpose."""

    def register(function: Renderer) -> Renderer:
        RENDERERS[purpose] = function
        return function

    return register


def new_mailing(purpose: MailPurpose, **values: Any) -> Mailing:
    """Start a mailing in the current transaction (meeting, sequence, note, created_by_id)."""
    mailing = Mailing(purpose=purpose, **values)
    db.session.add(mailing)
    return mailing


def message_domain() -> str:
    """The domain of our Message-IDs: the host of the configured base URL."""
    return urlsplit(current_app.config["OUTREACH_BASE_URL"]).hostname or "outreach.invalid"


def enqueue(mailing: Mailing, recipients: Iterable[Recipient]) -> list[OutboxMessage]:
    """Add one queued message per recipient whose key is not in the outbox yet; no commit.

    The unique dedupe key is what stops a second Send: a concurrent transaction inserting the
    same key fails on commit, and the caller reports that nothing new was sent."""
    wanted = {r.dedupe_key: r for r in recipients}
    if not wanted:
        return []
    taken = set(
        db.session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(wanted))
        )
    )
    domain = message_domain()
    messages = [
        OutboxMessage(
            mailing=mailing,
            dedupe_key=key,
            to_address=r.address,
            to_name=r.name,
            language=r.language,
            invitation_id=r.invitation_id,
            user_id=r.user_id,
            expires_at=r.expires_at,
            message_id=make_msgid(domain=domain),
            status=OutboxStatus.QUEUED,
        )
        for key, r in wanted.items()
        if key not in taken
    ]
    db.session.add_all(messages)
    return messages


def withdraw(*conditions: sa.ColumnElement[bool], reason: str) -> int:
    """Cancel the messages not yet sent that match the conditions; no commit."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status.in_(WITHDRAWABLE), *conditions)
        .values(status=OutboxStatus.CANCELLED, last_error=reason[:500], lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
