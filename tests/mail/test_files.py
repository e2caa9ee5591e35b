"""The embedded default: with no MAIL_SERVER each message is written as an .eml file in the
instance folder, and staff can open it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

from outreach.db import utcnow
from outreach.extensions import db
from outreach.mail.models import OutboxMessage, OutboxStatus
from outreach.mail.worker import deliver_due
from tests.mail.conftest import queue_messages, rows


def test_without_a_mail_server_each_message_becomes_an_eml_file(app):
    ids = queue_messages(2)

    report = deliver_due()

    assert (report.written, report.sent) == (2, 0)
    day = utcnow().date().isoformat()
    for index, row in enumerate(rows(ids)):
        assert row.status == OutboxStatus.SENT and row.sent_at is not None
        assert row.eml_path == f"mail/{day}/{row.id}-a-note-for-guest-{index}.eml"
        data = (Path(app.instance_path) / row.eml_path).read_bytes()
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == f"guest{index}@mission.example"
        assert message["Message-ID"] == row.message_id
    assert deliver_due().written == 0


def test_staff_download_the_eml_file_of_a_message(app, client, auth, staff):
    [message_id] = queue_messages(1)
    deliver_due()
    [row] = rows([message_id])
    auth.login(staff.email)

    response = client.get(f"/outbox/{message_id}.eml")

    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=message-{message_id}.eml"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == (Path(app.instance_path) / row.eml_path).read_bytes()
    response.close()


def test_a_coordinator_may_not_open_an_eml_file(app, client, auth, coordinator):
    [message_id] = queue_messages(1)
    deliver_due()
    auth.login(coordinator.email)

    assert client.get(f"/outbox/{message_id}.eml").status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(app, client):
    [message_id] = queue_messages(1)
    deliver_due()

    response = client.get(f"/outbox/{message_id}.eml")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_no_file_no_download(app, client, auth, staff):
    [message_id] = queue_messages(1)  # not delivered yet: no file
    auth.login(staff.email)

    assert client.get(f"/outbox/{message_id}.eml").status_code == 404
    assert client.get("/outbox/999999.eml").status_code == 404


def test_a_recorded_path_outside_the_mail_folder_is_never_served(app, client, auth, staff):
    [message_id] = queue_messages(1)
    deliver_due()
    secret = Path(app.instance_path) / "secret_key"
    secret.write_text("not for download")
    auth.login(staff.email)
    for path in ("secret_key", "mail/../secret_key", str(secret), "../instance/secret_key"):
        db.session.get_one(OutboxMessage, message_id).eml_path = path
        db.session.commit()
        assert client.get(f"/outbox/{message_id}.eml").status_code == 404, path


def test_mail_prune_deletes_old_message_files_and_keeps_recent_ones(app, runner):
    old, recent = queue_messages(2)
    deliver_due()
    [old_row, recent_row] = rows([old, recent])
    old_file = Path(app.instance_path) / old_row.eml_path
    recent_file = Path(app.instance_path) / recent_row.eml_path
    old_row.created_at = utcnow() - dt.timedelta(days=91)
    db.session.commit()

    result = runner.invoke(args=["mail", "prune"])

    assert result.exit_code == 0, result.output
    assert "Deleted 1 message file older than 90 days." in result.output
    assert not old_file.exists() and recent_file.exists()
    [old_row, recent_row] = rows([old, recent])
    assert old_row.eml_path is None and recent_row.eml_path is not None
    assert runner.invoke(args=["mail", "prune", "--days", "0"]).exit_code == 2
