"""The pages: the audience with its preview, sending from the meeting page, the invitations
section of the meeting page, the message preview with "Send a test to me", and the templates."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.extensions import db
from outreach.invitations import audience, sending
from outreach.invitations.models import Invitation, MessageTemplate
from outreach.mail.models import MailPurpose
from outreach.mail.worker import deliver_due
from tests import factories
from tests.conftest import csrf_token
from tests.invitations.conftest import outbox


@pytest.fixture
def app_config(app_config):
    """No pause between messages."""
    app_config["MAIL_RATE_PER_MINUTE"] = 1_000_000
    return app_config


@pytest.fixture
def meeting(app):
    return factories.make_future_meeting()


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _people(meeting, count: int, start: int = 0) -> list[Invitation]:
    return [
        factories.make_invitation(
            meeting,
            factories.make_contact(
                f"Name{i}",
                "Pat",
                emails=[f"p{i}@example.org"],
                organisation=factories.make_organisation(f"Org {i}", "ngo"),
            ),
        )
        for i in range(start, start + count)
    ]


def test_the_audience_page_adds_missions_and_shows_who_is_in_and_who_is_left_out(
    client, auth, staff, meeting, missions
):
    auth.login(staff.email)
    quiet = factories.make_contact("Quiet", "Quinn", emails=["q@example.org"], do_not_email=True)
    audience.add_contacts(meeting, [quiet.id])
    path = f"/meetings/{meeting.id}/audience"

    response = auth.post(f"{path}/missions", {"every": "state_party"}, form_page=path)

    assert response.headers["Location"] == path
    html = _page(client, path)
    assert "Added 4 people to the audience." in html
    assert "claire.martin@fra-mission.example" in html
    assert "States Parties — mission focal points" in html
    assert "Does not want emails (do not email)" in html
    assert "Send invitations (4)" in html


def test_a_segment_with_no_criterion_is_refused_next_to_the_field_keeping_the_values(
    client, auth, staff, meeting
):
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}/audience"

    response = auth.post(f"{path}/segment", {"keyword": "alchemy"}, form_page=path)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="keyword-error"' in html and "No contact has this expertise keyword." in html
    assert 'value="alchemy"' in html


def test_contacts_are_found_and_added_one_by_one(client, auth, staff, meeting):
    auth.login(staff.email)
    marie = factories.make_contact("Dupont", "Marie", emails=["marie@example.org"])
    path = f"/meetings/{meeting.id}/audience"

    found = _page(client, f"{path}?q=dupont")
    assert f'value="{marie.id}"' in found
    auth.post(f"{path}/contacts", {"contact_ids": [marie.id]}, form_page=path)

    assert "(already invited)" in _page(client, f"{path}?q=dupont")
    assert [inv.contact_id for inv in audience.audience_of(meeting)] == [marie.id]


def test_the_audience_page_runs_a_constant_number_of_queries(
    client, auth, staff, meeting, count_queries
):
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}/audience"
    _people(meeting, 3)
    client.get(path)
    with count_queries() as few:
        _page(client, path)
    _people(meeting, 20, start=3)
    client.get(path)  # the records just made left the session: reload the signed-in user
    with count_queries() as many:
        _page(client, path)

    assert many.count == few.count


def test_sending_from_the_meeting_page_and_pressing_again_sends_nothing_more(
    client, auth, staff, meeting
):
    auth.login(staff.email)
    _people(meeting, 2)
    path = f"/meetings/{meeting.id}"
    token = csrf_token(client, path)

    first = client.post(f"{path}/send", data={"csrf_token": token})
    replay = client.post(f"{path}/send", data={"csrf_token": token})

    assert first.headers["Location"] == path and replay.status_code == 302
    html = _page(client, path)
    assert "Already sent to everyone in the audience" in html
    assert len(outbox(MailPurpose.INVITE)) == 2


def test_the_meeting_page_shows_each_invitees_delivery_and_answer_to_staff_only(
    client, auth, staff, coordinator, meeting
):
    first, second = _people(meeting, 2)
    sending.send_invitations(meeting)
    deliver_due()
    first.answer = first.answer.ATTENDING
    db.session.commit()
    auth.login(staff.email)

    html = _page(client, f"/meetings/{meeting.id}")

    assert 'id="invitations-title"' in html
    assert "1 attending · 0 maybe · 0 not attending · 1 no answer" in html
    assert "0 queued · 2 sent · 0 deferred · 0 failed" in html
    assert "Pat Name0" in html and "Attending" in html
    assert html.count(".eml<span") == 2  # the files written without a mail server
    auth.logout()
    auth.login(coordinator.email)
    seen = _page(client, f"/meetings/{meeting.id}")
    assert "Fourteenth Meeting of States Parties" in seen
    assert "invitations-title" not in seen and "Pat Name0" not in seen


def test_the_meeting_page_runs_a_constant_number_of_queries(
    client, auth, staff, meeting, count_queries
):
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}"
    _people(meeting, 3)
    sending.send_invitations(meeting)
    client.get(path)
    with count_queries() as few:
        _page(client, path)
    _people(meeting, 20, start=3)
    sending.send_invitations(meeting)
    client.get(path)  # the records just made left the session: reload the signed-in user
    with count_queries() as many:
        _page(client, path)

    assert many.count == few.count


def test_removing_from_the_audience_page(client, auth, staff, meeting):
    auth.login(staff.email)
    (invitation,) = _people(meeting, 1)
    path = f"/meetings/{meeting.id}/audience"

    auth.post(f"{path}/remove", {"invitation_id": invitation.id}, form_page=path)

    assert "Pat Name0 was removed from the audience." in _page(client, path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_another_meetings_invitation_cannot_be_removed(client, auth, staff, meeting):
    auth.login(staff.email)
    other = factories.make_future_meeting("Other meeting", code="X1")
    (invitation,) = _people(other, 1)
    path = f"/meetings/{meeting.id}/audience"

    response = auth.post(f"{path}/remove", {"invitation_id": invitation.id}, form_page=path)

    assert response.status_code == 404
    assert db.session.get(Invitation, invitation.id) is not None


def test_the_preview_shows_the_message_an_invitee_gets_and_sends_a_test_to_me(
    client, auth, staff, meeting
):
    auth.login(staff.email)
    claire = factories.make_contact(
        "Martin", "Claire", emails=["claire@fra.example"], preferred_language="fr"
    )
    invitation = factories.make_invitation(meeting, claire)
    path = f"/meetings/{meeting.id}/messages?purpose=cancel&invitation={invitation.id}"

    html = _page(client, path)
    assert "Annulation : Fourteenth Meeting of States Parties, 14–17 septembre 2027" in html
    assert "METHOD:CANCEL" in html

    response = auth.post(
        f"/meetings/{meeting.id}/messages/test",
        {"purpose": "cancel", "invitation": invitation.id},
        form_page=path,
    )

    assert "A test is on its way to specialist@isu.example." in _page(
        client, response.headers["Location"]
    )
    (test,) = outbox(MailPurpose.TEST)
    assert test.to_address == staff.email and test.mailing.variant == f"cancel:{invitation.id}"


def test_the_templates_list_and_a_bad_edit_keeps_what_was_typed(client, auth, staff):
    auth.login(staff.email)
    listed = _page(client, "/meetings/templates?kind=workshop")
    assert "Workshop or seminar" in listed and "General text" in listed
    path = "/meetings/templates/edit?purpose=invite&kind=workshop&language=es"

    response = auth.post(
        path, {"subject": "Taller {{ meeting_titel }}", "body": "Hola", "version": ""}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Unknown merge field: {{ meeting_titel }}" in html
    assert 'value="Taller {{ meeting_titel }}"' in html


def test_saving_a_kinds_own_text_and_a_stale_form(client, auth, staff):
    auth.login(staff.email)
    path = "/meetings/templates/edit?purpose=update&kind=workshop&language=en"
    page = _page(client, path)
    assert "has no text of its own yet" in page
    token = csrf_token(client, path)

    saved = client.post(
        path,
        data={
            "csrf_token": token,
            "subject": "Changed: {{ meeting_title }}",
            "body": "Hi",
            "version": "",
        },
    )
    stale = client.post(
        path, data={"csrf_token": token, "subject": "Other", "body": "Hi", "version": ""}
    )

    assert saved.headers["Location"] == "/meetings/templates?kind=workshop"
    assert stale.status_code == 409
    assert "Someone else saved this text after you opened it" in stale.get_data(as_text=True)
    stored = db.session.scalar(
        sa.select(MessageTemplate).where(MessageTemplate.meeting_kind == "workshop")
    )
    assert stored.subject == "Changed: {{ meeting_title }}"


def test_unknown_template_slots_are_not_found(client, auth, staff):
    auth.login(staff.email)

    for query in (
        "purpose=digest&language=en",
        "purpose=invite&language=de",
        "purpose=invite&kind=x&language=en",
    ):
        assert client.get(f"/meetings/templates/edit?{query}").status_code == 404


def test_coordinators_may_not_open_or_use_the_audience(client, auth, coordinator, meeting):
    auth.login(coordinator.email)
    path = f"/meetings/{meeting.id}/audience"

    assert client.get(path).status_code == 403
    token = csrf_token(client, "/account")
    assert (
        client.post(f"/meetings/{meeting.id}/send", data={"csrf_token": token}).status_code == 403
    )
    assert client.get("/meetings/templates").status_code == 403


def test_i5_a_forged_host_is_refused_when_hosts_are_configured(make_app):
    guarded = make_app(TRUSTED_HOSTS=["outreach.test"])
    with guarded.app_context():
        meeting = factories.make_future_meeting()
        response = guarded.test_client().post(
            f"/meetings/{meeting.id}/send", headers={"Host": "evil.example"}
        )

    assert response.status_code == 400


def test_hostile_input_gets_a_clear_answer_never_a_server_error(client, auth, staff, meeting):
    auth.login(staff.email)
    path = f"/meetings/{meeting.id}/audience"

    for url in (
        f"{path}?q=%00%27%3B--",
        f"/meetings/{meeting.id}/messages?purpose=%00&invitation=1%27",
        "/meetings/templates?kind=%00",
    ):
        assert client.get(url).status_code == 200, url
    missions = auth.post(f"{path}/missions", {"states": ["FR\x00"]}, form_page=path)
    assert missions.status_code == 422
    assert "Choose States from the list" in missions.get_data(as_text=True)
    removed = auth.post(f"{path}/remove", {"invitation_id": "1 OR 1=1"}, form_page=path)
    assert removed.status_code == 404
    template = auth.post(
        "/meetings/templates/edit?purpose=invite&language=en",
        {"subject": "Hi", "body": "Body\x00", "version": ""},
        form_page="/meetings/templates/edit?purpose=invite&language=en",
    )
    assert template.status_code == 422
