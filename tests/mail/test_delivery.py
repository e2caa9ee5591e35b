"""The delivery worker against a real SMTP server: each message once, whatever the server does
(SECURITY Decision 7, cases F1-F6)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from outreach.db import utcnow
from outreach.directory.models import ContactEmail
from outreach.extensions import db
from outreach.mail import worker
from outreach.mail.models import MailQueue, OutboxMessage, OutboxStatus
from outreach.mail.status import queue_health
from outreach.mail.transport import Outcome, SmtpTransport, classify
from outreach.mail.worker import Pacer, deliver_due
from tests import factories
from tests.mail.conftest import BODY, RSVP_URL, delivered_to, queue_messages, rows

LATER = dt.timedelta(hours=1)


def statuses(ids: list[int]) -> list[OutboxStatus]:
    return [row.status for row in rows(ids)]


def test_queued_messages_are_delivered_once_each(smtp_sink, app):
    ids = queue_messages(3)

    report = deliver_due()

    assert (report.sent, report.deferred, report.failed) == (3, 0, 0)
    assert sorted(delivered_to(smtp_sink)) == [f"guest{i}@mission.example" for i in range(3)]
    sent = rows(ids)
    assert all(row.status == OutboxStatus.SENT and row.sent_at for row in sent)
    assert all(row.last_code == 250 and row.lease_until is None for row in sent)
    assert deliver_due(utcnow() + LATER).sent == 0
    assert len(smtp_sink.messages) == 3


def test_each_message_is_its_own_email_with_its_row_s_message_id(smtp_sink, app):
    ids = queue_messages(2)
    deliver_due()
    by_recipient = {m.rcpt_tos[0]: m.message for m in smtp_sink.messages}
    for row in rows(ids):
        received = by_recipient[row.to_address]
        assert received["Message-ID"] == row.message_id
        assert received["To"].addresses[0].display_name == row.to_name


def test_f1_server_down_keeps_every_message_and_delivers_each_once_when_it_returns(
    smtp_sink, app, client, auth, staff
):
    first = queue_messages(1, prefix="early")
    assert deliver_due().sent == 1
    smtp_sink.stop()
    ids = queue_messages(6)

    report = deliver_due()

    assert report.sent == 0 and report.deferred == 5
    # Five temporary failures in a row pause the queue; the sixth was not even tried.
    assert report.paused_until is not None
    assert Counter(statuses(ids)) == {OutboxStatus.DEFERRED: 5, OutboxStatus.QUEUED: 1}
    health = queue_health()
    assert health and health.troubled and health.waiting == 6
    assert "could not be reached" in health.last_error
    auth.login(staff.email)
    page = client.get("/outbox").get_data(as_text=True)
    assert "6 messages waiting" in page
    assert "the mail server has not answered since" in page
    assert client.get("/states").status_code == 200
    assert client.get("/meetings").status_code == 200

    smtp_sink.start()
    assert deliver_due(utcnow() + dt.timedelta(minutes=2)).sent == 0  # still paused
    report = deliver_due(utcnow() + LATER)

    assert report.sent == 6
    assert Counter(delivered_to(smtp_sink)) == {
        "early0@mission.example": 1,
        **{f"guest{i}@mission.example": 1 for i in range(6)},
    }
    assert set(statuses(first + ids)) == {OutboxStatus.SENT}
    assert not queue_health()


def test_f2_connection_dropped_after_k_of_n_sends_the_rest_later_exactly_once(smtp_sink, app):
    ids = queue_messages(8)
    smtp_sink.drop_after = 3

    report = deliver_due()

    assert report.sent == 3
    assert len(smtp_sink.messages) == 3
    assert Counter(statuses(ids))[OutboxStatus.SENT] == 3
    waiting = [row for row in rows(ids) if row.status != OutboxStatus.SENT]
    assert len(waiting) == 5 and all(row.status in worker.RETRYABLE for row in waiting)
    assert any("connection was lost" in row.last_error for row in waiting)
    # One new connection after the drop, not one per message: the rest wait for the next run.
    assert any("dropped the connection again" in row.last_error for row in waiting)

    smtp_sink.drop_after = None
    deliver_due(utcnow() + LATER)

    assert Counter(delivered_to(smtp_sink)) == {f"guest{i}@mission.example": 1 for i in range(8)}
    assert set(statuses(ids)) == {OutboxStatus.SENT}


def test_f2_a_connection_lost_once_is_reopened_for_the_next_message(smtp_sink, app):
    ids = queue_messages(3)
    smtp_sink.drop_next = 1

    report = deliver_due()

    assert (report.sent, report.deferred) == (2, 1)
    assert statuses(ids) == [OutboxStatus.DEFERRED, OutboxStatus.SENT, OutboxStatus.SENT]
    assert delivered_to(smtp_sink) == ["guest1@mission.example", "guest2@mission.example"]


def test_f3_a_450_is_deferred_with_backoff_then_sent_once(smtp_sink, app):
    [message_id] = queue_messages(1)
    smtp_sink.rcpt_replies = ["450 4.2.0 Mailbox busy, try later"]
    now = utcnow()

    assert deliver_due(now).deferred == 1

    [row] = rows([message_id])
    assert row.status == OutboxStatus.DEFERRED and row.last_code == 450
    assert "Mailbox busy" in row.last_error
    assert row.next_attempt_at == now + dt.timedelta(minutes=1)  # MAIL_RETRY_MINUTES starts at 1
    assert deliver_due(now + dt.timedelta(seconds=30)).sent == 0  # not due yet
    assert deliver_due(now + dt.timedelta(minutes=2)).sent == 1
    assert delivered_to(smtp_sink) == ["guest0@mission.example"]
    assert rows([message_id])[0].attempts == 2


def test_f3_backoff_follows_the_configured_schedule_and_repeats_its_last_step(smtp_sink, app):
    app.config["MAIL_RETRY_MINUTES"] = "1,5"
    [message_id] = queue_messages(1)
    now = utcnow()
    for attempt, (wait, step) in enumerate([(0, 1), (1, 5), (6, 5), (11, 5)], 1):
        smtp_sink.rcpt_replies = ["451 4.7.1 Greylisted"]
        moment = now + dt.timedelta(minutes=wait)
        db.session.execute(sa.update(MailQueue).values(paused_until=None))  # 451 pauses it
        db.session.commit()
        assert deliver_due(moment).deferred == 1
        [row] = rows([message_id])
        assert row.attempts == attempt
        assert row.next_attempt_at == moment + dt.timedelta(minutes=step)


def test_f3_a_550_fails_for_good_and_flags_the_address(smtp_sink, app):
    contact = factories.make_contact(emails=["Gone.Away@Mission.example"])
    [message_id] = queue_messages(1, prefix="gone.away")
    db.session.execute(sa.update(OutboxMessage).values(to_address="gone.away@mission.example"))
    db.session.commit()
    smtp_sink.rcpt_replies = ["550 5.1.1 <gone.away@mission.example>: no such user"]

    report = deliver_due()

    assert (report.failed, report.deferred, report.sent) == (1, 0, 0)
    [row] = rows([message_id])
    assert row.status == OutboxStatus.FAILED and row.last_code == 550
    assert "no such user" in row.last_error
    email = db.session.scalar(sa.select(ContactEmail).where(ContactEmail.contact_id == contact.id))
    assert email.bounced_at is not None
    assert deliver_due(utcnow() + dt.timedelta(days=2)).sent == 0
    assert smtp_sink.messages == []
    assert rows([message_id])[0].attempts == 1


def test_f3_a_5xx_after_the_data_is_permanent_too(smtp_sink, app):
    ids = queue_messages(2)
    smtp_sink.data_replies = ["554 5.7.1 Message rejected as spam"]

    report = deliver_due()

    assert (report.failed, report.sent) == (1, 1)
    assert Counter(statuses(ids)) == {OutboxStatus.FAILED: 1, OutboxStatus.SENT: 1}


def test_f3_a_421_pauses_the_whole_queue_and_gives_back_what_was_not_tried(smtp_sink, app):
    ids = queue_messages(3)
    smtp_sink.data_replies = ["421 4.3.2 Service shutting down"]
    now = utcnow()

    report = deliver_due(now)

    assert report.paused_until == now + dt.timedelta(minutes=5)
    first, *others = rows(ids)
    assert first.status == OutboxStatus.DEFERRED and first.last_code == 421
    # The others were never offered to the server: back in the queue, no attempt counted.
    assert [(r.status, r.attempts, r.claimed_by) for r in others] == [
        (OutboxStatus.QUEUED, 0, None)
    ] * 2
    assert deliver_due(now + dt.timedelta(minutes=2)).sent == 0
    assert smtp_sink.messages == []
    assert queue_health(now + dt.timedelta(minutes=2)).paused_until == report.paused_until

    report = deliver_due(now + dt.timedelta(minutes=6))

    assert report.sent == 3 and report.paused_until is None
    assert Counter(delivered_to(smtp_sink)) == {f"guest{i}@mission.example": 1 for i in range(3)}


def test_replies_are_judged_by_their_code():
    assert classify(250) is Outcome.SENT
    assert classify(421) is classify(450) is classify(-1) is Outcome.TEMPORARY
    assert classify(550) is classify(554) is Outcome.PERMANENT


class Killed(BaseException):
    """A worker process dying, as SIGKILL would stop it: nothing after it runs."""


def test_f4_worker_killed_after_the_server_accepted_means_at_most_one_duplicate(
    smtp_sink, app, monkeypatch, caplog
):
    ids = queue_messages(3)
    record = worker.record_result

    def die_before_recording(*args: Any) -> None:
        raise Killed

    monkeypatch.setattr(worker, "record_result", die_before_recording)
    now = utcnow()
    with pytest.raises(Killed):
        deliver_due(now, worker="doomed")
    monkeypatch.setattr(worker, "record_result", record)

    assert len(smtp_sink.messages) == 1  # the server took it; the database never heard
    assert set(statuses(ids)) == {OutboxStatus.SENDING}
    assert deliver_due(now + dt.timedelta(minutes=1)).sent == 0  # the lease still runs
    with caplog.at_level(logging.WARNING, logger="outreach.mail"):
        report = deliver_due(now + dt.timedelta(seconds=301), worker="successor")

    assert report.reclaimed == 3 and report.sent == 3
    counts = Counter(delivered_to(smtp_sink))
    assert sorted(counts.values()) == [1, 1, 2]  # one duplicate, the message in flight
    assert set(statuses(ids)) == {OutboxStatus.SENT}
    reclaims = [r for r in caplog.records if "reclaimed" in r.getMessage()]
    assert len(reclaims) == 3 and "'doomed'" in reclaims[0].getMessage()


def _run_workers(app: Any, names: list[str]) -> dict[str, Any]:
    """Run deliver_due in one thread per name, all starting together, each with its session."""
    start = threading.Barrier(len(names))
    outcomes: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes[name] = deliver_due(worker=name)
        except BaseException as error:  # reported below, not lost in the thread
            outcomes[name] = error

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_f5_two_workers_draining_one_queue_send_each_message_once(smtp_sink, app):
    app.config["MAIL_BATCH_SIZE"] = 3
    ids = queue_messages(24)
    db.session.close()  # the test's own session holds no lock while the workers run

    outcomes = _run_workers(app, ["worker-a", "worker-b"])

    errors = [o for o in outcomes.values() if isinstance(o, BaseException)]
    assert errors == []
    assert sum(report.sent for report in outcomes.values()) == 24
    assert Counter(delivered_to(smtp_sink)) == {f"guest{i}@mission.example": 1 for i in range(24)}
    assert set(statuses(ids)) == {OutboxStatus.SENT}
    assert {row.claimed_by for row in rows(ids)} <= {"worker-a", "worker-b"}


def test_f5_a_row_locked_by_another_worker_is_skipped_not_waited_for(smtp_sink, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "FOR UPDATE SKIP LOCKED exists on PostgreSQL only; on SQLite the write lock "
            "serialises claims, which the two-worker test above exercises"
        )
    ids = queue_messages(3)
    with db.engine.connect() as other_worker:
        other_worker.execute(
            sa.select(OutboxMessage.id).where(OutboxMessage.id == ids[0]).with_for_update()
        )
        started = time.monotonic()
        report = deliver_due()
        assert time.monotonic() - started < 5
        other_worker.rollback()

    assert report.sent == 2
    assert statuses(ids) == [OutboxStatus.QUEUED, OutboxStatus.SENT, OutboxStatus.SENT]


class FakeClock:
    """A monotonic clock that only moves when the worker sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_f6_the_rate_limit_spaces_messages_evenly(smtp_sink, app, monkeypatch):
    queue_messages(5)
    clock = FakeClock()
    sent_at: list[float] = []
    send = SmtpTransport.send

    def timed_send(self: SmtpTransport, *args: Any) -> Any:
        sent_at.append(clock())
        return send(self, *args)

    monkeypatch.setattr(SmtpTransport, "send", timed_send)

    report = deliver_due(pacer=Pacer(6, clock=clock, sleep=clock.sleep))

    assert report.sent == 5
    gaps = [later - earlier for earlier, later in zip(sent_at, sent_at[1:], strict=False)]
    assert gaps == pytest.approx([10.0] * 4)  # 6 a minute
    assert 60 * (len(sent_at) - 1) / (sent_at[-1] - sent_at[0]) <= 6


