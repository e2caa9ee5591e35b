"""Unsubscribing through the link in an email: the page asks first; its form or a mail client's
RFC 8058 one-click POST stops every email, with the reason on the contact, audited."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.db import utcnow
from outreach.extensions import db
from outreach.mail.models import MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.outbox import Recipient, enqueue, new_mailing
from outreach.rsvp.tokens import make_token
from tests.rsvp.conftest import csrf_of, fresh, make_invitee

REASON = (
    "Unsubscribed through the link in the invitation to "
    "14MSP — Fourteenth Meeting of States Parties"
)


def queue_reminder(invitee) -> OutboxMessage:
    mailing = new_mailing(MailPurpose.REMINDER, meeting=invitee.meeting, variant="unanswered")
    [message] = enqueue(
        mailing,
        [
            Recipient(
                invitee.contact.emails[0].address,
                f"reminder:{invitee.invitation.id}:unanswered:2026-11-28",
                invitation_id=invitee.invitation.id,
            )
        ],
    )
    db.session.commit()
    return message


def contact_updates(contact_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.record_type == "Contact",
                AuditEvent.record_id == str(contact_id),
                AuditEvent.action == "update",
            )
        )
    )


def test_the_page_asks_before_anything_changes(client, invitee):
    response = client.get(invitee.unsubscribe)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Do you want to stop receiving emails from the Implementation Support Unit" in page
    assert "Yes, stop sending me emails" in page
    assert fresh(invitee.invitation).contact.do_not_email is False


def test_confirming_on_the_page_stops_emails_with_the_reason_audited(client, invitee):
    reminder = queue_reminder(invitee)
    token = csrf_of(client, invitee.unsubscribe)
    response = client.post(invitee.unsubscribe, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == invitee.unsubscribe
    contact = fresh(invitee.invitation).contact
    assert contact.do_not_email is True
    assert contact.do_not_email_since == utcnow().date()
    assert contact.do_not_email_reason == REASON
    [event] = contact_updates(contact.id)
    assert event.after["do_not_email"] is True
    assert event.actor_label == "anonymous" and event.ip == "127.0.0.1"
    # What was still waiting to go to them is withdrawn.
    assert db.session.get(OutboxMessage, reminder.id).status is OutboxStatus.CANCELLED
    page = client.get(invitee.unsubscribe).get_data(as_text=True)
    assert "You will receive no more emails from the ISU" in page
    assert 'href="mailto:isu@ccm.example"' in page
    assert "Yes, stop sending me emails" not in page


def test_the_rfc_8058_one_click_post_needs_no_csrf_token(client, invitee):
    response = client.post(
        invitee.unsubscribe,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "You will receive no more emails from the ISU" in response.get_data(as_text=True)
    assert fresh(invitee.invitation).contact.do_not_email is True
    assert len(contact_updates(invitee.contact.id)) == 1
    # A second click changes nothing more.
    client.post(invitee.unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert len(contact_updates(invitee.contact.id)) == 1


def test_another_body_without_a_csrf_token_is_refused(client, invitee):
    for body in ({"List-Unsubscribe": "one-click"}, {"List-Unsubscribe": ""}, {"x": "One-Click"}):
        assert client.post(invitee.unsubscribe, data=body).status_code == 400
    assert fresh(invitee.invitation).contact.do_not_email is False


def test_the_link_still_works_after_the_meeting_is_cancelled(client, invitee):
    from outreach.audit.services import acting_as
    from outreach.meetings.services import cancel_meeting

    with acting_as("test"):
        cancel_meeting(invitee.meeting)
    assert client.get(invitee.unsubscribe).status_code == 200


def test_in_french_and_spanish(client, app):
    french = make_invitee(language="fr")
    page = client.get(french.unsubscribe).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Souhaitez-vous ne plus recevoir de courriels" in page
    client.post(french.unsubscribe, data={"List-Unsubscribe": "One-Click"})
    page = client.get(french.unsubscribe).get_data(as_text=True)
    assert "Vous ne recevrez plus de courriels de l&#39;ISU" in page
    spanish = make_invitee(
        french.meeting, "García", "Lucía", "lucia.garcia@mision.example", language="es"
    )
    page = client.get(f"/unsubscribe/{make_token(spanish.invitation, 'unsubscribe')}").get_data(
        as_text=True
    )
    assert '<html lang="es">' in page
    assert "¿Desea dejar de recibir correos" in page
