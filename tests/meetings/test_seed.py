"""The past meetings shipped as history: all loaded once, in their host city's zone."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from outreach.extensions import db
from outreach.meetings.models import Meeting, MeetingKind, MeetingStatus
from outreach.meetings.seed import seed_meetings


def _by_code(code: str) -> Meeting:
    return db.session.scalar(sa.select(Meeting).where(Meeting.code == code))


def test_the_seventeen_past_meetings_are_loaded(app):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 17
    assert _by_code("13MSP").kind == MeetingKind.MSP
    assert _by_code("2RC-1").kind == MeetingKind.REVIEW_CONFERENCE


def test_1msp_starts_at_ten_in_vientiane(app):
    meeting = _by_code("1MSP")

    assert meeting.timezone == "Asia/Vientiane"
    assert meeting.starts_at == dt.datetime(2010, 11, 9, 3, 0, tzinfo=dt.UTC)
    assert meeting.starts_local.strftime("%Y-%m-%d %H:%M %Z") == "2010-11-09 10:00 +07"
    assert meeting.ends_local.strftime("%Y-%m-%d %H:%M") == "2010-11-12 18:00"
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.public
    assert meeting.president_state.iso3 == "LAO"
    assert "Vientiane" in meeting.venue
    assert meeting.source.startswith("CMC 1MSP page")


def test_geneva_meetings_follow_summer_time(app):
    assert _by_code("13MSP").starts_at == dt.datetime(2025, 9, 16, 8, 0, tzinfo=dt.UTC)
    assert _by_code("2RC-1").starts_at == dt.datetime(2020, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_3rc_without_dates_is_a_draft(app):
    meeting = _by_code("3RC")

    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.starts_at is None and meeting.ends_at is None
    assert meeting.title == "Third Review Conference"


def test_seeding_again_changes_nothing_and_keeps_corrections(app):
    meeting = _by_code("12MSP")
    meeting.title = "Twelfth Meeting of States Parties (corrected)"
    uid = meeting.uid
    db.session.commit()

    assert seed_meetings() == 0
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 17
    assert _by_code("12MSP").title.endswith("(corrected)")
    assert _by_code("12MSP").uid == uid


def test_every_meeting_has_its_own_uid(app):
    uids = db.session.scalars(sa.select(Meeting.uid)).all()

    assert len(set(uids)) == 17
    assert all(uid.startswith("meeting-") and "@" in uid for uid in uids)
