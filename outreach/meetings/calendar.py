"""iCalendar files for invitations, cancellations, downloads and feeds (RFC 5545, 5546, 6047)."""

from __future__ import annotations

import datetime as dt
import email.charset
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from email.mime.text import MIMEText

from icalendar import Calendar, Event, vCalAddress, vDuration

PRODID = "-//CCM ISU//Outreach//EN"
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
INVITATION_METHODS = ("REQUEST", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
# Clients poll slowly anyway; one hour is the hint Outlook and Apple honour.
REFRESH = dt.timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as calendars see it; times are aware, in any zone."""

    uid: str
    sequence: int
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str = ""
    description: str = ""
    url: str = ""
    organiser_name: str = ""
    organiser_email: str = ""
    status: str = "CONFIRMED"


@dataclass(frozen=True)
class Attendee:
    """The one recipient named in an invitation file."""

    name: str
    email: str


def invitation_ics(
    event: CalendarEvent,
    attendee: Attendee,
    *,
    method: str = "REQUEST",
    stamp: dt.datetime | None = None,
) -> bytes:
    """Build the iTIP REQUEST or CANCEL file sent to one attendee."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"method must be one of {', '.join(INVITATION_METHODS)}")
    if not event.organiser_email:
        raise ValueError("an invitation needs an organiser mailbox")
    recipient = _address(attendee.email)
    if recipient.lower() == _address(event.organiser_email).lower():
        # Outlook treats such a file as the organiser's own copy and offers no answer.
        raise ValueError("the attendee cannot be the organiser")
    # METHOD:REQUEST with STATUS:CANCELLED leaves the event in calendars; a CANCEL must say both.
    status = "CANCELLED" if method == "CANCEL" else event.status
    vevent = _vevent(event, stamp, status=status)
    vevent.add("attendee", _attendee(attendee.name, recipient))
    return _calendar(method, [vevent]).to_ical()


def feed_ics(
    events: Iterable[CalendarEvent], *, name: str, stamp: dt.datetime | None = None
) -> bytes:
    """Build a subscribable PUBLISH feed without attendees."""
    cal = _calendar("PUBLISH", [_vevent(event, stamp) for event in events])
    cal.add("x-wr-calname", _clean_text(name))
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    return cal.to_ical()


def download_ics(event: CalendarEvent, *, stamp: dt.datetime | None = None) -> bytes:
    """Build the single-event PUBLISH file behind "Add to my calendar"."""
    return _calendar("PUBLISH", [_vevent(event, stamp)]).to_ical()


def calendar_mime_part(ics: bytes, method: str) -> MIMEText:
    """Wrap a file as the text/calendar part of an invitation email (iMIP)."""
    method = method.upper()
    # Clients that see method= differ from METHOD drop the invitation as unsupported.
    if f"\r\nMETHOD:{method}\r\n".encode() not in ics:
        raise ValueError(f"the file's METHOD is not {method}")
    charset = email.charset.Charset("utf-8")
    # Outlook ignores base64 calendar parts; quoted-printable also survives 7-bit relays.
    charset.body_encoding = email.charset.QP
    part = MIMEText(ics.decode("utf-8"), "calendar", charset)
    part.set_param("method", method)
    return part


def _calendar(method: str, vevents: list[Event]) -> Calendar:
    """Wrap events in a VCALENDAR with the headers every client expects."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    for vevent in vevents:
        cal.add_component(vevent)
    return cal


def _vevent(event: CalendarEvent, stamp: dt.datetime | None, *, status: str = "") -> Event:
    """Turn an event into a VEVENT with every time in UTC."""
    _check_event(event)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(stamp or dt.datetime.now(dt.UTC), "stamp"))
    # UTC avoids VTIMEZONE blocks, which Outlook misreads unless written in its own style.
    vevent.add("dtstart", _utc(event.starts_at, "start"))
    vevent.add("dtend", _utc(event.ends_at, "end"))
    vevent.add("sequence", event.sequence)
    vevent.add("status", status or event.status)
    vevent.add("summary", _clean_text(event.summary))
    for key, value in (
        ("location", event.location),
        ("description", event.description),
        ("url", event.url),
    ):
        if value:
            vevent.add(key, _clean_text(value))
    if event.organiser_email:
        vevent.add("organizer", _organizer(event.organiser_name, event.organiser_email))
    return vevent


def _check_event(event: CalendarEvent) -> None:
    """Refuse an event that no calendar could show correctly."""
    if not event.uid.strip() or not event.uid.isprintable():
        raise ValueError("the UID must be a non-empty single line")
    if event.sequence < 0:
        raise ValueError("the sequence cannot be negative")
    if event.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if _utc(event.ends_at, "end") <= _utc(event.starts_at, "start"):
        raise ValueError("the end must be after the start")


def _utc(moment: dt.datetime, what: str) -> dt.datetime:
    """Convert to UTC, refusing naive times, which would become floating."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the {what} time needs a time zone")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _attendee(name: str, address: str) -> vCalAddress:
    """The recipient, asked for an answer (what makes Gmail show Yes/No/Maybe)."""
    attendee = vCalAddress(f"mailto:{address}")
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "TRUE"
    _set_common_name(attendee, name)
    return attendee


def _organizer(name: str, address: str) -> vCalAddress:
    """The organiser mailbox, which receives calendar-client replies."""
    organizer = vCalAddress(f"mailto:{_address(address)}")
    _set_common_name(organizer, name)
    return organizer


def _set_common_name(address: vCalAddress, name: str) -> None:
    """Add CN without quotes or carets: Outlook does not decode RFC 6868 escapes."""
    cleaned = " ".join(_clean_text(name).replace('"', "").replace("^", "").split())
    if cleaned:
        address.params["CN"] = cleaned


def _address(value: str) -> str:
    """Return a bare email address, refusing anything that could break a content line."""
    address = value.strip()
    local, at, domain = address.partition("@")
    unsafe = any(ch.isspace() or ch in '"<>:;,' or ord(ch) < 32 for ch in address)
    if not (local and at and domain) or "@" in domain or unsafe:
        raise ValueError(f"not a usable email address: {value!r}")
    return address


def _clean_text(value: str) -> str:
    """Keep line feeds but drop control and separator characters that parsers split on."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in value
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp")
    )
