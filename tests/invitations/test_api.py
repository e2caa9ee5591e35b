"""/api/v1/meetings/<id>/audience, …/preview, …/send and /api/v1/invitations: the services of the
pages, in the OpenAPI document, staff only, and fuzzed without a server error."""

from __future__ import annotations

import pytest

from outreach.db import utcnow
from outreach.extensions import db
from outreach.invitations import sending
from outreach.invitations.models import Delegate
from outreach.mail.worker import deliver_due
from tests import factories
from tests.api.fuzzing import server_errors
from tests.factories import api_headers


@pytest.fixture
def app_config(app_config):
    """No pause between messages."""
    app_config["MAIL_RATE_PER_MINUTE"] = 1_000_000
    return app_config


@pytest.fixture
def headers(staff):
    return api_headers(staff.email)


@pytest.fixture
def meeting(app):
    return factories.make_future_meeting()


def _url(meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.id}/audience{rest}"


def test_missions_segments_and_contacts_are_added_without_duplicates(
    client, headers, meeting, missions
):
    by_status = client.post(
        _url(meeting), json={"missions": {"status": "state_party"}}, headers=headers
    )
    assert by_status.status_code == 200
    assert by_status.get_json()["added"] == 4
    assert "Germany" in by_status.get_json()["without_focal_point"]

    again = client.post(
        _url(meeting),
        json={"segment": {"kind": "permanent_mission", "focal_points": True}},
        headers=headers,
    ).get_json()
    assert (again["added"], again["already"]) == (2, 4)  # Indonesia's and the USA's focal points

    one = client.post(
        _url(meeting), json={"contact_ids": [missions.austria[0].id]}, headers=headers
    ).get_json()
    assert (one["added"], one["already"]) == (0, 1)

    listed = client.get(_url(meeting), headers=headers).get_json()
    assert [row["name"] for row in listed][:2] == ["Luc Bernard", "Lucía García"]
    claire = next(row for row in listed if row["name"] == "Claire Martin")
    assert claire["delegation"] == "FRA" and claire["language"] == "fr"
    assert claire["address"] == "claire.martin@fra-mission.example" and not claire["sent"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "_schema"),
        ({"contact_ids": [1], "segment": {"tag": "x"}}, "_schema"),
        ({"segment": {}}, "status"),
        ({"segment": {"region": "Atlantis"}}, "region"),
        ({"missions": {"states": ["ZZZ"]}}, "states"),
        ({"missions": {"status": "friends"}}, "missions"),
    ],
)
def test_bad_additions_get_a_message_per_field(client, headers, meeting, body, field):
    response = client.post(_url(meeting), json=body, headers=headers)

    assert response.status_code == 422
    assert field in str(response.get_json()["errors"])


def test_the_preview_says_who_is_left_out_and_why(client, headers, meeting):
    ok = factories.make_contact("Able", "Ada", emails=["ada@example.org"])
    quiet = factories.make_contact("Busy", "Bo", emails=["bo@example.org"], do_not_email=True)
    nowhere = factories.make_contact("Ghost", "Gus")
    client.post(_url(meeting), json={"contact_ids": [ok.id, quiet.id, nowhere.id]}, headers=headers)

    preview = client.get(_url(meeting, "/preview"), headers=headers).get_json()

    assert [row["name"] for row in preview["included"]] == ["Ada Able"]
    assert {row["name"]: row["left_out"] for row in preview["left_out"]} == {
        "Bo Busy": "do_not_email",
        "Gus Ghost": "no_email",
    }
    assert preview["reasons"] == {"do_not_email": 1, "no_email": 1}
    assert preview["not_yet_sent"] == 1


def test_send_is_idempotent_and_refused_for_a_draft(client, headers, meeting):
    factories.make_invitation(meeting)
    url = f"/api/v1/meetings/{meeting.id}/send"

    first = client.post(url, headers=headers)
    again = client.post(url, headers=headers)

    assert first.status_code == 200 and first.get_json()["sent"] == 1
    assert again.status_code == 200 and again.get_json()["sent"] == 0
    draft = factories.make_future_meeting("A draft", code="D1", status="draft")
    refused = client.post(f"/api/v1/meetings/{draft.id}/send", headers=headers)
    assert refused.status_code == 422 and "draft" in str(refused.get_json()["errors"])


