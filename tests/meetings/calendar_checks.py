"""CALENDAR.md checks on raw calendar bytes, written without the icalendar parser."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage

import vobject

CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
ROLES = {"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"}
# Properties whose values are date-times; each must be UTC, a date, or name a VTIMEZONE.
TIME_PROPERTIES = {
    "DTSTART",
    "DTEND",
    "DTSTAMP",
    "DUE",
    "RECURRENCE-ID",
    "CREATED",
    "LAST-MODIFIED",
    "EXDATE",
    "RDATE",
}


@dataclass
class Line:
    """One unfolded content line: name, parameters (unquoted) and raw value."""

    name: str
    params: dict[str, list[str]]
    value: str


@dataclass
class Component:
    """A BEGIN/END block with its own lines and children."""

    name: str
    lines: list[Line] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Line]:
        """Lines of this component with the given property name."""
        return [line for line in self.lines if line.name == name]

    def one(self, name: str) -> Line:
        """The single line with that name, failing if it is missing or repeated."""
        found = self.all(name)
        assert len(found) == 1, f"{self.name} has {len(found)} {name} lines, expected one"
        return found[0]

    def kids(self, name: str) -> list[Component]:
        """Child components with the given name."""
        return [child for child in self.children if child.name == name]


def check_invitation_file(
    ics: bytes,
    *,
    method: str,
    recipient_email: str,
    organiser_email: str,
    other_recipients: tuple[str, ...] | list[str] = (),
) -> None:
    """Assert checks 5-7 and 9-13 of CALENDAR.md on one invitation file."""
    calendar = _calendar(ics)
    assert calendar.one("METHOD").value == method, "METHOD differs from the expected one"
    event = _one_event(calendar)
    organiser = _mailto(event.one("ORGANIZER"))
    assert organiser == organiser_email.lower(), f"ORGANIZER is {organiser}, not the organiser"
    recipient = recipient_email.lower()
    assert recipient != organiser, "the recipient is the organiser"
    attendee = _attendee(event, recipient)
    assert _param(attendee, "RSVP") == "TRUE", "the recipient is not asked to answer (RSVP)"
    assert _param(attendee, "PARTSTAT") == "NEEDS-ACTION", "PARTSTAT is not NEEDS-ACTION"
    assert _param(attendee, "ROLE") in ROLES, "the attendee has no valid ROLE"
    assert _param(attendee, "CUTYPE") == "INDIVIDUAL", "CUTYPE is not INDIVIDUAL"
    _check_other_recipients(ics, other_recipients)
    _check_common_names(calendar)


def check_feed(ics: bytes) -> None:
    """Assert check 20: a PUBLISH feed without attendees and with refresh hints."""
    calendar = _calendar(ics)
    methods = calendar.all("METHOD")
    assert [line.value for line in methods] in ([], ["PUBLISH"]), "a feed must be PUBLISH"
    refresh = calendar.one("REFRESH-INTERVAL")
    assert refresh.params.get("VALUE") == ["DURATION"], "REFRESH-INTERVAL needs VALUE=DURATION"
    assert refresh.value.startswith("P"), "REFRESH-INTERVAL is not a duration"
    assert calendar.one("X-PUBLISHED-TTL").value.startswith("P"), "X-PUBLISHED-TTL is no duration"
    for event in calendar.kids("VEVENT"):
        _check_event(event, calendar, invitation=False)
    attendees = [line for part in _walk(calendar) for line in part.all("ATTENDEE")]
    assert not attendees, "a feed must not name attendees"


def independent_start(ics: bytes) -> dt.datetime:
    """The UTC start instant as vobject (an independent parser) reads it."""
    calendar = vobject.readOne(ics.decode("utf-8"), validate=True)
    start = calendar.vevent.dtstart.value
    assert isinstance(start, dt.datetime), "DTSTART is not a date-time"
    assert start.tzinfo is not None, "DTSTART is floating"
    return start.astimezone(dt.UTC)


def event_identity(ics: bytes) -> tuple[str, int]:
    """The UID and SEQUENCE of the single VEVENT, for checks 14-17 across sends."""
    event = _one_event(_calendar(ics))
    sequences = event.all("SEQUENCE")
    assert len(sequences) <= 1, "more than one SEQUENCE"
    return event.one("UID").value, int(sequences[0].value) if sequences else 0


def content_lines(ics: bytes) -> list[Line]:
    """Check check 5 (UTF-8, CRLF, 75 octets) and return the unfolded content lines."""
    assert ics.endswith(b"\r\n"), "the file does not end with CRLF"
    physical = ics[:-2].split(b"\r\n")
    logical: list[str] = []
    for number, raw in enumerate(physical, 1):
        assert b"\r" not in raw and b"\n" not in raw, f"line {number}: a bare CR or LF"
        assert len(raw) <= 75, f"line {number} has {len(raw)} octets"
        # Decoding each physical line alone also proves folding never split a character.
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AssertionError(f"line {number} is not whole UTF-8: {error}") from None
        # RFC 5545 allows no control characters but HTAB; Outlook rejects files with them.
        assert not CONTROL.search(text), f"line {number} has a control character"
        if text[:1] in (" ", "\t"):
            assert logical, "the file starts with a continuation line"
            logical[-1] += text[1:]
        else:
            assert text, f"line {number} is empty"
            logical.append(text)
    return [_parse_line(text) for text in logical]


def _calendar(ics: bytes) -> Component:
    """Check check 6 and the times of check 7 and 9; return the VCALENDAR."""
    root = _components(content_lines(ics))
    assert [child.name for child in root.children] == ["VCALENDAR"], "not one VCALENDAR"
    calendar = root.children[0]
    assert calendar.one("VERSION").value == "2.0", "VERSION is not 2.0"
    assert calendar.one("PRODID").value, "PRODID is empty"
    assert len(calendar.all("METHOD")) <= 1, "more than one METHOD"
    return calendar


def _one_event(calendar: Component) -> Component:
    """The single VEVENT of an invitation, with checks 7 and 9."""
    events = calendar.kids("VEVENT")
    assert len(events) == 1, f"{len(events)} VEVENTs, expected one"
    _check_event(events[0], calendar)
    return events[0]


def _check_event(event: Component, calendar: Component, *, invitation: bool = True) -> None:
    """Check 7 (one of each key property, end after start) and 9 (no floating time)."""
    # A feed may list old meetings that never had an organiser mailbox.
    needed = ("UID", "DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY")
    for name in needed if invitation else needed[:3]:
        event.one(name)
    assert event.one("DTSTAMP").value.endswith("Z"), "DTSTAMP is not in UTC"
    zones = {zone.one("TZID").value for zone in calendar.kids("VTIMEZONE")}
    for line in event.lines:
        if line.name in TIME_PROPERTIES:
            _check_time(line, zones)
    start = _instant(event.one("DTSTART"))
    if event.all("DTEND"):
        assert _instant(event.one("DTEND")) > start, "DTEND is not after DTSTART"


def _check_time(line: Line, zones: set[str]) -> None:
    """A time is UTC, a whole date, or in a zone the file defines."""
    if line.params.get("VALUE") == ["DATE"]:
        return
    tzid = line.params.get("TZID")
    for value in line.value.split(","):
        assert re.fullmatch(r"\d{8}T\d{6}Z?", value), f"{line.name}: bad date-time {value!r}"
        if tzid:
            assert tzid[0] in zones, f"{line.name}: TZID {tzid[0]} has no VTIMEZONE"
        else:
            assert value.endswith("Z"), f"{line.name} is a floating time: {value}"


def _instant(line: Line) -> dt.datetime:
    """Read a DTSTART/DTEND value as an aware datetime (IANA TZIDs only)."""
    if line.params.get("VALUE") == ["DATE"]:
        return dt.datetime.strptime(line.value, "%Y%m%d").replace(tzinfo=dt.UTC)
    moment = dt.datetime.strptime(line.value.rstrip("Z"), "%Y%m%dT%H%M%S")
    tzid = line.params.get("TZID")
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(tzid[0]) if tzid else dt.UTC)


def _attendee(event: Component, recipient: str) -> Line:
    """The ATTENDEE line naming the recipient (check 11)."""
    found = [line for line in event.all("ATTENDEE") if _mailto(line) == recipient]
    assert len(found) == 1, f"the recipient is in {len(found)} ATTENDEE lines, expected one"
    return found[0]


def _check_other_recipients(ics: bytes, others: tuple[str, ...] | list[str]) -> None:
    """No other recipient's address appears anywhere (check 12)."""
    unfolded = re.sub(r"\r\n[ \t]", "", ics.decode("utf-8")).lower()
    for other in others:
        pattern = rf"(?<![\w.+-]){re.escape(other.lower())}(?![\w.-])"
        assert not re.search(pattern, unfolded), f"another recipient's address {other} is in it"


