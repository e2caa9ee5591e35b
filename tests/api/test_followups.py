"""/api/v1/followups: mine by default, the team's on request, open or done; create about an
interaction, dialogue or State; mark done, reopen, reassign. Coordinators get 403: follow-ups
are the ISU's own work."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.extensions import db
from outreach.interactions.models import FollowUp
from tests.factories import api_headers, make_dialogue, make_followup, make_interaction

URL = "/api/v1/followups"


@pytest.fixture
def headers(staff):
    """A staff member's bearer token."""
    return api_headers(staff.email)


def test_mine_by_default_the_teams_on_request_open_or_done(client, headers, staff, admin):
    make_followup(staff, dt.date(2026, 3, 2), "Mine later")
    make_followup(staff, dt.date(2026, 3, 1), "Mine sooner")
    make_followup(admin, dt.date(2026, 2, 1), "Theirs")
    done = make_followup(staff, dt.date(2026, 1, 1), "Mine done")
    client.patch(f"{URL}/{done.id}", headers=headers, json={"done": True})

    def descriptions(query=""):
        body = client.get(f"{URL}{query}", headers=headers).get_json()
        return [f["description"] for f in body["items"]]

    assert descriptions() == ["Mine sooner", "Mine later"]
    assert descriptions("?owner=all") == ["Theirs", "Mine sooner", "Mine later"]
    assert descriptions("?status=done") == ["Mine done"]
    assert descriptions("?status=all") == ["Mine done", "Mine sooner", "Mine later"]
    assert client.get(f"{URL}?owner=bob", headers=headers).status_code == 422


def test_create_about_a_dialogue_and_about_a_state(client, headers, staff, admin):
    dialogue = make_dialogue("LAO", "clearance")
    response = client.post(
        URL,
        headers=headers,
        json={
            "description": "Ask for the plan",
            "due_on": "2026-05-01",
            "dialogue_id": dialogue.id,
            "owner_id": admin.id,
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["dialogue"]["id"] == dialogue.id and body["state"] == "LAO"
    assert body["owner"] == {"id": admin.id, "name": "Dana Director"} and body["done"] is False
    response = client.post(
        URL,
        headers=headers,
        json={"description": "Congratulate", "due_on": "2026-03-01", "state": "vut"},
    )
    assert response.get_json()["state"] == "VUT"
    assert response.get_json()["owner"]["id"] == staff.id  # me by default


def test_invalid_follow_ups_get_a_message_per_field(client, headers, coordinator):
    response = client.post(
        URL,
        headers=headers,
        json={"description": "x", "due_on": "2026-03-01", "interaction_id": 424242, "state": "ZZZ"},
    )
    assert response.status_code == 422
    assert "state" in response.get_json()["errors"]
    response = client.post(
        URL,
        headers=headers,
        json={"description": "x", "due_on": "2026-03-01", "interaction_id": 424242},
    )
    assert set(response.get_json()["errors"]) == {"interaction_id"}
    response = client.post(
        URL,
        headers=headers,
        json={"description": "x", "due_on": "2026-03-01", "owner_id": coordinator.id},
    )
    assert set(response.get_json()["errors"]) == {"owner_id"}


def test_mark_done_reopen_reassign_and_move(client, headers, staff, admin):
    followup = make_followup(staff, dt.date(2026, 3, 1), "Call back")
    url = f"{URL}/{followup.id}"
    body = client.patch(url, headers=headers, json={"done": True}).get_json()
    assert body["done"] is True and body["done_at"]
    body = client.patch(
        url,
        headers=headers,
        json={
            "done": False,
            "owner_id": admin.id,
            "due_on": "2026-04-01",
            "description": "Call the mission back",
        },
    ).get_json()
    assert (body["done"], body["owner"]["id"], body["due_on"]) == (False, admin.id, "2026-04-01")
    assert body["description"] == "Call the mission back"
    assert client.patch(url, headers=headers, json={"description": ""}).status_code == 422
    assert client.patch(f"{URL}/424242", headers=headers, json={"done": True}).status_code == 404


def test_a_confidential_interactions_follow_up_stays_with_its_staff_owner(client, headers, staff):
    secret = make_interaction("Secret démarche", confidential=True)
    make_followup(staff, dt.date(2026, 3, 1), "Write it up", interaction_id=secret.id)
    [item] = client.get(URL, headers=headers).get_json()["items"]
    assert item["description"] == "Write it up"
    assert item["interaction"] == {"id": secret.id, "subject": "Secret démarche"}


def test_coordinators_get_403_on_every_follow_up_route(client, coordinator):
    headers = api_headers(coordinator.email)
    followup = make_followup(coordinator, dt.date(2026, 3, 1), "A coordinator's task")
    assert client.get(URL, headers=headers).status_code == 403
    assert client.get(f"{URL}/{followup.id}", headers=headers).status_code == 403
    assert client.post(URL, headers=headers, json={}).status_code == 403
    response = client.patch(f"{URL}/{followup.id}", headers=headers, json={"done": True})
    assert response.status_code == 403
    assert db.session.get(FollowUp, followup.id).done_at is None
