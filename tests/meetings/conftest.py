"""Helpers of the meetings tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from outreach.audit.services import acting_as
from outreach.meetings.models import Meeting
from outreach.meetings.services import MeetingData, create_meeting


def make_meeting(title: str = "Fourteenth Meeting of States Parties", **overrides: Any) -> Meeting:
    """A scheduled meeting in Geneva, 15-18 September 2026, 10:00-18:00 Zurich time."""
    values: dict[str, Any] = {
        "kind": "msp",
        "title": title,
        "starts": dt.datetime(2026, 9, 15, 10, 0),
        "ends": dt.datetime(2026, 9, 18, 18, 0),
        "timezone": "Europe/Zurich",
        "venue": "Palais des Nations, Geneva",
        "room": "Room XVIII",
        "status": "scheduled",
        **overrides,
    }
    with acting_as("test"):
        return create_meeting(MeetingData(**values))


def form_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid meeting form."""
    return {
        "kind": "msp",
        "title": "Fourteenth Meeting of States Parties",
        "code": "14MSP",
        "status": "scheduled",
        "timezone": "Europe/Zurich",
        "timezone_other": "",
        "start_date": "2026-09-15",
        "start_time": "10:00",
        "end_date": "2026-09-18",
        "end_time": "18:00",
        "venue": "Palais des Nations",
        "room": "Room XVIII",
        "online_url": "",
        "organiser_email": "meetings@isu.example",
        "rsvp_deadline": "2026-08-31",
        "capacity": "300",
        "public": "y",
        "description": "",
        **overrides,
    }
