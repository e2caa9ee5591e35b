"""Answering through the personal link: the page, the answer with a delegation and a request for
sponsorship, changing it until the deadline, bad input kept, and the confirmation email."""

from __future__ import annotations

import datetime as dt

import time_machine

from outreach.extensions import db
from outreach.invitations.models import Answer, AnswerChannel, Sponsorship
from outreach.mail.models import MailPurpose, OutboxStatus
from outreach.mail.outbox import RENDERERS
from tests import factories
from tests.rsvp.conftest import (
    answer_data,
    confirmations,
    csrf_of,
    fresh,
    make_invitee,
    post_answer,
)

DELEGATION = [
    ("Jean Martin", "Deputy Permanent Representative", "jean.martin@mission.example"),
    ("Claire Petit", "Counsellor", ""),
    ("Luc Bernard", "Expert, Ministry of Defence", "luc.bernard@defense.example"),
]


def test_the_page_shows_the_meeting_in_its_zone_and_the_form(client, invitee):
    response = client.get(invitee.rsvp)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Fourteenth Meeting of States Parties" in page
    assert "Invitation for Ms Marie Dupont" in page
    assert "On behalf of the delegation of France" in page
    assert "14–17 September 2027" in page
    assert "10:00–18:00" in page
    assert "Palais des Nations, Geneva, Room XVIII" in page
    assert "31 August 2027" in page
    assert "Yes, I will attend" in page and "No, I will not attend" in page
    # Three empty rows for the delegation, and a way to add more without a script.
    assert 'name="delegates-2-name"' in page and 'name="delegates-3-name"' not in page
    assert 'name="more"' in page


