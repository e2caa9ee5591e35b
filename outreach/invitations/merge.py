"""Merge fields of messages to invitees: names, meeting, dates in the meeting's zone, links."""

from __future__ import annotations

from babel.dates import format_date, format_time, get_timezone_name

from outreach.directory.models import Contact
from outreach.invitations.models import Invitation
from outreach.meetings.models import Meeting
from outreach.rsvp.tokens import personal_url

# Messages exist in these languages; anyone else reads English.
LANGUAGES = ("en", "fr", "es")

FIELD_HELP = {
    "honorific": "Excellency, Ms, Mr, Dr… as recorded on the contact",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "First and last name",
    "display_name": "Honorific, first and last name",
    "meeting_title": "The meeting's title",
    "meeting_code": "The meeting's code, e.g. 14MSP",
    "dates": "The dates in the meeting's zone, e.g. 14–17 September 2026",
    "times": "Start and end times with the zone, e.g. 10:00–18:00 (Central European Time)",
    "venue": "Venue and room",
    "online_link": "The link to join online, if any",
    "rsvp_deadline": "The date to answer by, if any",
    "rsvp_link": "The invitee's personal link to answer",
    "unsubscribe_link": "The invitee's personal link to stop receiving emails",
    "delegation": "The State whose delegation they are invited for, if any",
}


def language_of(contact: Contact) -> str:
    """The contact's preferred language if messages exist in it, else English."""
    return contact.preferred_language if contact.preferred_language in LANGUAGES else "en"


def _locale(language: str) -> str:
    # The ISU writes British English: day before month.
    return "en_GB" if language == "en" else language


def meeting_dates(meeting: Meeting, language: str) -> str:
    """The meeting's dates in its own zone, written for the language ("" if undated)."""
    start, end = meeting.starts_local, meeting.ends_local
    if start is None or end is None:
        return ""
    locale = _locale(language)
    first, last = start.date(), end.date()
    if first == last:
        return format_date(first, "long", locale=locale)
    if (first.year, first.month) == (last.year, last.month):
        # "14–17 September 2027", "14–17 septembre 2027", "14–17 de septiembre de 2027"
        return f"{first.day}–{format_date(last, 'long', locale=locale)}"
    return (
        f"{format_date(first, 'long', locale=locale)} – {format_date(last, 'long', locale=locale)}"
    )


def meeting_times(meeting: Meeting, language: str) -> str:
    """Daily start and end times with the zone's name, e.g. "10:00–18:00 (Central European…)"."""
    start, end = meeting.starts_local, meeting.ends_local
    if start is None or end is None:
        return ""
    locale = _locale(language)
    zone = get_timezone_name(start, locale=locale)
    begin = format_time(start, "short", locale=locale)
    finish = format_time(end, "short", locale=locale)
    return f"{begin}–{finish} ({zone})"


def meeting_fields(meeting: Meeting, language: str) -> dict[str, str]:
    """The fields that depend only on the meeting."""
    venue = ", ".join(part for part in (meeting.venue, meeting.room) if part)
    deadline = (
        format_date(meeting.rsvp_deadline, "long", locale=_locale(language))
        if meeting.rsvp_deadline
        else ""
    )
    return {
        "meeting_title": meeting.title,
        "meeting_code": meeting.code or "",
        "dates": meeting_dates(meeting, language),
        "times": meeting_times(meeting, language),
        "venue": venue,
        "online_link": meeting.online_url or "",
        "rsvp_deadline": deadline,
    }


def merge_fields(invitation: Invitation, language: str | None = None) -> dict[str, str]:
    """Every merge field for one invitee, with their personal links."""
    contact = invitation.contact
    language = language or language_of(contact)
    state = invitation.delegation_state
    return {
        "honorific": contact.honorific,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "display_name": contact.display_name,
        **meeting_fields(invitation.meeting, language),
        "rsvp_link": personal_url(invitation, "rsvp"),
        "unsubscribe_link": personal_url(invitation, "unsubscribe"),
        "delegation": state.name if state is not None else "",
    }
