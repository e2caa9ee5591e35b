"""The reminder emails: in the invitee's language, with their personal links, from the meeting's
organiser mailbox, without a calendar part; and as they cross the wire to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from outreach.extensions import db
from outreach.mail.models import MailPurpose
from outreach.mail.outbox import RENDERERS
from outreach.mail.worker import deliver_due
from outreach.participants import services
from outreach.participants.messages import render_reminder
from outreach.participants.services import Variant
from outreach.rsvp.tokens import load_invitation
from tests import factories
from tests.participants.conftest import attending, invite, outbox, sent

DATES = {
    "en": "14–17 September 2027",
    "fr": "14–17 septembre 2027",
    "es": "14–17 de septiembre de 2027",
}
SUBJECTS = {
    (Variant.UNANSWERED, "en"): "Reminder: please answer the invitation to {}",
    (Variant.UNANSWERED, "fr"): "Rappel : merci de répondre à l'invitation – {}",
    (Variant.UNANSWERED, "es"): "Recordatorio: responda a la invitación – {}",
    (Variant.BEFORE, "en"): "{}: practical details before the meeting",
    (Variant.BEFORE, "fr"): "{} : informations pratiques avant la réunion",
    (Variant.BEFORE, "es"): "{}: información práctica antes de la reunión",
}
GREETINGS = {
    "en": "Dear Ms Ana Silva,",
    "fr": "À l'attention de Ms Ana Silva,",
    "es": "Estimado/a Ms Ana Silva:",
}
BUTTONS = {
    (Variant.UNANSWERED, "en"): "Answer the invitation",
    (Variant.UNANSWERED, "fr"): "Répondre à l'invitation",
    (Variant.UNANSWERED, "es"): "Responder a la invitación",
    (Variant.BEFORE, "en"): "See or change my answer",
    (Variant.BEFORE, "fr"): "Voir ou modifier ma réponse",
    (Variant.BEFORE, "es"): "Ver o cambiar mi respuesta",
}


def link_in(text: str, purpose: str) -> str:
    """The personal link of this purpose in a message (on the configured base URL)."""
    match = re.search(rf"http://outreach\.test/{purpose}/[\w.-]+", text)
    assert match, f"no {purpose} link"
    return match.group(0)


def opens(url: str | None, purpose: Any) -> Any:
    """The invitation a personal link opens (tokens carry their time, so links are compared by
    what they open)."""
    assert url is not None
    return load_invitation(url.rsplit("/", 1)[1], purpose)


def reminded(meeting: Any, variant: Variant, **values: Any) -> Any:
    """An invitee waiting for this reminder, and the queued message."""
    wanted = sent() if variant is Variant.UNANSWERED else attending()
    invitation = invite(meeting, "Silva", "Ana", honorific="Ms", **{**wanted, **values})
    services.send_reminders(meeting, variant, [invitation.id])
    (message,) = outbox()
    return invitation, message


def test_the_renderer_is_registered_for_reminders(app):
    assert RENDERERS[MailPurpose.REMINDER] is render_reminder


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("variant", list(Variant))
def test_a_reminder_speaks_the_invitees_language_and_carries_their_links(app, variant, language):
    meeting = factories.make_future_meeting(
        online_url="https://meet.example.org/14msp", rsvp_deadline=None
    )
    invitation, message = reminded(meeting, variant, language=language)
    email = render_reminder(message)
    assert email.subject == SUBJECTS[variant, language].format(meeting.title)
    assert email.sender == "isu@ccm.example"  # the meeting's organiser mailbox
    assert email.calendar is None and email.calendar_method is None
    rsvp = link_in(email.text, "rsvp")
    assert opens(rsvp, "rsvp") is invitation
    assert opens(email.unsubscribe_url, "unsubscribe") is invitation
    for body in (email.text, email.html):
        assert GREETINGS[language] in body
        assert rsvp in body
        assert email.unsubscribe_url in body
        assert DATES[language] in body
        assert "10:00–18:00" in body  # in the meeting's zone
        assert "Palais des Nations, Geneva, Room XVIII" in body
        assert "https://meet.example.org/14msp" in body
    assert f'href="{rsvp}"' in email.html
    assert f'<html lang="{language}">' in email.html
    assert BUTTONS[variant, language] in email.html
    assert "<p>" not in email.text


def test_the_reminder_to_answer_gives_the_date_to_answer_by(app):
    meeting = factories.make_future_meeting(rsvp_deadline=dt.date(2027, 8, 31))
    _invitation, message = reminded(meeting, Variant.UNANSWERED, language="fr")
    email = render_reminder(message)
    assert "d'ici au 31 août 2027" in email.text


def test_the_details_before_the_meeting_name_the_delegation(app):
    meeting = factories.make_future_meeting()
    _invitation, message = reminded(
        meeting,
        Variant.BEFORE,
        delegates=(("Paul Leroy", "Counsellor"), ("Inès Roux", "Legal adviser")),
    )
    email = render_reminder(message)
    assert "Your delegation, as you told us:\n- Paul Leroy\n- Inès Roux\n" in email.text
    assert "<li>Paul Leroy</li><li>Inès Roux</li>" in email.html


def test_i1_markup_in_names_is_text_in_the_html_and_the_subject_stays_on_one_line(app):
    meeting = factories.make_future_meeting()
    meeting.title = "Informal meeting\r\nBcc: everyone@example.org"
    db.session.commit()
    invitation, message = reminded(meeting, Variant.UNANSWERED)
    invitation.contact.first_name = '"><svg onload=alert(1)>'
    db.session.commit()
    email = render_reminder(message)
    assert "\r" not in email.subject and "\n" not in email.subject
    assert email.subject.endswith("Informal meeting Bcc: everyone@example.org")
    assert "<svg" not in email.html
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in email.html
    assert '"><svg onload=alert(1)>' in email.text  # plain text is not HTML


def test_a_reminder_whose_invitation_is_gone_cannot_be_built(app):
    meeting = factories.make_future_meeting()
    _invitation, message = reminded(meeting, Variant.UNANSWERED)
    message.invitation_id = None
    db.session.commit()
    db.session.refresh(message)
    with pytest.raises(LookupError):
        render_reminder(message)


def test_reminders_cross_the_wire_one_per_invitee_without_a_calendar(smtp_sink, app):
    meeting = factories.make_future_meeting()
    first = invite(meeting, "Berg", "Anna", **sent())
    second = invite(meeting, "Petrov", "Boris", language="fr", **sent())
    services.send_reminders(meeting, Variant.UNANSWERED, [first.id, second.id])
    services.send_reminders(meeting, Variant.UNANSWERED, [first.id, second.id])  # replayed
    report = deliver_due()
    assert report.sent == 2
    assert sorted(m.rcpt_tos[0] for m in smtp_sink.messages) == [
        "anna.berg@example.org",
        "boris.petrov@example.org",
    ]
    received = {m.rcpt_tos[0]: m.message for m in smtp_sink.messages}
    french = received["boris.petrov@example.org"]
    assert french["From"].addresses[0].addr_spec == "isu@ccm.example"
    assert french["Subject"].startswith("Rappel : merci de répondre")
    unsubscribe = french["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://outreach.test/unsubscribe/")
    assert opens(unsubscribe.strip("<>"), "unsubscribe") is second
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    types = [part.get_content_type() for part in french.walk()]
    assert "text/plain" in types and "text/html" in types
    assert "text/calendar" not in types
    body = french.get_body(("plain",)).get_content()
    assert opens(link_in(body, "rsvp"), "rsvp") is second
