"""`flask mail work [--once]` and `flask mail digest`, and the digest that staff receive."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.auth import services as accounts
from outreach.extensions import db
from outreach.mail.digest import queue_digests
from outreach.mail.models import MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.worker import deliver_due
from tests import factories
from tests.mail.conftest import delivered_to, queue_messages, rows

TODAY = dt.date.today()
ROOT = Path(__file__).resolve().parents[2]


def test_work_once_delivers_what_is_due_and_says_so(smtp_sink, app, runner):
    ids = queue_messages(2)

    result = runner.invoke(args=["mail", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 2, written to files 0, deferred 0, failed 0."
    assert sorted(delivered_to(smtp_sink)) == ["guest0@mission.example", "guest1@mission.example"]
    assert {row.status for row in rows(ids)} == {OutboxStatus.SENT}


def test_work_once_without_a_mail_server_writes_files(app, runner):
    queue_messages(1)

    result = runner.invoke(args=["mail", "work", "--once"])

    assert result.output.strip() == "Sent 0, written to files 1, deferred 0, failed 0."


def test_work_once_reports_a_paused_queue(smtp_sink, app, runner):
    queue_messages(2)
    smtp_sink.rcpt_replies = ["421 4.3.2 Too busy"]

    result = runner.invoke(args=["mail", "work", "--once"])

    assert result.exit_code == 0
    assert "deferred 1" in result.output
    assert "The queue is paused until" in result.output


@pytest.fixture
def followups(app, staff, admin):
    """Sam (staff): one overdue and one due in three days; Dana (admin): one due in a month."""
    confidential = factories.make_interaction(
        subject="Quiet talks with the mission", confidential=True
    )
    factories.make_followup(
        staff, TODAY - dt.timedelta(days=2), "Send the letter", interaction_id=confidential.id
    )
    factories.make_followup(staff, TODAY + dt.timedelta(days=3), "Call the ambassador")
    factories.make_followup(admin, TODAY + dt.timedelta(days=30), "Plan the next visit")
    return staff


def test_digest_queues_one_message_per_user_with_follow_ups_due_and_only_once_a_day(
    app, runner, followups
):
    first = runner.invoke(args=["mail", "digest"])
    again = runner.invoke(args=["mail", "digest"])

    assert first.exit_code == again.exit_code == 0
    assert first.output.strip() == "Queued 1 digest; the mail worker sends them."
    assert again.output.strip().startswith("No digest to queue")
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.mailing.purpose == MailPurpose.DIGEST
    assert (message.to_address, message.user_id) == (followups.email, followups.id)
    assert message.dedupe_key == f"digest:{followups.id}:{TODAY.isoformat()}"


def test_digest_leaves_out_disabled_users_and_coordinators(app, followups, coordinator):
    with acting_as("test"):
        accounts.disable_user(followups.email)

    assert queue_digests(TODAY) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_the_digest_lists_overdue_then_upcoming_follow_ups(smtp_sink, app, followups):
    queue_digests(TODAY)

    assert deliver_due().sent == 1

    message = smtp_sink.messages[0].message
    assert message["Subject"] == "Your follow-ups: 1 overdue, 1 due within a week"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["To"].addresses[0].addr_spec == followups.email
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert body.index("Send the letter") < body.index("Call the ambassador")
        assert "http://outreach.test/followups" in body
        assert "a confidential interaction" in body
        assert "Quiet talks" not in body  # a confidential subject stays in Outreach
        assert "Plan the next visit" not in body
    assert "OVERDUE (1)" in text and "DUE WITHIN A WEEK (1)" in text


def test_the_digest_shows_what_people_wrote_as_text(smtp_sink, app, staff):
    factories.make_followup(staff, TODAY, '<img src=x onerror=alert(1)> "Call" & write')
    queue_digests(TODAY)
    deliver_due()

    html = smtp_sink.messages[0].message.get_body(("html",)).get_content()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;Call&#34; &amp; write" in html


def test_the_digest_speaks_french_when_asked(smtp_sink, app, followups):
    queue_digests(TODAY)
    db.session.execute(sa.update(OutboxMessage).values(language="fr"))
    db.session.commit()
    deliver_due()

    message = smtp_sink.messages[0].message
    assert message["Subject"] == "Vos suivis : 1 en retard, 1 à échéance dans la semaine"
    assert "Ouvrir vos suivis" in message.get_body(("plain",)).get_content()


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_process_delivers_and_stops_cleanly_on_sigterm(
    smtp_sink, app, app_config, followups
):
    queue_digests(TODAY)
    db.session.close()
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret-key-not-for-production",
        "OUTREACH_BASE_URL": "http://outreach.test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_sink.port),
        "MAIL_POLL_SECONDS": "1",
        "MAIL_RATE_PER_MINUTE": "0",
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "flask"), "--app", "outreach", "mail", "work"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        delivered = _wait_for(lambda: len(smtp_sink.messages) == 1)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert delivered, output
    assert worker.returncode == 0, output
    assert "Sent 1, written to files 0, deferred 0, failed 0." in output
    assert output.rstrip().endswith("Mail worker stopped.")
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.status == OutboxStatus.SENT
