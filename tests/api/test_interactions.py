"""/api/v1/interactions: the list with its filters, one record, create, change with the
version (409 on conflict); coordinators read normal interactions only and may not write."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp, Interaction
from tests.api.fuzzing import server_errors
from tests.factories import api_headers, make_dialogue, make_interaction, make_organisation

URL = "/api/v1/interactions"


@pytest.fixture
def headers(staff):
    """A staff member's bearer token."""
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    """A coordinator's bearer token."""
    return api_headers(coordinator.email)


def test_without_a_token_every_method_is_401(client):
    for method, url in (("get", URL), ("post", URL), ("get", f"{URL}/1"), ("patch", f"{URL}/1")):
        assert getattr(client, method)(url, json={}).status_code == 401


def test_staff_log_a_confidential_demarche_with_a_follow_up(client, headers, staff, admin):
    dialogue = make_dialogue("IDN")
    mission = make_organisation("Indonesian Mission", kind="permanent_mission", state_iso3="IDN")
    response = client.post(
        URL,
        headers=headers,
        json={
            "kind": "demarche",
            "occurred_on": "2026-01-20",
            "occurred_at_time": "10:30",
            "subject": "Ratification démarche",
            "summary": "We **discussed** it.",
            "confidential": True,
            "states": ["idn"],
            "organisation_ids": [mission.id],
            "staff_ids": [staff.id],
            "areas": ["universalization"],
            "dialogue_ids": [dialogue.id],
            "followup": {
                "description": "Send the model",
                "owner_id": admin.id,
                "due_on": "2026-02-01",
            },
            "created_by_id": 999,
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sensitivity"] == "confidential" and body["states"] == ["IDN"]
    assert body["organisations"] == [{"id": mission.id, "name": "Indonesian Mission"}]
    assert body["dialogues"] == [{"id": dialogue.id, "name": "Indonesia — Universalization"}]
    assert body["areas"] == ["universalization"] and body["occurred_at_time"] == "10:30:00"
    assert body["version"] == 1
    followup = db.session.scalars(sa.select(FollowUp)).one()
    assert (followup.owner_id, followup.dialogue_id) == (admin.id, dialogue.id)
    assert db.session.get(Interaction, body["id"]).created_by_id == staff.id


def test_invalid_values_get_a_message_per_field(client, headers):
    response = client.post(
        URL,
        headers=headers,
        json={"kind": "demarche", "occurred_on": "2026-01-20", "subject": "x", "states": ["ZZZ"]},
    )
    assert response.status_code == 422
    assert "ZZZ" in response.get_json()["errors"]["states"][0]
    response = client.post(URL, headers=headers, json={"kind": "chat", "subject": ""})
    assert set(response.get_json()["errors"]) == {"kind", "subject", "occurred_on"}
    response = client.post(
        URL,
        headers=headers,
        json={"kind": "call", "occurred_on": "2026-01-20", "subject": "x", "dialogue_ids": [99]},
    )
    assert response.status_code == 422 and "dialogues" in response.get_json()["errors"]


def test_patch_with_the_version_and_409_on_a_conflict(client, headers):
    interaction = make_interaction("Call", outcome="Nothing yet")
    url = f"{URL}/{interaction.id}"
    response = client.patch(
        url, headers=headers, json={"outcome": "They will ratify", "version": 1}
    )
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "They will ratify"
    assert response.get_json()["version"] == 2 and response.get_json()["subject"] == "Call"

    stale = client.patch(url, headers=headers, json={"subject": "Mine", "version": 1})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["version"] == 2
    assert [(c["field"], c["before"], c["after"]) for c in body["changes"]] == [
        ("outcome", "Nothing yet", "They will ratify")
    ]
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).subject == "Call"
    assert client.patch(f"{URL}/424242", headers=headers, json={"version": 1}).status_code == 404


def test_the_list_filters_and_searches_ignoring_accents(client, headers):
    make_interaction("Démarche in Jakarta", kind="demarche", occurred_on=dt.date(2026, 2, 1))
    make_interaction("Call", kind="call", occurred_on=dt.date(2026, 1, 1), confidential=True)
    body = client.get(URL, headers=headers).get_json()
    assert [i["subject"] for i in body["items"]] == ["Démarche in Jakarta", "Call"]
    assert body["total"] == 2 and body["per_page"] == 50

    def subjects(query):
        return [i["subject"] for i in client.get(f"{URL}?{query}", headers=headers).json["items"]]

    assert subjects("q=DEMARCHE") == ["Démarche in Jakarta"]
    assert subjects("kind=call") == ["Call"]
    assert subjects("date_to=2026-01-31") == ["Call"]
    assert subjects("sensitivity=confidential") == ["Call"]
    assert client.get(f"{URL}?kind=chat", headers=headers).status_code == 422


def test_a_coordinator_reads_only_normal_interactions_and_may_not_write(
    client, coordinator_headers
):
    open_one = make_interaction("Open meeting")
    secret = make_interaction("Secret démarche", confidential=True)
    body = client.get(URL, headers=coordinator_headers).get_json()
    assert [i["subject"] for i in body["items"]] == ["Open meeting"]
    query = f"{URL}?q=secret&sensitivity=confidential"
    assert client.get(query, headers=coordinator_headers).get_json()["total"] == 0
    assert client.get(f"{URL}/{open_one.id}", headers=coordinator_headers).status_code == 200
    assert client.get(f"{URL}/{secret.id}", headers=coordinator_headers).status_code == 404
    new = {"kind": "call", "occurred_on": "2026-01-20", "subject": "Sneaky"}
    assert client.post(URL, headers=coordinator_headers, json=new).status_code == 403
    response = client.patch(
        f"{URL}/{open_one.id}", headers=coordinator_headers, json={"subject": "x", "version": 1}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Interaction.id))) == 2


def test_a_coordinator_sees_only_the_dialogues_of_their_areas(client, coordinator_headers):
    mine, other = make_dialogue("IDN"), make_dialogue("LAO", "clearance")
    interaction = make_interaction("Open meeting", dialogue_ids=[mine.id, other.id])
    body = client.get(f"{URL}/{interaction.id}", headers=coordinator_headers).get_json()
    assert [d["id"] for d in body["dialogues"]] == [mine.id]


def test_fuzzing_the_interactions_api_finds_no_server_error(app, staff):
    make_interaction("Open meeting")
    with acting_as("test"):
        services.create_followup(services.FollowUpData("Call back", staff.id, dt.date(2026, 1, 1)))
    fuzzed, errors = server_errors(
        app,
        api_headers(staff.email),
        lambda path: path.startswith(("/api/v1/interactions", "/api/v1/followups")),
        max_examples=15,
    )
    assert fuzzed == 8  # list, create, read and change, of interactions and follow-ups
    assert errors == []
