"""The invitee page for staff: answer, delegation, sponsorship, every message sent, an answer
given by phone or letter recorded (with a conflict notice when someone else saved first), and
the personal links revoked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from outreach.db import utcnow
from outreach.extensions import db
from outreach.invitations.models import Answer, AnswerChannel, Delegate, Sponsorship
from outreach.mail.models import MailPurpose, OutboxStatus
from outreach.mail.outbox import Recipient, enqueue, new_mailing
from tests import factories
from tests.rsvp.conftest import confirmations, csrf_of, fresh, post_answer


def page_of(invitee) -> str:
    return f"/meetings/{invitee.meeting.id}/invitations/{invitee.invitation.id}"


def record(auth, invitee, **values):
    data = {
        "channel": "phone",
        "answer": "attending",
        "delegates-0-name": "",
        "comments": "",
        "version": str(fresh(invitee.invitation).version),
        **values,
    }
    return auth.post(page_of(invitee), data)


def sent_invitation(invitee):
    mailing = new_mailing(MailPurpose.INVITE, meeting=invitee.meeting, sequence=0)
    [message] = enqueue(
        mailing,
        [
            Recipient(
                "marie.dupont@mission.example",
                f"invite:{invitee.invitation.id}:0",
                invitation_id=invitee.invitation.id,
            )
        ],
    )
    message.status = OutboxStatus.DEFERRED
    message.attempts = 2
    message.last_code = 451
    message.last_error = "451 4.3.0 Try again later"
    db.session.commit()
    return message


def test_staff_see_the_answer_delegation_sponsorship_and_every_message(
    client, auth, staff, invitee
):
    post_answer(
        client,
        invitee.rsvp,
        delegates=[("Jean Martin", "Counsellor", "jean.martin@mission.example")],
        sponsorship_requested="y",
        sponsorship_note="Travel from Paris.",
        comments="Interpretation please.",
    )
    sent_invitation(invitee)
    auth.login(staff.email)
    response = client.get(page_of(invitee))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Ms Marie Dupont</h1>" in page
    assert "for the delegation of France" in page
    assert "Attending" in page and "Personal link" in page
    assert "Jean Martin" in page and "jean.martin@mission.example" in page
    assert "Requested" in page and "Travel from Paris." in page
    assert "Interpretation please." in page
    # The delivery history: the invitation deferred with its error, the confirmation queued.
    assert "451 4.3.0 Try again later" in page and "Deferred" in page
    assert "Confirmation of an answer" in page and "Queued" in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_message_written_to_a_file_links_to_it(client, auth, staff, invitee):
    message = sent_invitation(invitee)
    message.status, message.eml_path = OutboxStatus.SENT, "mail/2026-11-28/1-invite.eml"
    message.sent_at = utcnow()
    db.session.commit()
    auth.login(staff.email)
    page = client.get(page_of(invitee)).get_data(as_text=True)
    assert f'href="/outbox/{message.id}.eml"' in page


def test_coordinators_may_not_open_it_and_other_meetings_ids_are_not_found(
    client, auth, coordinator, staff, invitee
):
    other = factories.make_future_meeting("Intersessional", code="IM27", kind="intersessional")
    auth.login(coordinator.email)
    assert client.get(page_of(invitee)).status_code == 403
    auth.logout()
    auth.login(staff.email)
    elsewhere = f"/meetings/{other.id}/invitations/{invitee.invitation.id}"
    assert client.get(elsewhere).status_code == 404
    assert client.get(f"/meetings/{invitee.meeting.id}/invitations/999999").status_code == 404


def test_staff_record_an_answer_given_by_phone_without_a_confirmation(client, auth, staff, invitee):
    auth.login(staff.email)
    response = record(
        auth,
        invitee,
        channel="phone",
        answer="maybe",
        **{"delegates-0-name": "Jean Martin", "delegates-0-title": "Counsellor"},
        comments="Called on 28 November.",
    )
    assert response.status_code == 302
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.MAYBE
    assert invitation.answered_via is AnswerChannel.PHONE
    assert [d.name for d in invitation.delegates] == ["Jean Martin"]
    assert invitation.comments == "Called on 28 November."
    assert confirmations() == []
    page = client.get(page_of(invitee)).get_data(as_text=True)
    assert "The answer of Ms Marie Dupont was recorded." in page
    assert "Phone" in page


def test_staff_may_send_the_confirmation_and_record_after_the_deadline(
    client, auth, staff, invitee
):
    with time_machine.travel(dt.datetime(2027, 9, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        auth.login(staff.email)
        response = record(auth, invitee, channel="letter", answer="declined", send_confirmation="y")
    assert response.status_code == 302
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.DECLINED
    assert invitation.answered_via is AnswerChannel.LETTER
    [message] = confirmations()
    assert message.language == "en"


def test_a_stale_form_gets_a_conflict_notice_and_overwrites_nothing(
    client, auth, staff, invitee, browser, admin
):
    auth.login(staff.email)
    form_token = csrf_of(client, page_of(invitee))
    opened_at = fresh(invitee.invitation).version
    # Meanwhile a colleague records the answer given by email.
    colleague = browser()
    colleague.login(admin.email)
    assert record(colleague, invitee, channel="email", answer="declined").status_code == 302
    response = client.post(
        page_of(invitee),
        data={
            "csrf_token": form_token,
            "channel": "phone",
            "answer": "attending",
            "delegates-0-name": "Jean Martin",
            "comments": "Mine",
            "version": str(opened_at),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this answer after you opened it" in page
    assert "Not attending" in page and "director@isu.example" in page
    assert 'value="Jean Martin"' in page and "Mine</textarea>" in page
    invitation = fresh(invitee.invitation)
    assert invitation.answer is Answer.DECLINED
    assert invitation.answered_via is AnswerChannel.EMAIL
    assert invitation.delegates == []


def test_bad_input_is_shown_next_to_the_field(client, auth, staff, invitee):
    auth.login(staff.email)
    response = record(auth, invitee, **{"delegates-0-email": "not an address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the name of this member of the delegation." in page
    assert "Enter an email address such as name@example.org." in page
    assert 'value="not an address"' in page


def test_a_decided_sponsorship_stays_when_staff_record_an_answer(client, auth, staff, invitee):
    invitation = invitee.invitation
    invitation.sponsorship = Sponsorship.DECLINED
    db.session.commit()
    auth.login(staff.email)
    record(auth, invitee, sponsorship_requested="y", sponsorship_note="Again")
    assert fresh(invitation).sponsorship is Sponsorship.DECLINED


def test_revoking_the_personal_links(client, auth, staff, invitee):
    old_rsvp, old_unsubscribe = invitee.rsvp, invitee.unsubscribe
    auth.login(staff.email)
    response = auth.post(f"{page_of(invitee)}/revoke-links", {}, form_page=page_of(invitee))
    assert response.headers["Location"] == page_of(invitee)
    assert "no longer work" in client.get(page_of(invitee)).get_data(as_text=True)
    auth.logout()
    assert client.get(old_rsvp).status_code == 404
    assert client.get(old_unsubscribe).status_code == 404
    assert client.get(invitee.rsvp).status_code == 200


def test_the_page_reads_in_a_constant_number_of_queries(
    client, auth, staff, invitee, count_queries
):
    auth.login(staff.email)

    def queries() -> int:
        client.get(page_of(invitee))  # objects the test changed are read again here, not below
        with count_queries() as counter:
            assert client.get(page_of(invitee)).status_code == 200
        return counter.count

    few = queries()
    invitation = invitee.invitation
    invitation.delegates = [Delegate(name=f"Member {n}", position=n) for n in range(8)]
    db.session.commit()
    for n in range(6):
        mailing = new_mailing(MailPurpose.REMINDER, meeting=invitee.meeting, variant="unanswered")
        recipient = Recipient("marie.dupont@mission.example", f"r:{n}", invitation_id=invitation.id)
        enqueue(mailing, [recipient])
    db.session.commit()
    assert queries() == few
    assert few <= 12


@pytest.mark.parametrize("answer", ["", "pending", "nonsense"])
def test_staff_must_choose_a_real_answer(client, auth, staff, invitee, answer):
    auth.login(staff.email)
    response = record(auth, invitee, answer=answer)
    assert response.status_code == 422
    assert fresh(invitee.invitation).answer is Answer.PENDING
