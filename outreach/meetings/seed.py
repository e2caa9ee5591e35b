"""The Convention's past meetings, loaded once as history from the shipped CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from outreach.extensions import db
from outreach.meetings.models import Meeting, MeetingKind, MeetingStatus
from outreach.meetings.services import default_organiser, new_uid
from outreach.reference.models import State

MEETINGS_CSV = "ccm_meetings.csv"

# The host cities of the shipped meetings and their zones.
CITY_ZONES = {
    "Geneva": "Europe/Zurich",
    "Vientiane": "Asia/Vientiane",
    "Beirut": "Asia/Beirut",
    "Oslo": "Europe/Oslo",
    "Lusaka": "Africa/Lusaka",
    "San José": "America/Costa_Rica",
    "Dubrovnik": "Europe/Zagreb",
    "Lausanne (virtual)": "Europe/Zurich",
}
# The CSV holds days only: history is stored as a working day, 10:00 to 18:00 local time.
DAY_STARTS, DAY_ENDS = dt.time(10), dt.time(18)


def meeting_rows() -> list[dict[str, str]]:
    """The shipped meetings, as text cells."""
    data = resources.files("outreach.reference").joinpath(f"data/{MEETINGS_CSV}")
    return list(csv.DictReader(io.StringIO(data.read_text("utf-8"))))


def _kind(code: str) -> MeetingKind:
    return MeetingKind.REVIEW_CONFERENCE if "RC" in code else MeetingKind.MSP


def _at(day: str, time: dt.time, zone: str) -> dt.datetime | None:
    if not day.strip():
        return None
    local = dt.datetime.combine(dt.date.fromisoformat(day.strip()), time, ZoneInfo(zone))
    return local.astimezone(dt.UTC)


def _meeting(row: dict[str, str], states: dict[str, int]) -> Meeting:
    city = row["city"].strip()
    zone = CITY_ZONES.get(city, "UTC")
    starts = _at(row["start_date"], DAY_STARTS, zone)
    organiser = default_organiser()
    return Meeting(
        kind=_kind(row["code"]),
        code=row["code"].strip(),
        title=row["title"].strip()[:300],
        starts_at=starts,
        ends_at=_at(row["end_date"], DAY_ENDS, zone),
        timezone=zone,
        venue=", ".join(part for part in (city, row["country"].strip()) if part),
        organiser_email=organiser,
        public=True,
        # Without dates a meeting cannot be scheduled: it stays a draft until they are known.
        status=MeetingStatus.SCHEDULED if starts else MeetingStatus.DRAFT,
        uid=new_uid(organiser),
        sequence=0,
        president_state_id=states.get(row["president_state"].strip()),
        source=row["source"].strip(),
    )


def seed_meetings(report: Any = None) -> int:
    """Create the shipped meetings that are missing (by code); returns how many.

    An existing meeting is never touched: staff correct and complete it in Outreach."""
    existing = set(db.session.scalars(sa.select(Meeting.code).where(Meeting.code.is_not(None))))
    states = dict(db.session.execute(sa.select(State.name, State.id)).tuples().all())
    created = 0
    for row in meeting_rows():
        if row["code"].strip() in existing:
            continue
        db.session.add(_meeting(row, states))
        existing.add(row["code"].strip())
        created += 1
    if report is not None and hasattr(report, "meetings_created"):
        report.meetings_created += created
    return created
