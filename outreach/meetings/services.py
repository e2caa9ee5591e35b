"""Use cases of meetings: validate, create, change (moving the sequence on), cancel, find."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, paginate
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.meetings.models import DEFAULT_TIMEZONE, Meeting, MeetingKind, MeetingStatus
from outreach.organisations.services import check_website, normalise_email

# What a calendar must hear about again: a REQUEST with a higher SEQUENCE goes to every invitee.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue", "room", "online_url")
MOVED, CANCELLED = "moved", "cancelled"
# Called with (meeting, MOVED or CANCELLED) inside the transaction of the change, before its
# commit, so the messages that tell invitees are queued with it or not at all. The invitations
# feature adds its function (outreach/invitations/sending.py); meetings import nothing of it.
CALENDAR_HOOKS: list[Callable[[Meeting, str], None]] = []


def _tell_calendars(meeting: Meeting, change: str) -> None:
    # No autoflush: a stale meeting must fail in commit_or_conflict, as a conflict.
    with db.session.no_autoflush:
        for hook in CALENDAR_HOOKS:
            hook(meeting, change)


@dataclass
class MeetingData:
    """The editable values of a meeting. Naive start and end are read in `timezone`; aware ones
    (from the API) are kept as the instant they name."""

    kind: str
    title: str
    code: str = ""
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    timezone: str = DEFAULT_TIMEZONE
    venue: str = ""
    room: str = ""
    online_url: str = ""
    description: str = ""
    organiser_email: str = ""
    rsvp_deadline: dt.date | None = None
    capacity: int | None = None
    public: bool = False
    status: str = MeetingStatus.SCHEDULED.value


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone of this name; raises ValueError with a message for people."""
    name = name.strip()
    if not name or "\x00" in name or name not in available_timezones():
        raise ValueError(f"{name[:64]!r} is not a time zone name; use one such as Europe/Zurich.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name[:64]!r} is not a known time zone.") from error


