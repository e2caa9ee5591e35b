"""The outbox page and the queue notice: what staff see of the mail going out (F1)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import render_template

from outreach.db import utcnow
from outreach.extensions import db
from outreach.mail.models import OutboxMessage, OutboxStatus
from outreach.mail.status import QueueHealth, queue_health
from outreach.mail.worker import deliver_due
from tests.mail.conftest import queue_messages


def _set(ids: list[int], **values: object) -> None:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values))
    db.session.commit()


def test_the_outbox_counts_each_status_and_lists_the_problems_first(app, client, auth, staff):
    ids = queue_messages(4)
    _set(ids[:1], status=OutboxStatus.FAILED, last_error="550 5.1.1 no such user", attempts=1)
    _set(ids[1:2], status=OutboxStatus.DEFERRED, last_error="450 4.2.0 mailbox busy")
    _set(ids[2:3], status=OutboxStatus.SENT, sent_at=utcnow())
    auth.login(staff.email)

    page = client.get("/outbox").get_data(as_text=True)

    assert "Problems: <strong>2</strong>" in page
    for label in ("Queued", "Sent", "Deferred", "Failed"):
        assert f"{label}: <strong>1</strong>" in page
    assert "550 5.1.1 no such user" in page and "450 4.2.0 mailbox busy" in page
    assert "guest2@mission.example" not in page  # sent: not a problem
    assert "1 message waiting" not in page  # one queued, one deferred: two
    assert "2 messages waiting" in page

    sent = client.get("/outbox?show=sent").get_data(as_text=True)
    assert "guest2@mission.example" in sent and "guest0@mission.example" not in sent
    everything = client.get("/outbox?show=all").get_data(as_text=True)
    assert all(f"guest{i}@mission.example" in everything for i in range(4))
    odd = client.get("/outbox?show=%27%20OR%201=1").get_data(as_text=True)
    assert "Deferred and failed messages" in odd


def test_the_outbox_pages_and_its_queries_do_not_grow_with_the_rows(
    app, client, auth, staff, count_queries
):
    few = queue_messages(3, prefix="few")
    _set(few, status=OutboxStatus.FAILED, last_error="550 refused")
    auth.login(staff.email)
    db.session.expire_all()  # as in a fresh request: nothing already loaded
    with count_queries() as small:
        client.get("/outbox")
    many = queue_messages(60, prefix="many")
    _set(many, status=OutboxStatus.FAILED, last_error="550 refused")

    db.session.expire_all()
    with count_queries() as large:
        page = client.get("/outbox").get_data(as_text=True)

    assert large.count == small.count
    assert "Showing 1–50 of 63 messages" in page
    second = client.get("/outbox?page=2").get_data(as_text=True)
    assert "Showing 51–63 of 63 messages" in second


def test_the_outbox_shows_names_as_text(app, client, auth, staff):
    [message_id] = queue_messages(1)
    _set([message_id], to_name='<script>alert(1)</script>"><svg onload=alert(2)>')
    _set([message_id], status=OutboxStatus.FAILED)
    auth.login(staff.email)

    page = client.get("/outbox").get_data(as_text=True)

    assert "<script>alert(1)" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_outbox_links_each_written_file(app, client, auth, staff):
    [message_id] = queue_messages(1)
    deliver_due()
    auth.login(staff.email)

    page = client.get("/outbox?show=sent").get_data(as_text=True)

    assert f'href="/outbox/{message_id}.eml"' in page


def test_coordinators_may_not_read_the_outbox(app, client, auth, coordinator):
    auth.login(coordinator.email)
    assert client.get("/outbox").status_code == 403


def test_queue_health_is_quiet_when_nothing_waits(app):
    ids = queue_messages(1)
    _set(ids, status=OutboxStatus.SENT)

    health = queue_health()

    assert not health
    assert (health.queued, health.deferred, health.failed, health.waiting) == (0, 0, 0, 0)


def test_queue_health_counts_what_waits_and_what_the_server_said(app):
    ids = queue_messages(3)
    _set(ids[:1], status=OutboxStatus.DEFERRED, last_error="451 4.3.0 try later")
    _set(ids[1:2], status=OutboxStatus.SENDING)

    health = queue_health()

    assert health and health.troubled
    assert (health.queued, health.deferred, health.waiting) == (2, 1, 3)
    assert health.last_error == "451 4.3.0 try later"


def notice(app, health: QueueHealth) -> str:
    """The notice as a reader hears it: its text, tags dropped, spaces folded."""
    with app.test_request_context("/meetings/1"):
        html = render_template("mail/_queue_notice.html", health=health)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace(" ;", ";").split())


def test_the_notice_says_how_many_wait_and_since_when_the_server_is_silent(app):
    since = dt.datetime(2026, 11, 28, 9, 15, tzinfo=dt.UTC)
    troubled = QueueHealth(3, 2, 0, since + dt.timedelta(hours=1), "421 closing", since)

    text = notice(app, troubled)

    assert (
        "5 messages waiting; the mail server has not answered since 28 Nov 2026 09:15 UTC" in text
    )
    assert "Sending is paused until 10:15 UTC" in text
    assert "Last answer: 421 closing" in text


def test_the_notice_is_calm_when_messages_simply_wait_their_turn(app):
    text = notice(app, QueueHealth(1, 0, 0, None, "", None))

    assert "1 message waiting to be sent" in text
    assert "not answered" not in text
    assert notice(app, QueueHealth(0, 0, 4, None, "", None)) == ""
