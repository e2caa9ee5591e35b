"""Calendar feeds (CALENDAR.md item 20) and downloads: the public feed, one meeting's file, and
each user's private feed behind a token that can be revoked."""

from __future__ import annotations

import re

import sqlalchemy as sa
import vobject

from outreach.audit.services import acting_as
from outreach.auth.services import disable_user
from outreach.extensions import db
from outreach.invitations.models import CalendarFeed
from outreach.meetings.services import cancel_meeting
from tests import factories
from tests.meetings.calendar_checks import check_feed, content_lines
from tests.rsvp.conftest import make_invitee, post_answer

ONLINE = "https://meet.example/14msp-secret-room"
FEED_URL = re.compile(r'id="feed-url" type="text" readonly value="([^"]+)"')


def meetings():
    """A public scheduled meeting, a public cancelled one, a private one and a public draft."""
    public = factories.make_future_meeting(public=True, online_url=ONLINE)
    cancelled = factories.make_future_meeting(
        "Workshop on clearance", code="W2027", kind="workshop", public=True
    )
    with acting_as("test"):
        cancel_meeting(cancelled)
    private = factories.make_future_meeting(
        "Coordination Committee", code="CC-DEC", kind="coordination_committee", public=False
    )
    draft = factories.make_future_meeting(
        "Intersessional meetings",
        code="IM2028",
        kind="intersessional",
        public=True,
        status="draft",
        starts=None,
        ends=None,
    )
    return public, cancelled, private, draft


def events(ics: bytes) -> dict[str, str]:
    """UID -> STATUS of every event, read by an independent parser."""
    calendar = vobject.readOne(ics.decode("utf-8"))
    return {event.uid.value: event.status.value for event in calendar.vevent_list}


def make_feed(auth) -> str:
    """Press "Make a feed address" on the account page; the address shown once."""
    response = auth.post("/account/calendar-feed", {}, form_page="/account")
    assert response.status_code == 200
    match = FEED_URL.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def test_item_20_the_public_feed_lists_public_meetings_without_attendees(client, app):
    public, cancelled, private, draft = meetings()
    invitee = make_invitee(public)
    post_answer(client, invitee.rsvp)
    response = client.get("/meetings.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    ics = response.get_data()
    check_feed(ics)
    content_lines(ics)
    assert b"METHOD:PUBLISH" in ics
    listed = events(ics)
    assert listed[public.uid] == "CONFIRMED"
    # A cancelled meeting stays, cancelled, so subscribed calendars show it as such.
    assert listed[cancelled.uid] == "CANCELLED"
    assert private.uid not in listed and draft.uid not in listed
    # The seeded past meetings are public history.
    assert len(listed) > 10
    for secret in (ONLINE.encode(), b"ATTENDEE", b"Dupont", b"marie.dupont"):
        assert secret not in ics


def test_one_meeting_s_file_for_anyone_when_public_else_after_sign_in(client, auth, coordinator):
    public, _cancelled, private, draft = meetings()
    response = client.get(f"/meetings/{public.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="14MSP.ics"'
    ics = response.get_data()
    content_lines(ics)
    assert list(events(ics)) == [public.uid]
    assert ONLINE.encode() not in ics  # the online link is for invitees and staff
    response = client.get(f"/meetings/{private.id}/calendar.ics")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")

    auth.login(coordinator.email)
    ics = client.get(f"/meetings/{private.id}/calendar.ics").get_data()
    assert list(events(ics)) == [private.uid]
    ics = client.get(f"/meetings/{public.id}/calendar.ics").get_data()
    assert ONLINE.encode() in ics.replace(b"\r\n ", b"")
    assert client.get(f"/meetings/{draft.id}/calendar.ics").status_code == 404
    assert client.get("/meetings/999999/calendar.ics").status_code == 404


def test_a_private_feed_shows_every_meeting_and_is_shown_once(client, auth, staff):
    public, cancelled, private, _draft = meetings()
    auth.login(staff.email)
    url = make_feed(auth)
    assert url.startswith("http://outreach.test/feeds/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits
    # Only the hash is stored; the account page no longer shows the address.
    stored = db.session.scalars(sa.select(CalendarFeed.token_hash)).all()
    assert token not in stored and len(stored) == 1
    account = client.get("/account").get_data(as_text=True)
    assert "Calendar feed" in account and token not in account
    auth.logout()
    response = client.get(url.removeprefix("http://outreach.test"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    ics = response.get_data()
    check_feed(ics)
    listed = events(ics)
    assert {public.uid, cancelled.uid, private.uid} <= set(listed)
    assert ONLINE.encode() in ics.replace(b"\r\n ", b"")


def test_a_new_feed_address_stops_the_old_and_revoking_stops_it(client, auth, staff, audit_events):
    auth.login(staff.email)
    first = make_feed(auth).removeprefix("http://outreach.test")
    second = make_feed(auth).removeprefix("http://outreach.test")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    response = auth.post("/account/calendar-feed/revoke", {}, form_page="/account")
    assert response.headers["Location"] == "/account"
    assert client.get(second).status_code == 404
    assert client.get("/feeds/not-a-token.ics").status_code == 404
    assert len(audit_events("calendar_feed_created")) == 2
    assert len(audit_events("calendar_feed_revoked")) == 1


def test_a_disabled_user_s_feed_stops(client, auth, staff):
    auth.login(staff.email)
    url = make_feed(auth).removeprefix("http://outreach.test")
    with acting_as("test"):
        disable_user(staff.email)
    assert client.get(url).status_code == 404


def test_a_coordinator_s_feed_holds_meetings_but_no_private_data(client, auth, coordinator):
    public, _cancelled, private, _draft = meetings()
    invitee = make_invitee(private, comments="Confidential remark about the delegation")
    post_answer(client, invitee.rsvp, delegates=[("Jean Martin", "Counsellor", "")])
    auth.login(coordinator.email)
    url = make_feed(auth)
    ics = client.get(url.removeprefix("http://outreach.test")).get_data()
    assert private.uid in events(ics)
    for secret in (b"ATTENDEE", b"Dupont", b"Jean Martin", b"Confidential", b"marie.dupont"):
        assert secret not in ics


def test_the_meeting_page_offers_its_calendar_file(client, auth, staff):
    meeting = factories.make_future_meeting()
    auth.login(staff.email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/calendar.ics"' in page


def test_a_dated_draft_downloads_as_tentative_for_staff_only(client, auth, staff):
    draft = factories.make_future_meeting(status="draft", public=True)
    assert client.get(f"/meetings/{draft.id}/calendar.ics").status_code == 302
    auth.login(staff.email)
    ics = client.get(f"/meetings/{draft.id}/calendar.ics").get_data()
    assert events(ics) == {draft.uid: "TENTATIVE"}