def test_removing_before_and_after_sending(client, headers, meeting):
    kept = factories.make_invitation(meeting)
    sending.send_invitations(meeting)
    deliver_due(now=utcnow())
    fresh = factories.make_invitation(
        meeting, factories.make_contact("New", "Nat", emails=["n@x.org"])
    )

    deleted = client.delete(_url(meeting, f"/{fresh.id}"), headers=headers)
    cancelled = client.delete(_url(meeting, f"/{kept.id}"), headers=headers)
    twice = client.delete(_url(meeting, f"/{kept.id}"), headers=headers)

    assert deleted.get_json() == {"outcome": "deleted"}
    assert cancelled.get_json() == {"outcome": "cancelled"}
    assert twice.status_code == 422
    other = factories.make_future_meeting("Other", code="O1")
    assert (
        client.delete(
            f"/api/v1/meetings/{other.id}/audience/{kept.id}", headers=headers
        ).status_code
        == 404
    )


def test_invitations_show_delivery_answer_delegates_and_sponsorship(client, headers, meeting):
    invitation = factories.make_invitation(meeting)
    sending.send_invitations(meeting)
    deliver_due(now=utcnow())
    invitation.answer = invitation.answer.ATTENDING
    invitation.sponsorship = invitation.sponsorship.REQUESTED
    invitation.delegates.append(Delegate(name="Inès Petit", title="Expert", position=0))
    db.session.commit()

    listed = client.get(f"/api/v1/invitations?meeting={meeting.id}", headers=headers).get_json()
    one = client.get(f"/api/v1/invitations/{invitation.id}", headers=headers).get_json()

    assert listed["total"] == 1 and listed["items"][0]["delivery"] == "sent"
    assert one["answer"] == "attending" and one["sponsorship"] == "requested"
    assert [d["name"] for d in one["delegates"]] == ["Inès Petit"]
    assert [(m["purpose"], m["status"]) for m in one["messages"]] == [("invite", "sent")]
    assert one["sent_sequence"] == 0 and one["address"] == "marie.dupont@mission.example"
    assert client.get("/api/v1/invitations/999999", headers=headers).status_code == 404


def test_coordinators_may_neither_read_nor_change_invitations(client, coordinator, meeting):
    invitation = factories.make_invitation(meeting)
    headers = api_headers(coordinator.email)

    for url in (
        _url(meeting),
        _url(meeting, "/preview"),
        "/api/v1/invitations",
        f"/api/v1/invitations/{invitation.id}",
    ):
        assert client.get(url, headers=headers).status_code == 403, url
    assert client.post(_url(meeting), json={"contact_ids": [1]}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/meetings/{meeting.id}/send", headers=headers).status_code == 403
    assert client.delete(_url(meeting, f"/{invitation.id}"), headers=headers).status_code == 403


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    base = "/api/v1/meetings/{meeting_id}"
    assert {"get", "post"} <= set(paths[f"{base}/audience"])
    assert "delete" in paths[f"{base}/audience/{{invitation_id}}"]
    assert "get" in paths[f"{base}/audience/preview"]
    assert "post" in paths[f"{base}/send"]
    assert (
        "get" in paths["/api/v1/invitations"]
        and "get" in paths["/api/v1/invitations/{invitation_id}"]
    )


def test_fuzzing_the_invitations_api_finds_no_server_error(app, staff, missions):
    meeting = factories.make_future_meeting()
    factories.make_invitation(meeting)
    wanted = ("/audience", "/send", "/invitations")
    fuzzed, errors = server_errors(
        app, api_headers(staff.email), lambda path: any(w in path for w in wanted), max_examples=8
    )

    assert fuzzed == 7
    assert errors == []