def test_f6_the_configured_rate_is_observed_in_real_time(smtp_sink, app):
    app.config["MAIL_RATE_PER_MINUTE"] = 600  # one every 0.1 s
    queue_messages(4)
    started = time.monotonic()

    assert deliver_due().sent == 4

    assert time.monotonic() - started >= 0.3


def test_a_message_whose_meeting_has_started_fails_without_being_sent(smtp_sink, app):
    now = utcnow()
    ids = queue_messages(2, expires_at=now + dt.timedelta(hours=1))

    report = deliver_due(now + dt.timedelta(hours=2))

    assert report.failed == 2 and report.sent == 0
    assert all("already started" in row.last_error for row in rows(ids))
    assert smtp_sink.messages == []


def test_retrying_stops_when_the_next_try_would_come_after_the_meeting_starts(smtp_sink, app):
    [message_id] = queue_messages(1, expires_at=utcnow() + dt.timedelta(seconds=30))
    smtp_sink.rcpt_replies = ["450 4.2.0 Mailbox busy"]
    now = utcnow()

    assert deliver_due(now).failed == 1

    [row] = rows([message_id])
    assert row.status == OutboxStatus.FAILED
    assert row.last_error.startswith("Not delivered before the meeting started")


def test_a_message_that_cannot_be_built_fails_alone(smtp_sink, app, use_renderer):
    from tests.mail.conftest import plain_message

    def fragile(message: OutboxMessage) -> Any:
        if message.to_address.startswith("guest1@"):
            raise RuntimeError("the template is broken")
        return plain_message(message)

    use_renderer(fragile)
    ids = queue_messages(3)

    report = deliver_due()

    assert (report.sent, report.failed) == (2, 1)
    broken = rows(ids)[1]
    assert broken.status == OutboxStatus.FAILED
    assert broken.last_error == (
        "The message could not be built: RuntimeError: the template is broken"
    )
    assert "guest1@mission.example" not in delivered_to(smtp_sink)


