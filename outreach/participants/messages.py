"""The reminder emails, built when the delivery worker sends them: to answer, or the practical
details before the meeting, in the invitee's language, with their personal links."""

from __future__ import annotations

from outreach.invitations.merge import LANGUAGES, merge_fields
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import OutgoingEmail, renderer
from outreach.mail.render import render_bodies
from outreach.participants.services import Variant

SUBJECTS = {
    Variant.UNANSWERED: {
        "en": "Reminder: please answer the invitation to {title}",
        "fr": "Rappel : merci de répondre à l'invitation – {title}",
        "es": "Recordatorio: responda a la invitación – {title}",
    },
    Variant.BEFORE: {
        "en": "{title}: practical details before the meeting",
        "fr": "{title} : informations pratiques avant la réunion",
        "es": "{title}: información práctica antes de la reunión",
    },
}


def subject(variant: Variant, language: str, title: str) -> str:
    """The subject line, on one line whatever the title holds."""
    return " ".join(SUBJECTS[variant][language].format(title=title).split())


@renderer(MailPurpose.REMINDER)
def render_reminder(message: OutboxMessage) -> OutgoingEmail:
    """A reminder to one invitee, in their language, from the meeting's organiser mailbox."""
    invitation = message.invitation
    if invitation is None:
        raise LookupError("The invitation this reminder was for no longer exists.")
    variant = Variant(message.mailing.variant)
    language = message.language if message.language in LANGUAGES else "en"
    meeting = invitation.meeting
    fields = merge_fields(invitation, language)
    text, html = render_bodies(
        f"reminder_{variant.value}",
        language,
        fields=fields,
        delegates=[d.name for d in invitation.delegates],
    )
    return OutgoingEmail(
        subject=subject(variant, language, meeting.title),
        text=text,
        html=html,
        unsubscribe_url=fields["unsubscribe_link"],
        sender=meeting.organiser_email,
    )
