"""The delivery worker: claim due outbox rows under a lease, build and send each one outside any
database transaction, and record each result at once (SECURITY Decision 7)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from outreach.db import utcnow
from outreach.directory.models import ContactEmail
from outreach.extensions import db
from outreach.mail.compose import compose
from outreach.mail.models import MailQueue, OutboxMessage, OutboxStatus
from outreach.mail.outbox import RENDERERS, OutgoingEmail
from outreach.mail.transport import Outcome, Result, Transport, open_transport

log = logging.getLogger("outreach.mail")

# Temporary failures in a row (a server that is down, a greylisting storm) that pause the queue.
PAUSE_AFTER_FAILURES = 5
RETRYABLE = (OutboxStatus.QUEUED, OutboxStatus.DEFERRED)
QUEUE_ROW_ID = 1


@dataclass
class DeliveryReport:
    """What one run of the worker did."""

    sent: int = 0
    written: int = 0
    deferred: int = 0
    failed: int = 0
    reclaimed: int = 0
    paused_until: dt.datetime | None = None

    def summary(self) -> str:
        """One line for the command's output and the log."""
        line = (
            f"Sent {self.sent}, written to files {self.written}, deferred {self.deferred}, "
            f"failed {self.failed}."
        )
        if self.reclaimed:
            line += f" Retried {self.reclaimed} left by a worker that stopped."
        if self.paused_until:
            line += f" The queue is paused until {self.paused_until:%Y-%m-%d %H:%M} UTC."
        return line


class Pacer:
    """Keeps sends at most `per_minute` a minute; the clock and sleep are injectable."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until the next send is allowed, then count it."""
        if self.interval and self._last is not None:
            delay = self._last + self.interval - self.clock()
            if delay > 0:
                self.sleep(delay)
        self._last = self.clock()


def default_worker_id() -> str:
    """Host, process and a random part, so two workers in one process differ too."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delays() -> list[dt.timedelta]:
    """MAIL_RETRY_MINUTES as delays; the last repeats. At least a minute each."""
    raw = str(current_app.config["MAIL_RETRY_MINUTES"])
    minutes = [max(1, int(part)) for part in raw.split(",") if part.strip()] or [5]
    return [dt.timedelta(minutes=m) for m in minutes]


def _queue() -> MailQueue:
    """The queue's one row, created on first use; two workers may both try, one insert wins."""
    queue = db.session.get(MailQueue, QUEUE_ROW_ID)
    if queue is not None:
        return queue
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(MailQueue).values(id=QUEUE_ROW_ID, reason="").on_conflict_do_nothing()
    )
    return db.session.get_one(MailQueue, QUEUE_ROW_ID)


def paused_until(now: dt.datetime) -> dt.datetime | None:
    """When the paused queue resumes, or None when it is not paused."""
    queue = db.session.get(MailQueue, QUEUE_ROW_ID)
    resume = queue.paused_until if queue else None
    db.session.commit()
    return resume if resume is not None and resume > now else None


