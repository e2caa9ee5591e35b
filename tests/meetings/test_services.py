"""Meeting rules: times in a real zone, end after start, the sequence moving on only when a
calendar must hear of the change."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.directory.errors import ConflictError, ValidationError
from outreach.meetings.models import MeetingStatus
from outreach.meetings.services import cancel_meeting, data_of, update_meeting
from tests.meetings.conftest import make_meeting


def test_times_are_read_in_the_meeting_zone_and_stored_in_utc(app):
    meeting = make_meeting()

    assert meeting.starts_at == dt.datetime(2026, 9, 15, 8, 0, tzinfo=dt.UTC)
    assert meeting.starts_local.hour == 10
    assert meeting.uid.startswith("meeting-")
    assert meeting.sequence == 0
    assert meeting.organiser_email == app.config["MAIL_DEFAULT_SENDER"]


@pytest.mark.parametrize(
    ("changes", "moves"),
    [
        ({"starts": dt.datetime(2026, 9, 16, 10, 0)}, True),
        ({"ends": dt.datetime(2026, 9, 19, 18, 0)}, True),
        ({"venue": "CICG, Geneva"}, True),
        ({"room": "Room XIX"}, True),
        ({"online_url": "https://meet.example/14msp"}, True),
        ({"title": "14th Meeting of States Parties"}, False),
        ({"description": "Agenda to follow."}, False),
        ({"capacity": 250}, False),
        ({"public": True}, False),
    ],
)
def test_the_sequence_moves_on_only_for_time_place_or_link(app, changes, moves):
    meeting = make_meeting()
    data = data_of(meeting)
    for name, value in changes.items():
        setattr(data, name, value)

    update_meeting(meeting, data, meeting.version)

    assert meeting.sequence == (1 if moves else 0)


def test_the_same_instant_in_another_zone_is_no_change_of_time(app):
    meeting = make_meeting()
    data = data_of(meeting)
    data.timezone, data.starts, data.ends = (
        "Europe/London",
        dt.datetime(2026, 9, 15, 9, 0),
        dt.datetime(2026, 9, 18, 17, 0),
    )

    update_meeting(meeting, data, meeting.version)

    assert meeting.sequence == 0
    assert meeting.starts_local.hour == 9


def test_a_draft_moves_without_a_new_sequence(app):
    meeting = make_meeting(status="draft")
    data = data_of(meeting)
    data.venue = "Vienna"

    update_meeting(meeting, data, meeting.version)

    assert meeting.sequence == 0


def test_an_end_before_the_start_is_refused(app):
    meeting = make_meeting()
    data = data_of(meeting)
    data.ends = dt.datetime(2026, 9, 14, 18, 0)

    with pytest.raises(ValidationError) as caught:
        update_meeting(meeting, data, meeting.version)
    assert caught.value.errors == {"ends_at": "The end must be after the start."}


def test_an_unknown_zone_is_refused(app):
    with pytest.raises(ValidationError) as caught:
        make_meeting(timezone="Europe/Atlantis")
    assert "Europe/Atlantis" in caught.value.errors["timezone"]


def test_a_time_the_clocks_skip_is_refused(app):
    with pytest.raises(ValidationError) as caught:
        make_meeting(starts=dt.datetime(2026, 3, 29, 2, 30))
    assert "clocks" in caught.value.errors["starts_at"]


def test_a_scheduled_meeting_needs_dates_but_a_draft_does_not(app):
    with pytest.raises(ValidationError) as caught:
        make_meeting(starts=None, ends=None)
    assert "starts_at" in caught.value.errors

    assert make_meeting(starts=None, ends=None, status="draft").starts_at is None


def test_only_web_links_are_accepted(app):
    with pytest.raises(ValidationError) as caught:
        make_meeting(online_url="javascript:alert(1)")
    assert "online_url" in caught.value.errors


def test_codes_are_unique(app):
    with pytest.raises(ValidationError) as caught:
        make_meeting(code="13msp")
    assert caught.value.errors["code"] == "Another meeting has the code 13msp."


def test_an_old_version_is_a_conflict(app):
    meeting = make_meeting()
    data = data_of(meeting)
    data.title = "First change"
    update_meeting(meeting, data, meeting.version)
    data.title = "Second change, from an old form"

    with pytest.raises(ConflictError):
        update_meeting(meeting, data, 1)


def test_cancelling_moves_the_sequence_on_once(app):
    meeting = make_meeting()

    cancel_meeting(meeting)

    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    with pytest.raises(ValidationError):
        cancel_meeting(meeting)
    assert meeting.sequence == 1