def test_a_message_of_a_purpose_without_renderer_fails(smtp_sink, app, monkeypatch):
    from outreach.mail.models import MailPurpose
    from outreach.mail.outbox import RENDERERS

    ids = queue_messages(1)
    monkeypatch.delitem(RENDERERS, MailPurpose.TEST)

    assert deliver_due().failed == 1
    assert "no message is defined" in rows(ids)[0].last_error


def test_logs_hold_neither_bodies_nor_personal_links_nor_addresses(smtp_sink, app, caplog):
    queue_messages(3)
    smtp_sink.rcpt_replies = [
        "250 OK",
        "550 5.1.1 <guest1@mission.example> unknown",
        "421 4.3.2 <guest2@mission.example> try later",
    ]
    with caplog.at_level(logging.DEBUG, logger="outreach"):
        report = deliver_due()
    assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
    assert report.paused_until is not None
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("outreach"))
    assert "outbox" in logged  # something was logged
    for secret in (RSVP_URL, "a-secret-personal-token", BODY, "mission.example", "Guest 0"):
        assert secret not in logged


def test_the_worker_holds_no_transaction_while_the_server_answers(smtp_sink, app, monkeypatch):
    queue_messages(2)
    send = SmtpTransport.send
    open_transactions: list[bool] = []

    def watched_send(self: SmtpTransport, *args: Any) -> Any:
        open_transactions.append(db.session().in_transaction())
        return send(self, *args)

    monkeypatch.setattr(SmtpTransport, "send", watched_send)

    assert deliver_due().sent == 2
    assert open_transactions == [False, False]


def test_a_claim_leases_the_rows_to_the_worker(smtp_sink, app):
    ids = queue_messages(2)
    now = utcnow()
    report = worker.DeliveryReport()

    claimed = worker.claim(now, "worker-x", 10, report)

    assert claimed == ids
    for row in rows(ids):
        assert row.status == OutboxStatus.SENDING and row.claimed_by == "worker-x"
        assert row.lease_until == now + dt.timedelta(seconds=300)
        assert row.attempts == 1
    assert worker.claim(now, "worker-y", 10, report) == []
