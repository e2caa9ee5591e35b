"""The meeting pages as people use them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from outreach.extensions import db
from outreach.meetings.models import Meeting, MeetingStatus
from tests.meetings.conftest import form_data, make_meeting


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_list_shows_upcoming_before_past(client, auth, coordinator):
    make_meeting()
    auth.login(coordinator.email)

    page = _text(client.get("/meetings"))

    assert page.index("Fourteenth Meeting") < page.index("13MSP")
    assert page.index("Third Review Conference") < page.index("Past</h2>")
    assert 'aria-current="page">Meetings' in page
    assert "New meeting" not in page


def test_the_list_filters_by_kind_and_year(client, auth, staff):
    auth.login(staff.email)

    page = _text(client.get("/meetings?kind=review_conference"))
    assert "1RC" in page and "13MSP" not in page

    page = _text(client.get("/meetings?year=2010"))
    assert "1MSP" in page and "2MSP" not in page


def test_the_list_takes_a_constant_number_of_queries(client, auth, staff, count_queries):
    auth.login(staff.email)
    make_meeting("Workshop", kind="workshop")
    with count_queries() as few:
        client.get("/meetings")
    for n in range(5):
        make_meeting(f"Workshop {n}", kind="workshop")
    with count_queries() as many:
        client.get("/meetings")

    assert many.count == few.count


def test_the_page_shows_times_in_the_meeting_zone_and_utc(client, auth, coordinator):
    meeting = make_meeting()
    auth.login(coordinator.email)

    page = _text(client.get(f"/meetings/{meeting.id}"))

    assert "Tue 15 Sep 2026, 10:00" in page and "(Europe/Zurich)" in page
    assert "Tue 15 Sep 2026, 08:00" in page and "(UTC)" in page


def test_the_page_shows_times_in_the_zone_the_reader_asks_for(client, auth, staff):
    meeting = make_meeting()
    auth.login(staff.email)

    page = _text(client.get(f"/meetings/{meeting.id}?tz=America/New_York"))
    assert "Tue 15 Sep 2026, 04:00" in page and "(America/New_York)" in page

    page = _text(client.get(f"/meetings/{meeting.id}?tz=Europe/Zurich"))
    assert "(UTC)" not in page

    assert client.get(f"/meetings/{meeting.id}?tz=Nowhere%00").status_code == 200


def test_the_page_also_shows_times_in_the_zone_the_readers_browser_reported(client, auth, staff):
    meeting = make_meeting()
    auth.login(staff.email)

    client.set_cookie("viewer_tz", "Asia/Tokyo")
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "Tue 15 Sep 2026, 17:00" in page and "(Asia/Tokyo)" in page

    client.set_cookie("viewer_tz", "Not/AZone")
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "Tue 15 Sep 2026, 08:00" in page and "(UTC)" in page


def test_unknown_meetings_are_not_found(client, auth, staff):
    auth.login(staff.email)

    assert client.get("/meetings/999999").status_code == 404
    assert client.get("/meetings/999999/edit").status_code == 404


def test_staff_create_a_meeting(client, auth, staff):
    auth.login(staff.email)

    response = auth.post("/meetings/new", form_data())

    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.code == "14MSP"))
    assert meeting.starts_local.strftime("%Y-%m-%d %H:%M") == "2026-09-15 10:00"
    assert meeting.capacity == 300 and meeting.public
    assert meeting.organiser_email == "meetings@isu.example"


def test_bad_input_shows_messages_next_to_fields_and_keeps_the_rest(client, auth, staff):
    auth.login(staff.email)

    response = auth.post(
        "/meetings/new",
        form_data(timezone="other", timezone_other="Mars/Olympus", online_url="ftp://x"),
    )
    page = _text(response)

    assert response.status_code == 422
    assert 'id="timezone_other-error"' in page and "Mars/Olympus" in page
    assert 'id="online_url-error"' in page
    assert 'value="Palais des Nations"' in page and 'value="Room XVIII"' in page
    assert db.session.scalar(sa.select(Meeting).where(Meeting.code == "14MSP")) is None


def test_a_malformed_time_is_explained(client, auth, staff):
    auth.login(staff.email)

    response = auth.post("/meetings/new", form_data(start_time="25:99"))

    assert response.status_code == 422
    assert 'id="start_time-error"' in _text(response) and "HH:MM" in _text(response)


def test_an_end_before_the_start_is_shown_next_to_the_end(client, auth, staff):
    auth.login(staff.email)

    response = auth.post("/meetings/new", form_data(end_date="2026-09-14"))

    assert response.status_code == 422
    assert "The end must be after the start." in _text(response)


def test_editing_with_an_old_version_shows_the_conflict(client, auth, staff):
    meeting = make_meeting()
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}/edit"
    auth.post(path, form_data(title="Renamed by someone else", version="1"))

    response = auth.post(path, form_data(venue="My venue", version="1"))
    page = _text(response)

    assert response.status_code == 409
    assert "Someone else saved this meeting" in page
    assert "Renamed by someone else" in page
    assert 'value="My venue"' in page
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).venue == "Palais des Nations"


def test_moving_a_meeting_moves_its_sequence(client, auth, staff):
    meeting = make_meeting()
    auth.login(staff.email)

    auth.post(f"/meetings/{meeting.id}/edit", form_data(start_date="2026-09-16", version="1"))

    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == 1


def test_cancelling_asks_first_then_cancels(client, auth, staff):
    meeting = make_meeting()
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}/cancel"

    assert "Cancel the meeting" in _text(client.get(path))
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.SCHEDULED

    response = auth.post(path, {"version": "1"})

    assert response.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Meeting, meeting.id)
    assert cancelled.status == MeetingStatus.CANCELLED and cancelled.sequence == 1


def test_coordinators_only_read(client, auth, coordinator):
    meeting = make_meeting()
    auth.login(coordinator.email)

    assert client.get("/meetings/new").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    path = f"/meetings/{meeting.id}/cancel"
    assert auth.post("/meetings/new", form_data(), form_page="/account").status_code == 403
    assert auth.post(path, {"version": "1"}, form_page="/account").status_code == 403
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.SCHEDULED
    assert "Edit meeting" not in _text(client.get(f"/meetings/{meeting.id}"))
