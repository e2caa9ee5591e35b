"""What crosses the wire: the MIME tree of CALENDAR.md, the headers, and no header injection
(SECURITY I3), read back from a real SMTP server."""

from __future__ import annotations

import email.policy
import email.utils
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.extensions import db
from outreach.mail.compose import LINE_BREAKS, HeaderInjectionError, compose
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.outbox import OutgoingEmail
from outreach.mail.worker import deliver_due
from outreach.meetings.calendar import Attendee, CalendarEvent, invitation_ics
from tests import factories
from tests.mail.conftest import plain_message, queue_messages, rows
from tests.meetings.calendar_checks import (
    check_sent_invitation,
    event_identity,
)

ORGANISER = "isu@ccm.example"
UNSUBSCRIBE = "http://outreach.test/unsubscribe/a-personal-token"


def invitation_renderer(meeting: Any, method: str = "REQUEST") -> Any:
    """A stand-in for the invitation renderers: the meeting's calendar file for the recipient."""
    event = CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.venue,
        organiser_name="CCM Implementation Support Unit",
        organiser_email=meeting.organiser_email,
    )

    def render(message: OutboxMessage) -> OutgoingEmail:
        ics = invitation_ics(event, Attendee(message.to_name, message.to_address), method=method)
        return OutgoingEmail(
            subject=f"Invitation: {event.summary}",
            text=f"Dear {message.to_name}, you are invited.",
            html=f"<p>Dear {message.to_name}, you are invited.</p>",
            calendar=ics,
            calendar_method=method,
            unsubscribe_url=UNSUBSCRIBE,
            sender=event.organiser_email,
            sender_name="CCM Implementation Support Unit",
            reply_to="meetings@ccm.example",
        )

    return render


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_an_invitation_on_the_wire_passes_the_calendar_checks(smtp_sink, app, use_renderer, method):
    meeting = factories.make_future_meeting()
    use_renderer(invitation_renderer(meeting, method))
    ids = queue_messages(3)

    assert deliver_due().sent == 3

    everyone = {f"guest{i}@mission.example" for i in range(3)}
    for received in smtp_sink.messages:
        message = received.message
        [recipient] = received.rcpt_tos
        ics = check_sent_invitation(
            message,
            method=method,
            recipient=recipient,
            organiser=ORGANISER,
            others=sorted(everyone - {recipient}),
            starts_at=meeting.starts_at,
        )
        assert event_identity(ics)[0] == meeting.uid
    assert {row.status for row in rows(ids)} == {OutboxStatus.SENT}


def test_an_invitation_carries_every_header_a_client_and_a_mail_provider_expect(
    smtp_sink, app, use_renderer
):
    meeting = factories.make_future_meeting()
    use_renderer(invitation_renderer(meeting))
    [message_id] = queue_messages(1)
    deliver_due()

    message = smtp_sink.messages[0].message
    [row] = rows([message_id])
    assert message["Message-ID"] == row.message_id
    assert row.message_id.endswith("@outreach.test>")  # our own domain
    assert message["From"].addresses[0].display_name == "CCM Implementation Support Unit"
    assert message["From"].addresses[0].addr_spec == ORGANISER
    assert message["To"].addresses[0].display_name == "Guest 0"
    assert message["To"].addresses[0].addr_spec == "guest0@mission.example"
    assert message["Subject"] == "Invitation: Fourteenth Meeting of States Parties"
    assert message["Reply-To"] == "meetings@ccm.example"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] is None  # only the digest is automatic
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    # The envelope's sender is the configured system mailbox, where bounces belong.
    assert smtp_sink.messages[0].mail_from == "outreach@isu.example"


def test_a_message_without_calendar_is_text_and_html_only(smtp_sink, app):
    queue_messages(1)
    deliver_due()

    message = smtp_sink.messages[0].message
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html"]
    assert message["List-Unsubscribe"] is None
    assert message["From"].addresses[0].addr_spec == "outreach@isu.example"
    text = message.get_body(("plain",)).get_content()
    assert "a-secret-personal-token" in text


