"""Reminders: staff choose who, each chosen invitee gets one message a day at most, and those who
cannot be emailed are left out with the reason."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from outreach.directory.errors import ValidationError
from outreach.extensions import db
from outreach.invitations.models import Answer
from outreach.mail.models import Mailing, MailPurpose, OutboxMessage, OutboxStatus
from outreach.participants import services
from outreach.participants.services import Variant
from tests import factories
from tests.participants.conftest import (
    attending,
    bounce,
    erase,
    invite,
    outbox,
    queries_of_page,
    sent,
)

CHECKED_BOX = re.compile(
    r'<input type="checkbox" name="invitations" value="(\d+)" id="(\w+)-invitation-\d+"( checked)?>'
)


def boxes(html: str, variant: str) -> dict[int, bool]:
    """The reminder checkboxes of one section: invitation id → ticked."""
    return {int(i): bool(c) for i, v, c in CHECKED_BOX.findall(html) if v == variant}


@pytest.fixture
def waiting(app: Any) -> dict[str, Any]:
    """A meeting with three invitees waiting for an answer, and others who are not."""
    meeting = factories.make_future_meeting()
    return {
        "meeting": meeting,
        "anna": invite(meeting, "Berg", "Anna", **sent()),
        "boris": invite(meeting, "Petrov", "Boris", language="fr", **sent()),
        "carla": invite(meeting, "Ruiz", "Carla", language="es", **sent()),
        "not_sent": invite(meeting, "Later", "Lou"),
        "coming": invite(meeting, "Yes", "Yann", **attending()),
        "declined": invite(meeting, "No", "Nora", **attending(answer=Answer.DECLINED)),
    }


def page(meeting: Any) -> str:
    return f"/meetings/{meeting.id}/reminders"


def test_the_page_lists_those_who_have_not_answered_all_ticked(client, auth, staff, waiting):
    auth.login(staff.email)
    response = client.get(page(waiting["meeting"]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    unanswered = boxes(html, "unanswered")
    expected = {waiting[name].id for name in ("anna", "boris", "carla")}
    assert unanswered == dict.fromkeys(expected, True)
    assert boxes(html, "before") == {waiting["coming"].id: True}
    assert "3 to remind." in html
    assert "Lou Later" not in html  # never sent an invitation: nothing to remind them of


def test_staff_untick_one_and_only_the_others_get_a_reminder(client, auth, staff, waiting):
    meeting = waiting["meeting"]
    auth.login(staff.email)
    chosen = [waiting["anna"].id, waiting["carla"].id]
    response = auth.post(
        page(meeting), {"variant": "unanswered", "invitations": chosen, "send": "y"}, page(meeting)
    )
    assert response.status_code == 302
    messages = outbox()
    assert sorted(m.invitation_id for m in messages) == sorted(chosen)
    today = dt.datetime.now(dt.UTC).astimezone(meeting.zone).date().isoformat()
    assert {m.dedupe_key for m in messages} == {f"reminder:{i}:unanswered:{today}" for i in chosen}
    carla = next(m for m in messages if m.invitation_id == waiting["carla"].id)
    assert carla.to_address == "carla.ruiz@example.org"
    assert carla.language == "es"
    assert carla.status is OutboxStatus.QUEUED
    assert carla.expires_at == meeting.starts_at  # pointless once the meeting has started
    mailing = carla.mailing
    assert (mailing.purpose, mailing.variant, mailing.meeting_id) == (
        MailPurpose.REMINDER,
        "unanswered",
        meeting.id,
    )
    assert mailing.created_by_id == staff.id
    html = client.get(page(meeting)).get_data(as_text=True)
    assert "Reminders are on their way to 2 people: Anna Berg, Carla Ruiz." in html
    # Those reminded today are no longer ticked; Boris, who was unticked, still is.
    assert boxes(html, "unanswered") == {
        waiting["anna"].id: False,
        waiting["boris"].id: True,
        waiting["carla"].id: False,
    }


def test_f5_a_replayed_post_the_same_day_sends_nothing_more_and_says_so(
    client, auth, staff, waiting
):
    meeting = waiting["meeting"]
    auth.login(staff.email)
    data = {"variant": "unanswered", "invitations": [waiting["anna"].id], "send": "y"}
    first = auth.post(page(meeting), data, page(meeting))
    replay = client.post(page(meeting), data={**data, "csrf_token": _token(client, meeting)})
    assert first.status_code == replay.status_code == 302
    assert len(outbox()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mailing)) == 1
    html = client.get(page(meeting)).get_data(as_text=True)
    assert "1 person already had this reminder today, so nothing more was sent to them" in html


def _token(client: Any, meeting: Any) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, page(meeting))


def test_the_next_day_the_same_invitee_can_be_reminded_again(app, waiting):
    meeting, anna = waiting["meeting"], waiting["anna"]
    today = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    first = services.send_reminders(meeting, Variant.UNANSWERED, [anna.id], now=today)
    again = services.send_reminders(meeting, Variant.UNANSWERED, [anna.id], now=today)
    tomorrow = services.send_reminders(
        meeting, Variant.UNANSWERED, [anna.id], now=today + dt.timedelta(days=1)
    )
    assert [len(first.queued), len(again.queued), len(tomorrow.queued)] == [1, 0, 1]
    assert again.already == [anna]
    assert [m.dedupe_key for m in outbox()] == [
        f"reminder:{anna.id}:unanswered:2027-03-01",
        f"reminder:{anna.id}:unanswered:2027-03-02",
    ]


def test_the_day_is_the_meetings_day(app, waiting):
    meeting, anna = waiting["meeting"], waiting["anna"]
    # 23:30 UTC on 1 March is already 2 March in Geneva.
    late = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC)
    services.send_reminders(meeting, Variant.UNANSWERED, [anna.id], now=late)
    assert outbox()[0].dedupe_key.endswith(":2027-03-02")


def test_f5_a_concurrent_send_that_wins_the_race_leaves_one_message(app, waiting, monkeypatch):
    """Two presses at once: the other transaction inserted the same key after our check; our
    commit fails on the unique key, is rolled back, and says the reminder went already."""
    meeting, anna = waiting["meeting"], waiting["anna"]
    services.send_reminders(meeting, Variant.UNANSWERED, [anna.id])
    original = services.enqueue
    # Our check runs before the other transaction commits: it sees no row.
    monkeypatch.setattr(services, "_taken_keys", lambda keys: set())

    def enqueue_blind(mailing: Any, recipients: Any) -> Any:
        # ... and so does the outbox's own check.
        for r in recipients:
            db.session.add(
                OutboxMessage(
                    mailing=mailing,
                    dedupe_key=r.dedupe_key,
                    to_address=r.address,
                    invitation_id=r.invitation_id,
                    message_id=f"<race-{r.dedupe_key}@outreach.test>",
                )
            )
        return []

    monkeypatch.setattr(services, "enqueue", enqueue_blind)
    outcome = services.send_reminders(meeting, Variant.UNANSWERED, [anna.id])
    monkeypatch.setattr(services, "enqueue", original)
    assert outcome.queued == [] and [i.id for i in outcome.already] == [anna.id]
    assert len(outbox()) == 1


def test_f7_those_who_cannot_be_emailed_are_left_out_with_the_reason(client, auth, staff, app):
    meeting = factories.make_future_meeting()
    ok = invite(meeting, "Able", "Ada", **sent())
    no_email = invite(meeting, "Nomail", "Ned", email=None, **sent())
    opted_out = invite(meeting, "Optout", "Olga", do_not_email=True, **sent())
    bounced = invite(meeting, "Bounce", "Bea", **sent())
    bounce(bounced)
    erased = invite(meeting, "Erased", "Eve", **sent())
    erase(erased)
    removed = invite(meeting, "Removed", "Rob", **sent(removed_at=dt.datetime.now(dt.UTC)))
    auth.login(staff.email)
    html = client.get(page(meeting)).get_data(as_text=True)
    assert boxes(html, "unanswered") == {ok.id: True}
    left_out = html.split('id="unanswered-left-out"')[1].split("</table>")[0]
    for name, reason in [
        ("Ned Nomail", "No email address"),
        ("Olga Optout", "Does not want emails"),
        ("Bea Bounce", "hard-bounced"),
        ("Removed", "Removed from the audience"),
        ("Erased", "Erased"),
    ]:
        assert re.search(rf"{name}.*?</td>.*?<td>[^<]*{reason}", left_out, re.S), name
    # Their ids posted anyway (a tampered form): nothing is queued for them, and the page says so.
    everyone = [ok.id, no_email.id, opted_out.id, bounced.id, erased.id, removed.id]
    response = auth.post(
        page(meeting),
        {"variant": "unanswered", "invitations": everyone, "send": "y"},
        page(meeting),
    )
    assert response.status_code == 302
    assert [m.invitation_id for m in outbox()] == [ok.id]
    html = client.get(page(meeting)).get_data(as_text=True)
    assert "Not sent to 5 people: " in html
    assert "Ned Nomail (no email address)" in html


def test_those_who_answered_since_the_page_opened_are_not_reminded(client, auth, staff, waiting):
    meeting, anna, boris = waiting["meeting"], waiting["anna"], waiting["boris"]
    auth.login(staff.email)
    token = _token(client, meeting)
    boris.answer = Answer.DECLINED  # answered by the link in the meantime
    db.session.commit()
    client.post(
        page(meeting),
        data={
            "variant": "unanswered",
            "invitations": [anna.id, boris.id],
            "send": "y",
            "csrf_token": token,
        },
    )
    assert [m.invitation_id for m in outbox()] == [anna.id]
    html = client.get(page(meeting)).get_data(as_text=True)
    assert "1 person no longer waited for this reminder" in html


def test_before_the_meeting_those_attending_or_maybe_get_the_practical_details(
    client, auth, staff, app
):
    meeting = factories.make_future_meeting()
    coming = invite(meeting, "Yes", "Yann", **attending())
    perhaps = invite(meeting, "Perhaps", "Pia", **attending(answer=Answer.MAYBE))
    invite(meeting, "No", "Nora", **attending(answer=Answer.DECLINED))
    invite(meeting, "Silent", "Sam", **sent())
    # Recorded by phone without an emailed invitation: still told the practical details.
    by_phone = invite(meeting, "Phone", "Phil", answer=Answer.ATTENDING)
    auth.login(staff.email)
    html = client.get(page(meeting)).get_data(as_text=True)
    assert "answered “attending” or “maybe”" in html
    expected = {coming.id, perhaps.id, by_phone.id}
    assert boxes(html, "before") == dict.fromkeys(expected, True)
    response = auth.post(
        page(meeting),
        {"variant": "before", "invitations": sorted(expected), "send": "y"},
        page(meeting),
    )
    assert response.status_code == 302
    messages = outbox()
    assert {m.invitation_id for m in messages} == expected
    assert {m.mailing.variant for m in messages} == {"before"}
    assert all(":before:" in m.dedupe_key for m in messages)


def test_ticking_no_one_says_so_next_to_the_list(client, auth, staff, waiting):
    meeting = waiting["meeting"]
    auth.login(staff.email)
    response = auth.post(page(meeting), {"variant": "unanswered", "send": "y"}, page(meeting))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="unanswered-invitations-error">Tick at least one person to remind.' in html
    assert boxes(html, "unanswered") == dict.fromkeys(boxes(html, "unanswered"), False)
    assert outbox() == []


def test_a_tampered_value_gets_a_message_not_an_error(client, auth, staff, waiting):
    meeting = waiting["meeting"]
    auth.login(staff.email)
    response = auth.post(
        page(meeting),
        {"variant": "unanswered", "invitations": ["1 OR 1=1"], "send": "y"},
        page(meeting),
    )
    assert response.status_code == 422
    assert "one value was not understood" in response.get_data(as_text=True)
    assert outbox() == []


@pytest.mark.parametrize("moment", ["started", "cancelled", "deadline"])
def test_no_reminder_once_it_is_pointless(client, auth, staff, app, moment):
    meeting = factories.make_future_meeting(rsvp_deadline=dt.date(2027, 8, 31))
    anna = invite(meeting, "Berg", "Anna", **sent())
    if moment == "cancelled":
        from outreach.meetings.services import cancel_meeting

        cancel_meeting(meeting)
    travel = {
        "started": dt.datetime(2027, 9, 14, 9, tzinfo=dt.UTC),
        "deadline": dt.datetime(2027, 9, 2, 9, tzinfo=dt.UTC),
        "cancelled": dt.datetime.now(dt.UTC),
    }[moment]
    with time_machine.travel(travel, tick=False):
        auth.login(staff.email)
        html = client.get(page(meeting)).get_data(as_text=True)
        message = {
            "started": "This meeting has started: reminders are no longer sent.",
            "cancelled": "This meeting is cancelled: no reminder can be sent.",
            "deadline": "The date to answer by (31 August 2027) has passed",
        }[moment]
        assert message in html
        response = auth.post(
            page(meeting),
            {"variant": "unanswered", "invitations": [anna.id], "send": "y"},
            page(meeting),
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert outbox() == []


def test_the_service_refuses_an_empty_choice(app, waiting):
    with pytest.raises(ValidationError) as error:
        services.send_reminders(waiting["meeting"], Variant.UNANSWERED, [])
    assert error.value.errors == {"invitations": "Tick at least one person to remind."}


def test_the_reminders_page_loads_in_a_constant_number_of_queries(
    client, auth, staff, app, count_queries
):
    meeting = factories.make_future_meeting()
    at = factories.make_organisation(
        "Permanent Mission of Chile", "permanent_mission", state_iso3="CHL"
    )
    invite(meeting, "First", "Fay", at=at, **sent())
    invite(meeting, "Early", "Eli", at=at, **attending())

    def grow() -> None:
        for n in range(12):
            invite(meeting, f"Person{n}", "Pat", at=at, **sent())
            invite(meeting, f"Coming{n}", "Cody", at=at, **attending())

    url = page(meeting)
    auth.login(staff.email)
    few, many = queries_of_page(client, url, count_queries, grow)
    assert many == few


def test_an_unknown_meeting_is_not_found(client, auth, staff):
    auth.login(staff.email)
    assert client.get("/meetings/999999/reminders").status_code == 404


def test_a1_a_coordinator_can_neither_see_nor_send_reminders(client, auth, coordinator, waiting):
    meeting = waiting["meeting"]
    auth.login(coordinator.email)
    assert client.get(page(meeting)).status_code == 403
    response = auth.post(
        page(meeting),
        {"variant": "unanswered", "invitations": [waiting["anna"].id], "send": "y"},
        "/account",
    )
    assert response.status_code == 403
    assert outbox() == []