def _instant(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time in `zone`; a time skipped by the clocks is refused."""
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    aware = value.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if back != value:
        raise ValueError("This time does not exist in the meeting's zone (the clocks change).")
    return aware.astimezone(dt.UTC)


def _refuse_nul(data: MeetingData) -> None:
    errors = {
        name: "Remove the invisible NUL character from this value."
        for name, value in vars(data).items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


def _times(data: MeetingData, zone: ZoneInfo | None, errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {"starts_at": None, "ends_at": None}
    if zone is None:
        return values
    for name, value in (("starts_at", data.starts), ("ends_at", data.ends)):
        if value is not None:
            try:
                values[name] = _instant(value, zone)
            except ValueError as error:
                errors[name] = str(error)
    if (data.starts is None) != (data.ends is None):
        errors["ends_at" if data.ends is None else "starts_at"] = "Enter both start and end."
    start, end = values["starts_at"], values["ends_at"]
    if start and end and end <= start:
        errors["ends_at"] = "The end must be after the start."
    return values


def _choices(data: MeetingData, errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    try:
        values["kind"] = MeetingKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose what kind of meeting this is."
    try:
        values["status"] = MeetingStatus(data.status)
    except ValueError:
        errors["status"] = "Choose draft or scheduled."
    return values


def clean(data: MeetingData) -> dict[str, Any]:
    """Checked values ready to store; raises ValidationError with a message per field."""
    _refuse_nul(data)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": " ".join(data.title.split())[:300],
        "code": " ".join(data.code.split())[:30] or None,
        "venue": data.venue.strip()[:300],
        "room": data.room.strip()[:120],
        "description": data.description.strip(),
        "rsvp_deadline": data.rsvp_deadline,
        "public": bool(data.public),
        "online_url": None,
        **_choices(data, errors),
    }
    if not values["title"]:
        errors["title"] = "Enter the meeting's title."
    zone = None
    try:
        zone = zone_named(data.timezone)
        values["timezone"] = data.timezone.strip()
    except ValueError as error:
        errors["timezone"] = str(error)
    values.update(_times(data, zone, errors))
    if values.get("status") == MeetingStatus.SCHEDULED and values["starts_at"] is None:
        errors.setdefault("starts_at", "A scheduled meeting needs its dates; or keep a draft.")
    if data.capacity is not None and not 1 <= data.capacity <= 100_000:
        errors["capacity"] = "Enter a number of seats from 1 to 100000, or leave it empty."
    values["capacity"] = data.capacity
    if data.online_url.strip():
        try:
            values["online_url"] = check_website(data.online_url)[:500]
        except ValueError as error:
            errors["online_url"] = str(error)
    try:
        sender = data.organiser_email.strip() or default_organiser()
        values["organiser_email"] = normalise_email(sender)
    except ValueError as error:
        errors["organiser_email"] = str(error)
    if errors:
        raise ValidationError(errors)
    return values


def default_organiser() -> str:
    """The configured sender mailbox (its address only)."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, tuple):
        sender = sender[1]
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


def new_uid(organiser: str = "") -> str:
    """A stable iCalendar UID: random, on the domain of the base URL (else the organiser's)."""
    host = urlsplit(current_app.config.get("OUTREACH_BASE_URL", "")).hostname
    domain = host or (organiser or default_organiser()).rpartition("@")[2] or "outreach.invalid"
    return f"meeting-{uuid.uuid4()}@{domain}"


def _code_taken(code: str | None, meeting_id: int | None) -> bool:
    if not code:
        return False
    query = sa.select(Meeting.id).where(sa.func.lower(Meeting.code) == code.lower())
    if meeting_id is not None:
        query = query.where(Meeting.id != meeting_id)
    return db.session.scalar(query.limit(1)) is not None


def _checked(data: MeetingData, meeting_id: int | None) -> dict[str, Any]:
    values = clean(data)
    if _code_taken(values["code"], meeting_id):
        raise ValidationError({"code": f"Another meeting has the code {values['code']}."})
    return values


def create_meeting(data: MeetingData) -> Meeting:
    """Create a meeting, with its UID for calendars."""
    values = _checked(data, None)
    meeting = Meeting(**values, uid=new_uid(values["organiser_email"]), sequence=0)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def calendar_changed(meeting: Meeting, values: dict[str, Any]) -> bool:
    """Whether the time, place or online link changes."""
    return any(getattr(meeting, name) != values[name] for name in CALENDAR_FIELDS)


def update_meeting(meeting: Meeting, data: MeetingData, expected_version: int | None) -> Meeting:
    """Save changes unless someone saved the meeting since `expected_version`; a scheduled
    meeting whose time, place or online link changes gets a higher sequence."""
    check_version(meeting, expected_version)
    values = _checked(data, meeting.id)
    moved = False
    if meeting.status == MeetingStatus.CANCELLED:
        values["status"] = MeetingStatus.CANCELLED  # cancelling is final; copy it to re-plan
    elif meeting.status == MeetingStatus.SCHEDULED and calendar_changed(meeting, values):
        meeting.sequence += 1
        moved = True
    for name, value in values.items():
        setattr(meeting, name, value)
    if moved:
        _tell_calendars(meeting, MOVED)
    commit_or_conflict(meeting, expected_version)
    return meeting


def cancel_meeting(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Cancel a meeting: calendars will hear of it with a higher sequence."""
    check_version(meeting, expected_version)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "This meeting is cancelled already."})
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    _tell_calendars(meeting, CANCELLED)
    commit_or_conflict(meeting, expected_version)
    return meeting


def get_meeting(meeting_id: int) -> Meeting | None:
    """One meeting with its presiding State."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.president_state))
    )


def data_of(meeting: Meeting) -> MeetingData:
    """The meeting's current values (times as wall-clock in its zone)."""
    start, end = meeting.starts_local, meeting.ends_local
    return MeetingData(
        kind=meeting.kind.value,
        title=meeting.title,
        code=meeting.code or "",
        starts=start.replace(tzinfo=None) if start else None,
        ends=end.replace(tzinfo=None) if end else None,
        timezone=meeting.timezone,
        venue=meeting.venue,
        room=meeting.room,
        online_url=meeting.online_url or "",
        description=meeting.description,
        organiser_email=meeting.organiser_email,
        rsvp_deadline=meeting.rsvp_deadline,
        capacity=meeting.capacity,
        public=meeting.public,
        status=meeting.status.value,
    )


# --- Finding meetings --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilters:
    """What the meetings list is narrowed to."""

    kind: MeetingKind | None = None
    year: int | None = None


def _filtered(filters: MeetingFilters) -> sa.Select[tuple[Meeting]]:
    query = sa.select(Meeting).options(selectinload(Meeting.president_state))
    if filters.kind is not None:
        query = query.where(Meeting.kind == filters.kind)
    if filters.year is not None:
        first = dt.datetime(filters.year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
        last = dt.datetime(filters.year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
        # A day's margin each side: the year is read in each meeting's own zone below.
        query = query.where(Meeting.starts_at >= first, Meeting.starts_at < last)
    return query


def _in_year(meeting: Meeting, year: int | None) -> bool:
    return year is None or (meeting.starts_local is not None and meeting.starts_local.year == year)


def upcoming_and_past(filters: MeetingFilters) -> tuple[list[Meeting], list[Meeting]]:
    """Meetings not yet ended (soonest first, undated drafts last), and past ones (newest first)."""
    now = utcnow()
    query = _filtered(filters)
    upcoming = db.session.scalars(
        query.where(sa.or_(Meeting.ends_at.is_(None), Meeting.ends_at >= now)).order_by(
            Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id
        )
    )
    past = db.session.scalars(
        query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return (
        [m for m in upcoming if _in_year(m, filters.year)],
        [m for m in past if _in_year(m, filters.year)],
    )


def find_meetings(filters: MeetingFilters, page: int, per_page: int) -> Page:
    """One page of meetings, newest start first (undated drafts first: they are being planned)."""
    query = _filtered(filters).order_by(
        Meeting.starts_at.is_not(None), Meeting.starts_at.desc(), Meeting.id.desc()
    )
    return paginate(query, page, per_page)


def meeting_years() -> list[int]:
    """The years meetings start in (UTC year; good enough for a filter), newest first."""
    starts = db.session.scalars(sa.select(Meeting.starts_at).where(Meeting.starts_at.is_not(None)))
    return sorted({s.year for s in starts}, reverse=True)
