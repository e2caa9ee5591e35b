"""How the outbox is doing, for the notice on meeting pages and the outbox page (SECURITY F1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from outreach.db import utcnow
from outreach.extensions import db
from outreach.mail.models import MailQueue, OutboxMessage, OutboxStatus
from outreach.mail.worker import QUEUE_ROW_ID


@dataclass(frozen=True)
class QueueHealth:
    """Counts of messages not yet sent and of failures, and when the server last took one.

    True when there is something to tell people: messages waiting or the queue paused."""

    queued: int  # waiting for their turn, or being sent right now
    deferred: int  # the server did not take them yet; they will be retried
    failed: int
    paused_until: dt.datetime | None
    last_error: str
    last_success_at: dt.datetime | None

    @property
    def waiting(self) -> int:
        """Messages that will still be sent."""
        return self.queued + self.deferred

    @property
    def troubled(self) -> bool:
        """The mail server is refusing or not answering."""
        return self.deferred > 0 or self.paused_until is not None

    def __bool__(self) -> bool:
        return self.waiting > 0 or self.paused_until is not None


def status_counts() -> dict[OutboxStatus, int]:
    """How many messages are in each status (every status present, zero included)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def _latest_problem() -> str:
    return (
        db.session.scalar(
            sa.select(OutboxMessage.last_error)
            .where(OutboxMessage.status == OutboxStatus.DEFERRED, OutboxMessage.last_error != "")
            .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc())
            .limit(1)
        )
        or ""
    )


def queue_health(
    now: dt.datetime | None = None, counts: dict[OutboxStatus, int] | None = None
) -> QueueHealth:
    """The outbox at a glance, in three small queries (two when the counts are given)."""
    counts = counts or status_counts()
    queue = db.session.get(MailQueue, QUEUE_ROW_ID)
    now = now or utcnow()
    paused = queue.paused_until if queue and queue.paused_until else None
    paused = paused if paused and paused > now else None
    deferred = counts[OutboxStatus.DEFERRED]
    problem = _latest_problem() if deferred else ""
    return QueueHealth(
        queued=counts[OutboxStatus.QUEUED] + counts[OutboxStatus.SENDING],
        deferred=deferred,
        failed=counts[OutboxStatus.FAILED],
        paused_until=paused,
        last_error=problem or (queue.reason if queue and paused else ""),
        last_success_at=queue.last_success_at if queue else None,
    )