def test_answering_with_a_delegation_of_three_and_a_sponsorship_request(client, invitee):
    response = post_answer(
        client,
        invitee.rsvp,
        delegates=DELEGATION,
        sponsorship_requested="y",
        sponsorship_note="Travel of Mr Bernard from Paris.",
        comments="We will need interpretation into French.",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == invitee.rsvp
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.ATTENDING
    assert invitation.answered_via is AnswerChannel.LINK
    assert invitation.answered_at is not None
    assert [(d.name, d.title, d.email) for d in invitation.delegates] == DELEGATION
    assert invitation.sponsorship is Sponsorship.REQUESTED
    assert invitation.sponsorship_note == "Travel of Mr Bernard from Paris."
    assert invitation.comments == "We will need interpretation into French."

    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert "Thank you. Your answer was recorded; a confirmation is on its way by email." in page
    assert "Your current answer: Attending, recorded on" in page
    assert 'value="Luc Bernard"' in page  # the form shows the recorded delegation

    [message] = confirmations()
    assert message.to_address == "marie.dupont@mission.example"
    assert message.invitation_id == invitation.id
    answered = invitation.answered_at.isoformat()
    assert message.dedupe_key == f"confirmation:{invitation.id}:{answered}"
    assert message.expires_at == invitee.meeting.starts_at
    email = RENDERERS[MailPurpose.CONFIRMATION](message)
    assert email.subject == "Your answer: Fourteenth Meeting of States Parties"
    assert email.sender == "isu@ccm.example"
    assert email.calendar is None
    assert email.unsubscribe_url.startswith("http://outreach.test/unsubscribe/")
    for body in (email.text, email.html):
        assert "You will attend" in body or "you will attend" in body
        for name, title, _email in DELEGATION:
            assert name in body and title in body
        assert "requested; the ISU will write to you about it" in body
        assert "http://outreach.test/rsvp/" in body
        assert "31 August 2027" in body


def test_changing_the_answer_before_the_deadline_replaces_it_and_its_confirmation(client, invitee):
    post_answer(client, invitee.rsvp, delegates=DELEGATION, sponsorship_requested="y")
    with time_machine.travel(dt.datetime(2027, 8, 31, 21, 30, tzinfo=dt.UTC), tick=False):
        # 23:30 in Geneva on the day of the deadline: still open.
        response = post_answer(client, invitee.rsvp, answer="declined", delegates=DELEGATION[:1])
    assert response.status_code == 302
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.DECLINED
    assert invitation.delegates == []  # nobody comes with someone who does not come
    assert invitation.sponsorship is Sponsorship.NONE
    first, second = confirmations()
    assert first.status is OutboxStatus.CANCELLED  # it described the superseded answer
    assert second.status is OutboxStatus.QUEUED
    body = RENDERERS[MailPurpose.CONFIRMATION](second).text
    assert "you will not attend" in body


def test_after_the_deadline_the_page_shows_the_answer_and_refuses_a_change(client, invitee):
    post_answer(client, invitee.rsvp, delegates=DELEGATION)
    with time_machine.travel(dt.datetime(2027, 8, 31, 22, 5, tzinfo=dt.UTC), tick=False):
        # 00:05 on 1 September in Geneva.
        page = client.get(invitee.rsvp).get_data(as_text=True)
        assert "Answers can no longer be changed through this page." in page
        assert 'href="mailto:isu@ccm.example"' in page
        assert "Jean Martin, Deputy Permanent Representative" in page
        assert '<form method="post" novalidate' not in page
        token = csrf_of(client, "/login")
        response = client.post(invitee.rsvp, data={**answer_data("declined"), "csrf_token": token})
    assert response.status_code == 403
    assert "Answers can no longer be changed" in response.get_data(as_text=True)
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.ATTENDING
    assert len(invitation.delegates) == 3
    assert len(confirmations()) == 1


def test_without_a_deadline_answers_are_open_until_the_meeting_starts(client, app):
    invitee = make_invitee(meeting=factories.make_future_meeting())
    with time_machine.travel(dt.datetime(2027, 9, 14, 7, 59, tzinfo=dt.UTC), tick=False):
        assert post_answer(client, invitee.rsvp, answer="maybe").status_code == 302
    with time_machine.travel(dt.datetime(2027, 9, 14, 8, 0, tzinfo=dt.UTC), tick=False):
        assert "no longer be changed" in client.get(invitee.rsvp).get_data(as_text=True)


def test_a_delegate_without_a_name_or_with_a_bad_address_is_pointed_out_and_all_is_kept(
    client, invitee
):
    response = post_answer(
        client,
        invitee.rsvp,
        delegates=[("Jean Martin", "Counsellor", "jean@"), ("", "Expert", "x@mission.example")],
        comments="Kept <b>as typed</b>",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please correct the following" in page
    assert 'id="delegates-0-email-error">Enter an email address such as name@example.org.' in page
    assert 'id="delegates-1-name-error">Enter the name of this member of the delegation.' in page
    assert 'value="jean@"' in page and 'value="Expert"' in page
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;" in page
    assert fresh(invitee.invitation).answer is Answer.PENDING
    assert confirmations() == []


def test_no_answer_chosen_is_pointed_out(client, invitee):
    response = post_answer(client, invitee.rsvp, answer="")
    assert response.status_code == 422
    assert 'id="answer-error">Choose whether you will attend.' in response.get_data(as_text=True)


def test_add_more_rows_shows_three_more_and_records_nothing(client, invitee):
    response = post_answer(client, invitee.rsvp, delegates=DELEGATION, more="Add more rows")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="delegates-5-name"' in page and 'name="delegates-6-name"' not in page
    assert 'value="Luc Bernard"' in page
    assert fresh(invitee.invitation).answer is Answer.PENDING
    # Never more than ten rows.
    rows = [(f"Member {n}", "", "") for n in range(10)]
    page = post_answer(client, invitee.rsvp, delegates=rows, more="1").get_data(as_text=True)
    assert 'name="delegates-9-name"' in page and 'name="delegates-10-name"' not in page
    assert 'name="more"' not in page


def test_a_decided_sponsorship_is_shown_and_never_undone_by_a_new_answer(client, invitee):
    invitation = invitee.invitation
    invitation.sponsorship = Sponsorship.APPROVED
    invitation.sponsorship_note = "Travel from Vientiane."
    db.session.commit()
    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert "Your request for sponsorship was approved." in page
    assert 'name="sponsorship_requested"' not in page
    post_answer(client, invitee.rsvp, answer="maybe")
    invitation = fresh(invitation)
    assert invitation.answer is Answer.MAYBE
    assert invitation.sponsorship is Sponsorship.APPROVED
    assert invitation.sponsorship_note == "Travel from Vientiane."


def test_script_in_answers_is_shown_as_text_on_the_page_and_in_the_email(client, invitee):
    hostile = '"><svg onload=alert(1)>'
    post_answer(client, invitee.rsvp, delegates=[(hostile, "<script>x</script>", "")])
    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert "<svg onload" not in page and "<script>x" not in page
    [message] = confirmations()
    html = RENDERERS[MailPurpose.CONFIRMATION](message).html
    assert "<svg onload" not in html and "<script>x" not in html
    assert "&lt;svg onload=alert(1)&gt;" in html


def test_no_confirmation_is_queued_for_someone_who_opted_out(client, invitee):
    contact = invitee.contact
    contact.do_not_email = True
    db.session.commit()
    response = post_answer(client, invitee.rsvp, answer="attending")
    assert response.status_code == 302
    assert confirmations() == []
    page = client.get(invitee.rsvp).get_data(as_text=True)
    assert "Thank you. Your answer was recorded." in page
    assert "a confirmation is on its way" not in page
