"""T1-T5: personal links that no longer open anything, guessing links, mail scanners that open
them, and forms posted without their CSRF token."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import time_machine

from outreach.audit.services import acting_as
from outreach.contacts.privacy import erase_contact
from outreach.extensions import db
from outreach.invitations.models import Answer
from outreach.meetings.services import cancel_meeting
from outreach.rsvp.tokens import make_token, revoke
from tests.rsvp.conftest import (
    answer_data,
    confirmations,
    csrf_of,
    fresh,
    make_invitee,
    post_answer,
)

GENERIC = "This link no longer works"


def assert_refused(response, invitee) -> None:
    """The polite generic page: 404, nothing about the invitee or the meeting."""
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert GENERIC in page and "Ce lien ne fonctionne plus" in page
    assert "Este enlace ya no funciona" in page
    for secret in ("Dupont", "Fourteenth", "14MSP", "France", "isu@ccm.example"):
        assert secret not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


def flip(token: str, at: int) -> str:
    """The token with one character changed."""
    char = token[at]
    return token[:at] + ("A" if char != "A" else "B") + token[at + 1 :]


def refused_links(invitee) -> dict[str, str]:
    token = make_token(invitee.invitation, "rsvp")
    payload, stamp, signature = token.split(".")
    other = make_invitee(invitee.meeting, "Quispe", "Ana", "ana.quispe@mission.example")
    # Another invitation's signature with this invitation's payload, and the reverse.
    theirs = make_token(other.invitation, "rsvp").split(".")
    return {
        "a character flipped in the signature": flip(token, len(token) - 5),
        "a character flipped in the payload": flip(token, 2),
        "truncated": token[:-4],
        "only the payload": payload,
        "another invitation's signature": f"{payload}.{stamp}.{theirs[2]}",
        "another invitation's id": f"{theirs[0]}.{stamp}.{signature}",
        "the unsubscribe token": make_token(invitee.invitation, "unsubscribe"),
        "random": secrets.token_urlsafe(43),
    }


def test_t1_tampered_truncated_swapped_or_other_purpose_tokens_get_the_generic_page(
    client, invitee
):
    for case, token in refused_links(invitee).items():
        response = client.get(f"/rsvp/{token}")
        assert response.status_code == 404, case
        assert_refused(response, invitee)
        # Nothing is recorded by a POST either.
        form_token = csrf_of(client, "/login")
        response = client.post(f"/rsvp/{token}", data={**answer_data(), "csrf_token": form_token})
        assert response.status_code == 404, case
    assert fresh(invitee.invitation).answer is Answer.PENDING
    assert confirmations() == []
    assert client.get(invitee.rsvp).status_code == 200  # the real link still works


def test_t1_the_unsubscribe_page_refuses_an_rsvp_token_and_tampered_ones(client, invitee):
    rsvp_token = make_token(invitee.invitation, "rsvp")
    unsubscribe_token = make_token(invitee.invitation, "unsubscribe")
    for token in (rsvp_token, flip(unsubscribe_token, 3), unsubscribe_token[:-1]):
        assert_refused(client.get(f"/unsubscribe/{token}"), invitee)
        response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404
    assert fresh(invitee.invitation).contact.do_not_email is False


def test_t1_an_expired_token_gets_the_generic_page(app, client, invitee):
    days = app.config["RSVP_TOKEN_MAX_AGE_DAYS"]
    issued = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(issued, tick=False):
        path = invitee.rsvp
    with time_machine.travel(issued + dt.timedelta(days=days - 1)):
        assert client.get(path).status_code == 200
    with time_machine.travel(issued + dt.timedelta(days=days + 1)):
        assert_refused(client.get(path), invitee)


def test_t1_a_revoked_token_gets_the_generic_page_and_the_new_one_works(client, invitee):
    old = invitee.rsvp
    revoke(invitee.invitation)
    db.session.commit()
    assert_refused(client.get(old), invitee)
    assert client.get(invitee.rsvp).status_code == 200


def test_t2_many_random_tokens_from_one_address_are_rate_limited(app, client, invitee, browser):
    real = invitee.rsvp
    statuses = [client.get(f"/rsvp/{secrets.token_urlsafe(43)}").status_code for _ in range(35)]
    assert statuses[:30] == [404] * 30
    assert set(statuses[30:]) == {429}
    # Guessing through the other personal pages counts the same.
    assert client.get(f"/unsubscribe/{secrets.token_urlsafe(43)}").status_code == 429
    # From that address even a real link waits; elsewhere it works.
    assert client.get(real).status_code == 429
    assert browser(ip="192.0.2.44").client.get(real).status_code == 200


def test_t2_working_links_do_not_count_towards_the_limit(client, invitee):
    for _ in range(40):
        assert client.get(invitee.rsvp).status_code == 200


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_t3_opening_the_links_records_nothing(client, invitee, method, audit_events):
    before = len(audit_events("update"))
    for path in (invitee.rsvp, invitee.unsubscribe, invitee.rsvp + "?lang=fr"):
        for _ in range(3):
            assert client.open(path, method=method).status_code == 200
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.PENDING and invitation.answered_at is None
    assert invitation.contact.do_not_email is False
    assert confirmations() == []
    assert len(audit_events("update")) == before


def test_t4_after_the_meeting_is_cancelled_the_rsvp_link_is_refused(client, invitee):
    path = invitee.rsvp
    with acting_as("test"):
        cancel_meeting(invitee.meeting)
    assert_refused(client.get(path), invitee)
    form_token = csrf_of(client, "/login")
    response = client.post(path, data={**answer_data(), "csrf_token": form_token})
    assert response.status_code == 404
    assert fresh(invitee.invitation).answer is Answer.PENDING


def test_t4_after_erasure_both_links_are_refused(client, invitee):
    rsvp, unsubscribe = invitee.rsvp, invitee.unsubscribe
    with acting_as("test"):
        erase_contact(invitee.contact)
    assert_refused(client.get(rsvp), invitee)
    assert_refused(client.get(unsubscribe), invitee)


def test_t5_posting_without_a_csrf_token_is_refused_with_400(client, invitee):
    client.get(invitee.rsvp)  # a session, as a browser that opened the page has
    response = client.post(invitee.rsvp, data=answer_data())
    assert response.status_code == 400
    response = client.post(invitee.unsubscribe, data={})
    assert response.status_code == 400
    assert fresh(invitee.invitation).answer is Answer.PENDING
    assert fresh(invitee.invitation).contact.do_not_email is False


def test_t5_a_stale_csrf_token_from_another_session_is_refused_with_400(app, client, invitee):
    stale = csrf_of(app.test_client(), invitee.rsvp)
    client.get(invitee.rsvp)
    response = client.post(invitee.rsvp, data={**answer_data(), "csrf_token": stale})
    assert response.status_code == 400
    response = client.post(invitee.unsubscribe, data={"csrf_token": stale})
    assert response.status_code == 400
    assert fresh(invitee.invitation).answer is Answer.PENDING
    assert fresh(invitee.invitation).contact.do_not_email is False


def test_pages_behind_personal_links_keep_their_address_to_themselves(client, invitee):
    for path in (invitee.rsvp, invitee.unsubscribe):
        response = client.get(path)
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        # Nothing loaded from elsewhere: every src and stylesheet is on this site.
        assert "https://" not in page.replace('href="mailto:', "")
        assert 'src="http' not in page
    assert post_answer(client, invitee.rsvp).headers["Referrer-Policy"] == "no-referrer"