def _check_common_names(calendar: Component) -> None:
    """No '"' or '^' inside any CN value (check 13)."""
    for component in _walk(calendar):
        for line in component.lines:
            for name in line.params.get("CN", []):
                assert '"' not in name and "^" not in name, f"{line.name} CN contains {name!r}"


def _param(line: Line, name: str) -> str:
    """The single value of a parameter, upper-cased, or '' when absent."""
    values = line.params.get(name, [])
    assert len(values) <= 1, f"{line.name} has several {name} values"
    return values[0].upper() if values else ""


def _mailto(line: Line) -> str:
    """The address of a mailto: calendar user."""
    assert line.value.lower().startswith("mailto:"), f"{line.name} is not a mailto: address"
    return line.value[len("mailto:") :].lower()


def _walk(component: Component) -> list[Component]:
    """The component and all its descendants."""
    found = [component]
    for child in component.children:
        found.extend(_walk(child))
    return found


def _components(lines: list[Line]) -> Component:
    """Nest lines into components by BEGIN/END, checking that they balance."""
    stack = [Component("")]
    for line in lines:
        if line.name == "BEGIN":
            child = Component(line.value.upper())
            stack[-1].children.append(child)
            stack.append(child)
        elif line.name == "END":
            assert len(stack) > 1 and stack[-1].name == line.value.upper(), "unbalanced END"
            stack.pop()
        else:
            assert len(stack) > 1, f"{line.name} outside any component"
            stack[-1].lines.append(line)
    assert len(stack) == 1, f"{stack[-1].name} is never closed"
    return stack[0]


