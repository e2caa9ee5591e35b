"""Sponsorship requests: listed with the State and the delegation's size, filtered by status,
approved or declined with a note, audited, and never overwritten by a stale page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.extensions import db
from outreach.invitations.models import Sponsorship
from tests import factories
from tests.conftest import csrf_token
from tests.participants.conftest import (
    Conference,
    attending,
    invite,
    queries_of_page,
    request_sponsorship,
)


def page(conference: Conference, query: str = "") -> str:
    return f"/meetings/{conference.meeting.id}/sponsorship{query}"


def decide(client, conference, invitation, button: str, note: str = "", **extra):
    data = {
        "csrf_token": csrf_token(client, page(conference)),
        "invitation": str(invitation.id),
        "version": str(invitation.version),
        "note": note,
        button: "y",
        **extra,
    }
    return client.post(page(conference), data=data)


def names_on(html: str) -> list[str]:
    """The invitees of the requests on the page, in order (their names may link to them)."""
    title = r'<h2 id="request-\d+-title"[^>]*>(?:<a [^>]*>)?([^<]+?)(?:</a>)? <span'
    return re.findall(title, html)


@pytest.fixture
def requests(conference: Conference) -> Conference:
    request_sponsorship(conference.indonesia, "Two delegates from Jakarta.")
    request_sponsorship(conference.france)
    request_sponsorship(conference.hrw, "Travel from New York.")
    return conference


def test_the_requests_show_who_for_which_state_and_how_many(client, auth, staff, requests):
    auth.login(staff.email)
    response = client.get(page(requests))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert names_on(html) == ["H.E. Ms Claire Martin", "Dewi Santoso", "Mary Goose"]
    france = html.split(f'id="request-{requests.france.id}-title"')[1].split("</article>")[0]
    assert "France" in france and "(States Parties)" in france
    assert re.search(r"Delegation size</dt><dd>3 ", france)  # the head and two delegates
    assert "Paul Leroy, Inès Roux" in france
    indonesia = html.split(f'id="request-{requests.indonesia.id}-title"')[1]
    assert "Two delegates from Jakarta." in indonesia.split("</article>")[0]
    assert "All (3)" in html and "Requested (3)" in html and "Approved (0)" in html
    assert "Lopez" not in html  # never asked


def test_staff_approve_a_request_with_a_note_and_it_is_audited(client, auth, staff, requests):
    indonesia = requests.indonesia
    auth.login(staff.email)
    response = decide(client, requests, indonesia, "approve", "Economy fare, two people.")
    assert response.status_code == 302
    db.session.expire_all()
    assert indonesia.sponsorship is Sponsorship.APPROVED
    assert indonesia.sponsorship_decision_note == "Economy fare, two people."
    assert indonesia.sponsorship_decided_by_id == staff.id
    assert indonesia.sponsorship_decided_at is not None
    assert indonesia.sponsorship_note == "Two delegates from Jakarta."  # their words kept
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.record_type == "Invitation",
            AuditEvent.record_id == str(indonesia.id),
            AuditEvent.action == "update",
        )
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["sponsorship"] == "requested"
    assert event.after["sponsorship"] == "approved"
    assert event.after["sponsorship_decided_by_id"] == staff.id
    # The note stays out of the trail, which erasure cannot reach (it is blanked on erasure).
    assert "sponsorship_decision_note" not in event.after
    assert event.actor_label == staff.email
    html = client.get(page(requests)).get_data(as_text=True)
    assert "The sponsorship request of Dewi Santoso was approved." in html
    assert "Approved on" in html and "by Sam Specialist" in html


def test_staff_decline_a_request_and_the_filter_finds_it(client, auth, staff, requests):
    auth.login(staff.email)
    response = decide(client, requests, requests.hrw, "decline")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sponsorship")
    db.session.expire_all()
    assert requests.hrw.sponsorship is Sponsorship.DECLINED
    declined = client.get(page(requests, "?status=declined")).get_data(as_text=True)
    assert names_on(declined) == ["Mary Goose"]
    current = f'<a href="/meetings/{requests.meeting.id}/sponsorship?status=declined" aria-current'
    assert current in declined
    requested = client.get(page(requests, "?status=requested")).get_data(as_text=True)
    assert names_on(requested) == ["H.E. Ms Claire Martin", "Dewi Santoso"]
    # An unknown status is no filter at all.
    everything = client.get(page(requests, "?status=' OR 1=1 --")).get_data(as_text=True)
    assert len(names_on(everything)) == 3


def test_deciding_from_a_filtered_list_comes_back_to_it(client, auth, staff, requests):
    auth.login(staff.email)
    data = {
        "csrf_token": csrf_token(client, page(requests)),
        "invitation": str(requests.france.id),
        "version": str(requests.france.version),
        "approve": "y",
    }
    response = client.post(page(requests, "?status=requested"), data=data)
    assert response.headers["Location"].endswith("/sponsorship?status=requested")


def test_d2_a_decision_on_a_stale_page_is_refused_and_says_what_changed(
    client, auth, staff, requests
):
    france = requests.france
    auth.login(staff.email)
    stale_version = france.version
    assert decide(client, requests, france, "approve").status_code == 302
    db.session.expire_all()
    response = client.post(
        page(requests),
        data={
            "csrf_token": csrf_token(client, page(requests)),
            "invitation": str(france.id),
            "version": str(stale_version),
            "note": "No budget left.",
            "decline": "y",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert (
        "Someone else changed this request after you opened the page: it is now approved." in html
    )
    assert "No budget left." in html  # what they typed is kept
    db.session.expire_all()
    assert france.sponsorship is Sponsorship.APPROVED


def test_a_long_note_is_refused_next_to_the_field_and_kept(client, auth, staff, requests):
    auth.login(staff.email)
    note = "x" * 2001
    response = decide(client, requests, requests.hrw, "approve", note)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="note-{requests.hrw.id}-error">Keep the note under 2001 characters.' in html
    assert note in html
    db.session.expire_all()
    assert requests.hrw.sponsorship is Sponsorship.REQUESTED


def test_a_decision_needs_a_button_and_a_request(client, auth, staff, requests):
    auth.login(staff.email)
    response = decide(client, requests, requests.hrw, "neither")
    assert response.status_code == 422
    assert "Choose to approve or to decline the request." in response.get_data(as_text=True)
    no_request = requests.usa  # never asked for sponsorship
    response = decide(client, requests, no_request, "approve")
    assert response.status_code == 422
    db.session.expire_all()
    assert no_request.sponsorship is Sponsorship.NONE


def test_a3_another_meetings_invitation_is_not_found(client, auth, staff, requests):
    other = factories.make_future_meeting("Intersessional meeting", code="IM27")
    stranger = request_sponsorship(invite(other, "Stranger", "Sol", **attending()))
    auth.login(staff.email)
    assert decide(client, requests, stranger, "approve").status_code == 404
    response = client.post(
        page(requests),
        data={"csrf_token": csrf_token(client, page(requests)), "invitation": "x", "approve": "y"},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert stranger.sponsorship is Sponsorship.REQUESTED


def test_the_page_loads_in_a_constant_number_of_queries(
    client, auth, staff, requests, count_queries
):
    auth.login(staff.email)
    decide(client, requests, requests.hrw, "decline")

    def grow() -> None:
        for n in range(8):
            request_sponsorship(invite(requests.meeting, f"Asker{n}", "Ali", **attending()))

    few, many = queries_of_page(client, page(requests), count_queries, grow)
    assert many == few


def test_a1_a_coordinator_can_neither_see_nor_decide(client, auth, coordinator, requests):
    auth.login(coordinator.email)
    assert client.get(page(requests)).status_code == 403
    response = client.post(
        page(requests),
        data={
            "csrf_token": csrf_token(client, "/account"),
            "invitation": str(requests.hrw.id),
            "version": str(requests.hrw.version),
            "approve": "y",
        },
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert requests.hrw.sponsorship is Sponsorship.REQUESTED