def _due(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Rows waiting for their time, and rows of a worker whose lease ran out."""
    return sa.or_(
        sa.and_(OutboxMessage.status.in_(RETRYABLE), OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )


def _fail_expired(now: dt.datetime) -> int:
    """Messages whose moment has passed (the meeting started) fail without being sent."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(_due(now), OutboxMessage.expires_at <= now)
        .values(
            status=OutboxStatus.FAILED,
            last_error="Not sent: the meeting had already started.",
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def claim(now: dt.datetime, worker: str, limit: int, report: DeliveryReport) -> list[int]:
    """Take up to `limit` due rows in one short transaction and lease them to this worker.

    On PostgreSQL rows another worker has locked are skipped (FOR UPDATE SKIP LOCKED); SQLite
    renders no lock clause, and its BEGIN IMMEDIATE serialises the claims instead."""
    report.failed += _fail_expired(now)
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    lease = now + dt.timedelta(seconds=int(current_app.config["MAIL_LEASE_SECONDS"]))
    for row in rows:
        if row.status == OutboxStatus.SENDING:
            # The worker holding it died, possibly after the server accepted it: this is the
            # one way a message can reach someone twice.
            log.warning(
                "outbox %s: reclaimed from worker %r whose lease expired; it may be sent twice",
                row.id,
                row.claimed_by,
            )
            report.reclaimed += 1
        row.status = OutboxStatus.SENDING
        row.lease_until = lease
        row.claimed_by = worker
        row.attempts += 1
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def _build(row: OutboxMessage) -> OutgoingEmail:
    render = RENDERERS.get(row.mailing.purpose)
    if render is None:
        raise LookupError(f"no message is defined for the purpose {row.mailing.purpose.value!r}")
    return render(row)


def _finish(row: OutboxMessage, status: OutboxStatus, result: Result) -> None:
    row.status = status
    row.last_code = result.code
    row.last_error = result.detail[:500] if status != OutboxStatus.SENT else ""
    row.lease_until = None


def _flag_address(address: str, now: dt.datetime) -> None:
    """A hard bounce marks the address so no audience picks it again (F7)."""
    db.session.execute(
        sa.update(ContactEmail)
        .where(
            ContactEmail.normalised == address.strip().lower(), ContactEmail.bounced_at.is_(None)
        )
        .values(bounced_at=now)
        .execution_options(synchronize_session=False)
    )


def record_result(outbox_id: int, result: Result, now: dt.datetime, report: DeliveryReport) -> None:
    """Write one send's result in its own short transaction, at once."""
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None:
        return
    if result.outcome is Outcome.SENT:
        _finish(row, OutboxStatus.SENT, result)
        row.sent_at = now
        row.eml_path = result.eml_path
        queue = _queue()
        queue.last_success_at = now
        queue.paused_until = None  # the server takes mail again: no reason to hold the rest
        if result.eml_path:
            report.written += 1
        else:
            report.sent += 1
        log.info("outbox %s: sent (%s)", row.id, result.code or "file")
    elif result.outcome is Outcome.PERMANENT:
        _finish(row, OutboxStatus.FAILED, result)
        _flag_address(row.to_address, now)
        report.failed += 1
        log.warning("outbox %s: refused for good (%s); the address is flagged", row.id, result.code)
    else:
        _defer(row, result, now, report)
    db.session.commit()


def _defer(row: OutboxMessage, result: Result, now: dt.datetime, report: DeliveryReport) -> None:
    delays = retry_delays()
    retry_at = now + delays[min(max(row.attempts, 1), len(delays)) - 1]
    if row.expires_at is not None and retry_at >= row.expires_at:
        _finish(row, OutboxStatus.FAILED, result)
        row.last_error = f"Not delivered before the meeting started. {result.detail}"[:500]
        report.failed += 1
        log.warning("outbox %s: given up, the meeting starts before the next try", row.id)
        return
    _finish(row, OutboxStatus.DEFERRED, result)
    row.next_attempt_at = retry_at
    report.deferred += 1
    log.info("outbox %s: deferred until %s (%s)", row.id, f"{retry_at:%H:%M}", result.code or "-")


def record_unbuildable(outbox_id: int, error: Exception, report: DeliveryReport) -> None:
    """A message that cannot be built (a renderer error, a line break in a header) fails."""
    db.session.rollback()
    row = db.session.get(OutboxMessage, outbox_id)
    if row is not None:
        reason = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        _finish(row, OutboxStatus.FAILED, Result(Outcome.PERMANENT, None, reason))
        row.last_error = f"The message could not be built: {reason}"[:500]
        db.session.commit()
    report.failed += 1
    log.error("outbox %s: could not be built (%s)", outbox_id, type(error).__name__)


def pause_queue(now: dt.datetime, reason: str, cause: str) -> dt.datetime:
    """Stop every worker sending for MAIL_QUEUE_PAUSE_MINUTES; `cause` is what the log says
    (a server's words may quote an address, so they stay in the database)."""
    resume = now + dt.timedelta(minutes=int(current_app.config["MAIL_QUEUE_PAUSE_MINUTES"]))
    queue = _queue()
    queue.paused_until = resume
    queue.reason = reason[:300]
    db.session.commit()
    log.warning("mail queue paused until %s after %s", f"{resume:%H:%M}", cause)
    return resume


def release(ids: list[int], resume: dt.datetime) -> None:
    """Give claimed rows that were not tried back to the queue, due when it resumes."""
    if not ids:
        return
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(
            status=sa.case(
                (OutboxMessage.attempts <= 1, OutboxStatus.QUEUED.value),
                else_=OutboxStatus.DEFERRED.value,
            ),
            attempts=OutboxMessage.attempts - 1,
            lease_until=None,
            claimed_by=None,
            next_attempt_at=resume,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@dataclass
class _Run:
    """The state of one worker run across its batches."""

    now: dt.datetime | None
    worker: str
    transport: Transport
    pacer: Pacer
    stop: threading.Event
    report: DeliveryReport
    failures_in_a_row: int = 0

    def moment(self) -> dt.datetime:
        return self.now or utcnow()


def _send_one(run: _Run, outbox_id: int) -> Result | None:
    """Build and send one claimed row; None when it could not be built (already recorded)."""
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None:
        return None
    try:
        wire = compose(row, _build(row))
    except Exception as error:  # a renderer's bug must fail its message, not the worker
        record_unbuildable(outbox_id, error, run.report)
        return None
    day = run.moment().date()
    # End the read transaction: nothing is held in the database while the server answers.
    db.session.commit()
    if run.transport.paced:
        run.pacer.wait()
    return run.transport.send(wire, day)


def _deliver_batch(run: _Run, ids: list[int]) -> None:
    for index, outbox_id in enumerate(ids):
        if run.stop.is_set():
            release(ids[index:], run.moment())
            return
        result = _send_one(run, outbox_id)
        if result is None:
            continue
        now = run.moment()
        record_result(outbox_id, result, now, run.report)
        if result.outcome is Outcome.TEMPORARY:
            run.failures_in_a_row += 1
        else:
            run.failures_in_a_row = 0
        if result.pauses_queue or run.failures_in_a_row >= PAUSE_AFTER_FAILURES:
            if result.pauses_queue:
                reason, cause = result.detail, f"a {result.code} reply"
            else:
                cause = f"{run.failures_in_a_row} temporary failures in a row"
                reason = f"{cause}: {result.detail}"
            run.report.paused_until = pause_queue(now, reason, cause)
            release(ids[index + 1 :], run.report.paused_until)
            return


def deliver_due(
    now: dt.datetime | None = None,
    worker: str | None = None,
    *,
    pacer: Pacer | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Deliver everything due once, batch after batch, and report what happened.

    `now` fixes the clock for tests; `pacer` carries the rate limit across runs of a loop;
    `stop` ends the run between two messages, giving the unsent ones back."""
    config = current_app.config
    run = _Run(
        now=now,
        worker=worker or default_worker_id(),
        transport=open_transport(config, current_app.instance_path),
        pacer=pacer or Pacer(int(config["MAIL_RATE_PER_MINUTE"])),
        stop=stop if stop is not None else threading.Event(),
        report=DeliveryReport(),
    )
    batch_size = max(1, int(config["MAIL_BATCH_SIZE"]))
    try:
        while not run.stop.is_set():
            run.report.paused_until = paused_until(run.moment())
            if run.report.paused_until:
                break
            ids = claim(run.moment(), run.worker, batch_size, run.report)
            if not ids:
                break
            _deliver_batch(run, ids)
            if run.report.paused_until:
                break
    finally:
        run.transport.close()
        db.session.rollback()
    return run.report