def _parse_line(text: str) -> Line:
    """Split 'NAME;P=a,"b";Q=c:value' honouring quotes (RFC 5545 section 3.1)."""
    parts: list[str] = []
    current, quoted = "", False
    for index, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ";:":
            parts.append(current)
            current = ""
            if ch == ":":
                return _line(parts, text[index + 1 :])
            continue
        current += ch
    raise AssertionError(f"no value in content line {text!r}")


def _line(parts: list[str], value: str) -> Line:
    """Build a Line from the name, the 'P=v' parts and the value."""
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, raw = part.partition("=")
        assert equals, f"{parts[0]}: parameter without '=': {part!r}"
        params[key.upper()] = _param_values(raw)
    counts = Counter(part.partition("=")[0].upper() for part in parts[1:])
    assert all(count == 1 for count in counts.values()), f"{parts[0]}: repeated parameter"
    return Line(parts[0].upper(), params, value)


def _param_values(raw: str) -> list[str]:
    """Split a parameter's values at commas outside quotes, then drop the wrapping quotes."""
    values, current, quoted = [], "", False
    for ch in raw:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            values.append(current)
            current = ""
        else:
            current += ch
    values.append(current)
    # A stray inner quote stays in the value, so check 13 sees it.
    return [v[1:-1] if len(v) >= 2 and v[0] == v[-1] == '"' else v for v in values]


def calendar_part(message: EmailMessage, method: str) -> bytes:
    """Checks 1-4 on the MIME tree of an email; the calendar file's bytes."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, *attachments = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    children = list(alternative.iter_parts())
    assert [p.get_content_type() for p in children] == ["text/plain", "text/html", "text/calendar"]
    assert [p.get_content_charset() for p in children] == ["utf-8"] * 3
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendars == [children[-1]], "one text/calendar part, the last alternative"
    calendar = children[-1]
    assert calendar.get_param("method") == method
    assert calendar["Content-Transfer-Encoding"] in ("7bit", "8bit", "quoted-printable")
    assert calendar.get("Content-Disposition") is None
    ics = calendar.get_payload(decode=True)
    [copy] = attachments
    assert copy.get_content_type() == "application/ics"
    assert copy.get_param("name") == "invite.ics" and copy.get_filename() == "invite.ics"
    assert copy.get_content_disposition() == "attachment"
    assert copy.get_payload(decode=True) == ics
    return ics


def check_sent_invitation(
    message: EmailMessage,
    *,
    method: str,
    recipient: str,
    organiser: str,
    others: list[str],
    starts_at: dt.datetime,
) -> bytes:
    """Checks 1-13 and 18 on one email from the wire; the calendar file's bytes."""
    ics = calendar_part(message, method)
    check_invitation_file(
        ics,
        method=method,
        recipient_email=recipient,
        organiser_email=organiser,
        other_recipients=others,
    )
    # Check 10: ORGANIZER equals From.
    assert email.utils.parseaddr(message["From"])[1] == organiser
    assert email.utils.parseaddr(message["To"])[1] == recipient
    # Check 8: DTSTAMP within minutes of the Date header.
    stamp = next(line.value for line in content_lines(ics) if line.name == "DTSTAMP")
    sent = email.utils.parsedate_to_datetime(message["Date"])
    stamped = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert abs(sent - stamped) < dt.timedelta(minutes=5)
    # Check 18: an independent parser reads the same start instant as the app.
    assert independent_start(ics) == starts_at
    return ics
