"""The issue's "Done when", through the pages and a real SMTP server: plan the Fourteenth Meeting
of States Parties, invite the focal points of all States Parties, send, and read the wire bytes
(every CALENDAR.md check, and an independent parser); answer one invitation by its link with a
delegation of three and a sponsorship request; move the meeting by a day (updates, same UID,
higher SEQUENCE); remove one invitee (a CANCEL to them); cancel (a CANCEL to everyone); and stop
the mail server in the middle: nothing lost, nothing twice."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from outreach.extensions import db
from outreach.invitations.models import Answer, Invitation, Sponsorship
from outreach.mail.models import OutboxMessage, OutboxStatus
from outreach.mail.worker import deliver_due
from outreach.meetings.models import Meeting
from tests.conftest import CSRF_RE
from tests.meetings import calendar_checks as checks

RSVP_LINK = re.compile(r"http://outreach\.test/rsvp/[\w-]+\.[\w-]+\.[\w-]+")
ORGANISER = "isu@ccm.example"
STATES_PARTIES = {
    "anna.huber@aut-mission.example",
    "claire.martin@fra-mission.example",
    "luc.bernard@fra-mission.example",
    "lucia.garcia@mex-mission.example",
}


@pytest.fixture
def app_config(app_config):
    """No pause between messages (the rate limit has its own test)."""
    app_config["MAIL_RATE_PER_MINUTE"] = 1_000_000
    return app_config


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def check_message(
    received, method: str, everyone: set[str], unsubscribe: bool = True
) -> tuple[str, int, str]:
    """Every CALENDAR.md check on one message from the wire; (UID, SEQUENCE, RSVP link)."""
    message = received.message
    (recipient,) = received.rcpt_tos
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.code == "14MSP"))
    ics = checks.check_sent_invitation(
        message,
        method=method,
        recipient=recipient,
        organiser=ORGANISER,
        others=sorted(everyone - {recipient}),
        starts_at=meeting.starts_at,
    )
    uid, sequence = checks.event_identity(ics)
    # RFC 8058, except for someone removed from the audience, whose links open nothing.
    assert bool(message["List-Unsubscribe"] and message["List-Unsubscribe-Post"]) is unsubscribe
    link = ""
    if method == "REQUEST":
        # Check 19: the personal link is in both bodies.
        text, html = bodies(message)
        link = RSVP_LINK.search(text).group()
        assert link in html
    return uid, sequence, link


def _post(client, path: str, data: dict, form_page: str):
    token = CSRF_RE.search(client.get(form_page).get_data(as_text=True)).group(1)
    return client.post(path, data={**data, "csrf_token": token})


def _edit_form(meeting: Meeting, **changes: str) -> dict[str, str]:
    start, end = meeting.starts_local, meeting.ends_local
    return {
        "kind": "msp",
        "title": meeting.title,
        "code": meeting.code,
        "status": "scheduled",
        "timezone": "Europe/Zurich",
        "timezone_other": "",
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"),
        "venue": meeting.venue,
        "room": meeting.room,
        "online_url": "",
        "organiser_email": ORGANISER,
        "rsvp_deadline": "2027-08-31",
        "capacity": "",
        "description": "",
        "version": str(meeting.version),
        **changes,
    }


def test_the_fourteenth_msp_from_invitation_to_cancellation(
    smtp_sink, app, client, auth, staff, missions
):
    auth.login(staff.email)
    created = _post(
        client,
        "/meetings/new",
        {
            "kind": "msp",
            "title": "Fourteenth Meeting of States Parties",
            "code": "14MSP",
            "status": "scheduled",
            "timezone": "Europe/Zurich",
            "start_date": "2027-09-14",
            "start_time": "10:00",
            "end_date": "2027-09-17",
            "end_time": "18:00",
            "venue": "Palais des Nations, Geneva",
            "room": "Room XVIII",
            "organiser_email": ORGANISER,
            "rsvp_deadline": "2027-08-31",
        },
        "/meetings/new",
    )
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.code == "14MSP"))
    assert created.headers["Location"] == f"/meetings/{meeting.id}"
    base = f"/meetings/{meeting.id}"

    added = _post(client, f"{base}/audience/missions", {"every": "state_party"}, f"{base}/audience")
    assert added.status_code == 302
    sent = _post(client, f"{base}/send", {}, base)
    assert sent.status_code == 302
    assert "Invitations are on their way to 4 people." in client.get(base).get_data(as_text=True)

    # The mail server stops in the middle of the send: nothing is lost…
    smtp_sink.drop_after = 2
    first = deliver_due()
    assert (first.sent, len(smtp_sink.messages)) == (2, 2)
    smtp_sink.stop()
    deliver_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))
    assert len(smtp_sink.messages) == 2
    smtp_sink.drop_after = None
    smtp_sink.start()
    # …and when it is back, each of the others gets exactly one invitation.
    for minutes in (10, 30, 120):
        deliver_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes))
    invitations = smtp_sink.messages[:]
    assert sorted(m.rcpt_tos[0] for m in invitations) == sorted(STATES_PARTIES)

    links = {}
    for received in invitations:
        uid, sequence, link = check_message(received, "REQUEST", STATES_PARTIES)
        assert (uid, sequence) == (meeting.uid, 0)
        assert received.message["Subject"].startswith(("Invitation", "Invitación"))
        links[received.rcpt_tos[0]] = link
    assert len(set(links.values())) == 4

    # Claire answers by her link: a delegation of three and a request for sponsorship.
    rsvp = links["claire.martin@fra-mission.example"].removeprefix("http://outreach.test")
    answered = _post(
        client,
        rsvp,
        {
            "answer": "attending",
            "delegates-0-name": "Claire Martin",
            "delegates-0-title": "Ambassador",
            "delegates-0-email": "claire.martin@fra-mission.example",
            "delegates-1-name": "Luc Bernard",
            "delegates-1-title": "Counsellor",
            "delegates-2-name": "Inès Petit",
            "delegates-2-title": "Expert, Ministry of Defence",
            "sponsorship_requested": "y",
            "sponsorship_note": "Travel from Paris for one expert.",
        },
        rsvp,
    )
    assert answered.status_code == 302
    claire = db.session.scalar(
        sa.select(Invitation)
        .join(Invitation.contact)
        .where(sa.text("contact.last_name = 'Martin'"))
    )
    assert claire.answer is Answer.ATTENDING and claire.sponsorship is Sponsorship.REQUESTED
    assert [d.name for d in claire.delegates] == ["Claire Martin", "Luc Bernard", "Inès Petit"]
    deliver_due()
    smtp_sink.messages.clear()

    # Moved by a day: every invitee gets "Updated: …", same UID, higher SEQUENCE.
    moved = _post(
        client,
        f"{base}/edit",
        _edit_form(meeting, start_date="2027-09-15", end_date="2027-09-18"),
        f"{base}/edit",
    )
    assert moved.status_code == 302
    assert "Those sent the invitation will receive an update." in client.get(base).get_data(
        as_text=True
    )
    deliver_due()
    updates = smtp_sink.messages[:]
    assert sorted(m.rcpt_tos[0] for m in updates) == sorted(STATES_PARTIES)
    for received in updates:
        uid, sequence, _link = check_message(received, "REQUEST", STATES_PARTIES)
        assert (uid, sequence) == (meeting.uid, 1)
    english = next(m for m in updates if m.rcpt_tos == ["anna.huber@aut-mission.example"])
    assert english.message["Subject"] == (
        "Updated: Fourteenth Meeting of States Parties, 15–18 September 2027"
    )
    smtp_sink.messages.clear()

    # Luc is taken out of the audience: a CANCEL to him alone.
    luc = db.session.scalar(
        sa.select(Invitation)
        .join(Invitation.contact)
        .where(sa.text("contact.last_name = 'Bernard'"))
    )
    removed = _post(
        client, f"{base}/audience/remove", {"invitation_id": luc.id}, f"{base}/audience"
    )
    assert removed.status_code == 302
    deliver_due()
    (cancel,) = smtp_sink.messages
    assert cancel.rcpt_tos == ["luc.bernard@fra-mission.example"]
    uid, sequence, _link = check_message(cancel, "CANCEL", STATES_PARTIES, unsubscribe=False)
    assert (uid, sequence) == (meeting.uid, 2)
    assert "STATUS:CANCELLED" in checks.calendar_part(cancel.message, "CANCEL").decode()
    smtp_sink.messages.clear()

    # Cancelled: a CANCEL to everyone still invited, above the last REQUEST.
    cancelled = _post(
        client,
        f"{base}/cancel",
        {"version": str(db.session.get(Meeting, meeting.id).version)},
        f"{base}/cancel",
    )
    assert cancelled.status_code == 302
    deliver_due()
    cancels = smtp_sink.messages[:]
    remaining = STATES_PARTIES - {"luc.bernard@fra-mission.example"}
    assert sorted(m.rcpt_tos[0] for m in cancels) == sorted(remaining)
    for received in cancels:
        uid, sequence, _link = check_message(received, "CANCEL", STATES_PARTIES)
        assert (uid, sequence) == (meeting.uid, 2)
        assert "STATUS:CANCELLED" in checks.calendar_part(received.message, "CANCEL").decode()
    # Nothing was sent twice, and nothing is left waiting.
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {row.status for row in rows} <= {OutboxStatus.SENT, OutboxStatus.CANCELLED}
