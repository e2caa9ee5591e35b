"""The daily follow-up digest: one email a day to each user with overdue or upcoming follow-ups,
queued by `flask mail digest` and built, like every message, when the worker sends it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app

from outreach.auth.models import Role, User
from outreach.db import utcnow
from outreach.extensions import db
from outreach.interactions.services import my_followups
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import OutgoingEmail, Recipient, enqueue, new_mailing, renderer
from outreach.mail.render import render_bodies

# Users read English; the texts exist in the invitees' languages too, should a user want them.
SUBJECTS = {
    "en": "Your follow-ups: {overdue} overdue, {upcoming} due within a week",
    "fr": "Vos suivis : {overdue} en retard, {upcoming} à échéance dans la semaine",
    "es": "Sus seguimientos: {overdue} atrasados, {upcoming} vencen en una semana",
}
LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}
CONFIDENTIAL_ABOUT = {
    "en": "a confidential interaction",
    "fr": "une interaction confidentielle",
    "es": "una interacción confidencial",
}


@dataclass(frozen=True)
class DigestItem:
    """One follow-up as the email shows it."""

    description: str
    due: str
    about: str


def digest_key(user_id: int, day: dt.date) -> str:
    """One digest per user and day: running the command twice queues nothing more."""
    return f"digest:{user_id}:{day.isoformat()}"


def _day_of(message: OutboxMessage) -> dt.date:
    """The day a digest was queued for, read from its key."""
    try:
        return dt.date.fromisoformat(message.dedupe_key.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return utcnow().date()


def _about(followup: Any, language: str) -> str:
    """What the follow-up is about; a confidential interaction's subject stays in Outreach."""
    parts = []
    if followup.interaction is not None:
        confidential = followup.interaction.is_confidential
        parts.append(CONFIDENTIAL_ABOUT[language] if confidential else followup.interaction.subject)
    if followup.dialogue is not None:
        parts.append(followup.dialogue.title)
    elif followup.state is not None:
        parts.append(followup.state.name)
    return " · ".join(parts)


def _items(followups: Iterable[Any], language: str) -> list[DigestItem]:
    locale = LOCALES[language]
    return [
        DigestItem(f.description, format_date(f.due_on, "long", locale=locale), _about(f, language))
        for f in followups
    ]


@renderer(MailPurpose.DIGEST)
def render_digest(message: OutboxMessage) -> OutgoingEmail:
    """The user's overdue follow-ups, then those due within seven days, as they stand now."""
    language = message.language if message.language in SUBJECTS else "en"
    day = _day_of(message)
    mine = my_followups(message.user, today=day, within_week=True)
    overdue, upcoming = _items(mine.overdue, language), _items(mine.this_week, language)
    text, html = render_bodies(
        "digest",
        language,
        recipient_name=message.to_name,
        day=format_date(day, "full", locale=LOCALES[language]),
        overdue=overdue,
        upcoming=upcoming,
        followups_url=current_app.config["OUTREACH_BASE_URL"] + "/followups",
    )
    subject = SUBJECTS[language].format(overdue=len(overdue), upcoming=len(upcoming))
    return OutgoingEmail(subject=subject, text=text, html=html)


def _users_with_followups(day: dt.date) -> list[User]:
    users = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.STAFF]))
        .order_by(User.id)
    )
    return [
        user
        for user in users
        if (mine := my_followups(user, today=day, within_week=True)).overdue or mine.this_week
    ]


def queue_digests(day: dt.date) -> int:
    """Queue today's digest for each active staff member or administrator with follow-ups
    overdue or due within seven days; return how many were queued."""
    recipients = [
        Recipient(
            address=user.email,
            dedupe_key=digest_key(user.id, day),
            name=user.name,
            user_id=user.id,
            # Tomorrow brings a fresh digest; a late one would only repeat it.
            expires_at=utcnow() + dt.timedelta(hours=20),
        )
        for user in _users_with_followups(day)
    ]
    keys = [r.dedupe_key for r in recipients]
    taken = set(
        db.session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
        )
    )
    fresh = [r for r in recipients if r.dedupe_key not in taken]
    if not fresh:
        db.session.rollback()
        return 0
    mailing = new_mailing(MailPurpose.DIGEST, note=f"Follow-up digest of {day.isoformat()}")
    queued = enqueue(mailing, fresh)
    db.session.commit()
    return len(queued)