def test_names_and_subjects_in_any_script_arrive_intact(smtp_sink, app, use_renderer):
    def render(message: OutboxMessage) -> OutgoingEmail:
        email = plain_message(message)
        return OutgoingEmail(
            subject="Réunion des États parties — Заседание 会议",
            text="Ceci est un message. Édition 2027.",
            html="<p>Ceci est un message.</p>",
            sender="isu@ccm.example",
            sender_name="Unité d’appui, Genève",
            unsubscribe_url=email.unsubscribe_url,
        )

    use_renderer(render)
    [message_id] = queue_messages(1)
    db.session.get_one(OutboxMessage, message_id).to_name = 'Zoë "Ana" Ng, Jr.'
    db.session.commit()

    deliver_due()

    message = smtp_sink.messages[0].message
    assert message["Subject"] == "Réunion des États parties — Заседание 会议"
    assert message["To"].addresses[0].display_name == 'Zoë "Ana" Ng, Jr.'
    assert message["From"].addresses[0].display_name == "Unité d’appui, Genève"
    assert message.get_body(("plain",)).get_content().startswith("Ceci est un message. Édition")
    assert all(byte < 128 for byte in smtp_sink.messages[0].data), "7-bit on the wire"


INJECTIONS = {
    "subject": {"subject": "Hello\r\nBcc: victim@evil.example"},
    "sender's name": {"sender": ORGANISER, "sender_name": "ISU\nBcc: victim@evil.example"},
    "reply-to address": {"reply_to": "meetings@ccm.example\r\nBcc: victim@evil.example"},
    "unsubscribe link": {"unsubscribe_url": "http://outreach.test/u\nBcc: victim@evil.example"},
    "subject (unicode line separator)": {"subject": "Hello\u2028Bcc: victim@evil.example"},
}


@pytest.mark.parametrize("field", sorted(INJECTIONS))
def test_i3_a_line_break_in_any_header_fails_the_message_and_sends_nothing(
    smtp_sink, app, use_renderer, field
):
    def render(message: OutboxMessage) -> OutgoingEmail:
        values = {"subject": "Hello", "text": "Body", "html": "<p>Body</p>"}
        return OutgoingEmail(**{**values, **INJECTIONS[field]})

    use_renderer(render)
    [message_id] = queue_messages(1)

    report = deliver_due()

    assert report.failed == 1 and report.sent == 0
    [row] = rows([message_id])
    assert row.status == OutboxStatus.FAILED
    assert "contains a line break; nothing was sent" in row.last_error
    assert smtp_sink.messages == []


def test_i3_a_line_break_in_the_recipient_s_name_fails_the_message(smtp_sink, app):
    ids = queue_messages(2)
    db.session.get_one(OutboxMessage, ids[0]).to_name = "Eve\r\nBcc: victim@evil.example"
    db.session.commit()

    report = deliver_due()

    assert (report.failed, report.sent) == (1, 1)
    assert rows(ids)[0].last_error == (
        "The message could not be built: The recipient's name contains a line break; "
        "nothing was sent."
    )
    assert [m.rcpt_tos for m in smtp_sink.messages] == [["guest1@mission.example"]]
    assert b"victim@evil.example" not in smtp_sink.messages[0].data


def _transient_row() -> OutboxMessage:
    """A row that is never saved: compose needs nothing from the database."""
    return OutboxMessage(
        id=1,
        mailing=Mailing(purpose=MailPurpose.TEST),
        to_address="guest@mission.example",
        to_name="Guest",
        message_id="<1@outreach.test>",
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_i3_no_subject_can_add_a_header(app, subject):
    rendered = OutgoingEmail(subject=subject, text="Body", html="<p>Body</p>")
    row = _transient_row()
    if any(ch in LINE_BREAKS for ch in subject):
        with pytest.raises(HeaderInjectionError):
            compose(row, rendered)
        return
    wire = compose(row, rendered)
    message = email.message_from_bytes(wire.data, policy=email.policy.default)
    assert sorted(message.keys()) == sorted(
        ["Content-Type", "MIME-Version", "From", "To", "Date", "Message-ID"]
        + (["Subject"] if subject else [])
    )
