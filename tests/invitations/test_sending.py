"""Sending through the outbox: one message per eligible invitee, never twice (F5), left-out people
never queued (F7); moving, cancelling and removing tell the right people in the same commit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.db import utcnow
from outreach.directory.errors import ConflictError
from outreach.extensions import db
from outreach.invitations import sending
from outreach.invitations.models import Invitation
from outreach.mail.models import MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.worker import deliver_due
from outreach.meetings.models import Meeting
from outreach.meetings.services import cancel_meeting, data_of, update_meeting
from outreach.rsvp.tokens import load_invitation, make_token
from tests import factories
from tests.invitations.conftest import outbox, pending, render
from tests.meetings import calendar_checks as checks


@pytest.fixture
def app_config(app_config):
    """No pause between messages: the rate limit is tested with the worker."""
    app_config["MAIL_RATE_PER_MINUTE"] = 1_000_000
    return app_config


def _people(count: int, meeting: Meeting) -> list[Invitation]:
    return [
        factories.make_invitation(
            meeting, factories.make_contact(f"Person{i}", "Pat", emails=[f"p{i}@example.org"])
        )
        for i in range(count)
    ]


def _move_by_a_day(meeting: Meeting) -> None:
    data = data_of(meeting)
    data.starts += dt.timedelta(days=1)
    data.ends += dt.timedelta(days=1)
    with acting_as("test"):
        update_meeting(meeting, data, meeting.version)


def test_f7_sending_queues_one_invitation_per_eligible_invitee_and_marks_them_sent(app):
    meeting = factories.make_future_meeting()
    invitations = _people(3, meeting)
    opted_out = factories.make_invitation(
        meeting, factories.make_contact("Quiet", "Q", emails=["q@example.org"], do_not_email=True)
    )
    erased = factories.make_contact("Erased", "E", emails=["e@example.org"])
    bounced = factories.make_contact("Bounced", "B", emails=["b@example.org"])
    factories.make_invitation(meeting, erased)
    factories.make_invitation(meeting, bounced)
    with acting_as("test"):
        erased.erased_at = utcnow()
        bounced.emails[0].bounced_at = utcnow()
        db.session.commit()

    report = sending.send_invitations(meeting)

    assert (report.sent, report.left_out) == (3, 3)
    queued = outbox(MailPurpose.INVITE)
    assert sorted(m.dedupe_key for m in queued) == sorted(f"invite:{i.id}:0" for i in invitations)
    assert {m.expires_at for m in queued} == {meeting.starts_at}
    assert all(db.session.get(Invitation, i.id).sent_sequence == 0 for i in invitations)
    # F7: the opted-out invitee is neither queued nor marked sent.
    assert db.session.get(Invitation, opted_out.id).sent_sequence is None
    addresses = {m.to_address for m in outbox()}
    assert not addresses & {"q@example.org", "e@example.org", "b@example.org"}


def test_f5_a_second_press_sends_nothing_more_and_later_additions_go_with_the_next(app):
    meeting = factories.make_future_meeting()
    _people(2, meeting)
    sending.send_invitations(meeting)

    again = sending.send_invitations(meeting)
    assert again.sent == 0
    assert again.message() == "Already sent to everyone in the audience; nothing more to send."

    late = _people(1, meeting)[0]
    later = sending.send_invitations(meeting)
    assert later.sent == 1
    assert [m.dedupe_key for m in outbox(MailPurpose.INVITE)][-1] == f"invite:{late.id}:0"
    assert len(outbox(MailPurpose.INVITE)) == 3


def test_f5_two_sends_at_the_same_moment_queue_each_invitation_once(app):
    meeting = factories.make_future_meeting()
    _people(5, meeting)
    meeting_id = meeting.id
    db.session.remove()
    reports: list[sending.SendReport] = []
    start = threading.Barrier(2)

    def press() -> None:
        with app.app_context():
            start.wait()
            reports.append(sending.send_invitations(db.session.get(Meeting, meeting_id)))
            db.session.remove()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.sent for r in reports) == [0, 5]
    keys = [m.dedupe_key for m in outbox(MailPurpose.INVITE)]
    assert len(keys) == len(set(keys)) == 5


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "draft"}, "scheduled"),
        ({"starts": dt.datetime(2026, 1, 5, 10), "ends": dt.datetime(2026, 1, 6, 18)}, "started"),
    ],
)
def test_nothing_is_sent_for_a_draft_or_a_past_meeting(app, change, problem):
    meeting = factories.make_future_meeting(**change)
    _people(1, meeting)

    report = sending.send_invitations(meeting)

    assert problem in report.message() and report.sent == 0
    assert outbox() == []


def test_moving_the_meeting_sends_updates_to_those_reached_in_the_same_commit(app):
    meeting = factories.make_future_meeting()
    reached, waiting = _people(2, meeting)
    sending.send_invitations(meeting)
    never = factories.make_invitation(
        meeting, factories.make_contact("Late", "L", emails=["l@x.org"])
    )
    row = next(m for m in outbox() if m.invitation_id == reached.id)
    row.status = OutboxStatus.SENT  # delivered; the other invitation is still queued
    db.session.commit()

    _move_by_a_day(meeting)

    assert meeting.sequence == 1
    updates = outbox(MailPurpose.UPDATE)
    assert [m.dedupe_key for m in updates] == [f"update:{reached.id}:1"]
    # The invitation that had not left is replaced by one with the new dates.
    invites = {m.dedupe_key: m.status for m in outbox(MailPurpose.INVITE)}
    assert invites[f"invite:{waiting.id}:0"] is OutboxStatus.CANCELLED
    assert invites[f"invite:{waiting.id}:1"] is OutboxStatus.QUEUED
    # Someone added but never sent anything is not told of the move.
    assert not [m for m in outbox() if m.invitation_id == never.id]
    email = render(updates[0])
    assert email.subject.startswith("Updated: ")
    assert checks.event_identity(email.calendar) == (meeting.uid, 1)


def test_a_rename_alone_sends_no_update(app):
    meeting = factories.make_future_meeting()
    _people(1, meeting)
    sending.send_invitations(meeting)
    data = data_of(meeting)
    data.title = "Fourteenth Meeting of States Parties (resumed)"
    with acting_as("test"):
        update_meeting(meeting, data, meeting.version)

    assert outbox(MailPurpose.UPDATE) == []


def test_a_stale_move_is_a_conflict_and_queues_nothing(app):
    meeting = factories.make_future_meeting()
    _people(1, meeting)
    sending.send_invitations(meeting)
    stale = meeting.version
    _move_by_a_day(meeting)
    before = [(m.dedupe_key, m.status) for m in outbox()]
    data = data_of(meeting)
    data.starts += dt.timedelta(days=1)
    data.ends += dt.timedelta(days=1)

    with pytest.raises(ConflictError), acting_as("test"):
        update_meeting(meeting, data, stale)

    db.session.rollback()
    assert [(m.dedupe_key, m.status) for m in outbox()] == before
    assert db.session.get(Meeting, meeting.id).sequence == 1


def test_cancelling_sends_a_cancel_to_everyone_reached_withdraws_the_rest_and_revokes_links(app):
    meeting = factories.make_future_meeting()
    invitations = _people(3, meeting)
    sending.send_invitations(meeting)
    deliver_due()
    late = _people(1, meeting)[0]
    sending.send_invitations(meeting)  # queued, not delivered
    token = make_token(db.session.get(Invitation, invitations[0].id), "unsubscribe")

    with acting_as("test"):
        cancel_meeting(meeting, meeting.version)

    cancels = outbox(MailPurpose.CANCEL)
    assert sorted(m.dedupe_key for m in cancels) == sorted(f"cancel:{i.id}:1" for i in invitations)
    assert {m.status for m in outbox(MailPurpose.INVITE) if m.invitation_id == late.id} == {
        OutboxStatus.CANCELLED
    }
    assert load_invitation(token, "unsubscribe") is None
    email = render(cancels[0])
    assert email.calendar_method == "CANCEL"
    assert "STATUS:CANCELLED" in email.calendar.decode()
    assert checks.event_identity(email.calendar) == (meeting.uid, 1)
    assert "has been cancelled" in email.text


def test_removing_someone_not_yet_sent_deletes_the_invitation(app):
    meeting = factories.make_future_meeting()
    (invitation,) = _people(1, meeting)
    invitation_id = invitation.id

    assert sending.remove_invitee(invitation) == "deleted"
    assert db.session.get(Invitation, invitation_id) is None


def test_removing_someone_reached_sends_them_a_cancel_above_the_last_request(app):
    meeting = factories.make_future_meeting()
    removed, stays = _people(2, meeting)
    sending.send_invitations(meeting)
    deliver_due()
    token = make_token(removed, "rsvp")

    assert sending.remove_invitee(removed) == "cancelled"

    (cancel,) = outbox(MailPurpose.CANCEL)
    assert cancel.invitation_id == removed.id and cancel.dedupe_key == f"cancel:{removed.id}:1"
    email = render(cancel)
    assert checks.event_identity(email.calendar) == (meeting.uid, 1)  # the REQUEST had 0
    assert "has been withdrawn" in email.text
    assert email.unsubscribe_url is None  # their links open nothing any more
    assert load_invitation(token, "rsvp") is None
    assert db.session.get(Invitation, removed.id).removed_at is not None
    # Moving the meeting later tells the one who stays, not the one removed.
    _move_by_a_day(meeting)
    assert [m.invitation_id for m in outbox(MailPurpose.UPDATE)] == [stays.id]


def test_removing_someone_whose_invitation_had_not_left_withdraws_it_without_a_cancel(app):
    meeting = factories.make_future_meeting()
    (invitation,) = _people(1, meeting)
    sending.send_invitations(meeting)

    assert sending.remove_invitee(invitation) == "removed"
    assert pending(MailPurpose.INVITE) == [] and outbox(MailPurpose.CANCEL) == []


def test_an_invitation_for_a_meeting_cancelled_since_it_was_queued_is_not_built(app):
    meeting = factories.make_future_meeting()
    _people(1, meeting)
    sending.send_invitations(meeting)
    message_id = outbox(MailPurpose.INVITE)[0].id
    with acting_as("test"):
        cancel_meeting(meeting, meeting.version)
    message = db.session.get(OutboxMessage, message_id)

    with pytest.raises(RuntimeError):
        render(message)


def test_the_meeting_overview_counts_answers_and_deliveries(app):
    meeting = factories.make_future_meeting()
    first, second, _third = _people(3, meeting)
    sending.send_invitations(meeting)
    deliver_due(now=utcnow())
    _people(1, meeting)
    with acting_as("test"):
        first.answer = first.answer.ATTENDING
        second.answer = second.answer.DECLINED
        db.session.commit()

    overview = sending.meeting_overview(meeting)

    assert overview.invited == 4 and overview.answered == 2 and overview.unsent == 1
    assert overview.deliveries["sent"] == 3 and overview.deliveries["not sent"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3
