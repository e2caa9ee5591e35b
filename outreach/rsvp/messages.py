"""The confirmation email that follows each recorded answer: queued with the answer, built when
the delivery worker sends it, in the invitee's language, from the meeting's organiser mailbox."""

from __future__ import annotations

from outreach.directory.models import Contact
from outreach.extensions import db
from outreach.invitations.merge import LANGUAGES, language_of, meeting_fields
from outreach.invitations.models import Invitation
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import OutgoingEmail, Recipient, enqueue, new_mailing, renderer, withdraw
from outreach.mail.render import render_bodies
from outreach.rsvp.tokens import personal_url

SUBJECTS = {
    "en": "Your answer: {title}",
    "fr": "Votre réponse : {title}",
    "es": "Su respuesta: {title}",
}
SENDER_NAMES = {
    "en": "CCM Implementation Support Unit",
    "fr": "Unité d'appui à l'application de la CASM",
    "es": "Dependencia de Apoyo a la Implementación de la CMR",
}
KEY_PREFIX = "confirmation:"


def confirmation_address(contact: Contact) -> str | None:
    """Where a confirmation may go: the first address that has not bounced, unless the person
    opted out or was erased."""
    if contact.do_not_email or contact.erased_at is not None:
        return None
    return next((e.address for e in contact.emails if e.bounced_at is None), None)


def enqueue_confirmation(invitation: Invitation) -> OutboxMessage | None:
    """Queue the confirmation of the answer just recorded (no commit); an older confirmation
    still waiting is withdrawn, since it would describe a superseded answer."""
    contact = invitation.contact
    address = confirmation_address(contact)
    if address is None or invitation.answered_at is None:
        return None
    db.session.flush()  # the invitation's id, for the key
    withdraw(
        OutboxMessage.invitation_id == invitation.id,
        OutboxMessage.dedupe_key.startswith(KEY_PREFIX),
        reason="A newer answer replaced this confirmation.",
    )
    meeting = invitation.meeting
    mailing = new_mailing(
        MailPurpose.CONFIRMATION, meeting=meeting, note="Confirmation of an answer"
    )
    recipient = Recipient(
        address=address,
        dedupe_key=f"{KEY_PREFIX}{invitation.id}:{invitation.answered_at.isoformat()}",
        name=contact.display_name,
        language=language_of(contact),
        invitation_id=invitation.id,
        expires_at=meeting.starts_at,
    )
    queued = enqueue(mailing, [recipient])
    return queued[0] if queued else None


@renderer(MailPurpose.CONFIRMATION)
def render_confirmation(message: OutboxMessage) -> OutgoingEmail:
    """The summary of the invitee's answer and delegation, with the link to change it."""
    invitation = message.invitation
    if invitation is None:
        raise LookupError("The invitation this confirmation was for no longer exists.")
    language = message.language if message.language in LANGUAGES else "en"
    meeting = invitation.meeting
    fields = meeting_fields(meeting, language)
    text, html = render_bodies(
        "confirmation",
        language,
        invitation=invitation,
        contact=invitation.contact,
        fields=fields,
        delegates=invitation.delegates,
        answer=invitation.answer.value,
        sponsorship=invitation.sponsorship.value,
        rsvp_link=personal_url(invitation, "rsvp"),
        unsubscribe_link=personal_url(invitation, "unsubscribe"),
        organiser=meeting.organiser_email,
    )
    return OutgoingEmail(
        subject=" ".join(SUBJECTS[language].format(title=meeting.title).split()),
        text=text,
        html=html,
        unsubscribe_url=personal_url(invitation, "unsubscribe"),
        sender=meeting.organiser_email,
        sender_name=SENDER_NAMES[language],
    )
