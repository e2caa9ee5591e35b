"""The confirmation of an answer as it crosses the wire to a real SMTP server: from the
meeting's organiser mailbox, in the invitee's language, with the RFC 8058 opt-out headers and no
calendar part; delivered once."""

from __future__ import annotations

from outreach.mail.worker import deliver_due
from tests.rsvp.conftest import make_invitee, post_answer


def test_the_confirmation_reaches_the_invitee_once(smtp_sink, app, client):
    invitee = make_invitee(language="fr")
    post_answer(
        client,
        invitee.rsvp,
        delegates=[("Jean Martin", "Conseiller", "jean.martin@mission.example")],
        sponsorship_requested="y",
    )
    assert deliver_due().sent == 1
    assert deliver_due().sent == 0
    [received] = smtp_sink.messages
    assert received.rcpt_tos == ["marie.dupont@mission.example"]
    message = received.message
    assert message["Subject"] == "Votre réponse : Fourteenth Meeting of States Parties"
    assert "isu@ccm.example" in message["From"]
    assert message["List-Unsubscribe"].startswith("<http://outreach.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    types = [part.get_content_type() for part in message.walk()]
    assert "text/calendar" not in types and "application/ics" not in types
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Jean Martin" in body and "Conseiller" in body
        assert "http://outreach.test/rsvp/" in body
    assert "Vous participerez" in html
