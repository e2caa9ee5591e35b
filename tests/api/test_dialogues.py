"""/api/v1/dialogues: the list's filters and visibility, one dialogue with its history, opening
(201, then 200 with the same one), changing with the version (409 on conflict), and fuzzing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.extensions import db
from tests.api.fuzzing import server_errors
from tests.dialogues.conftest import linked_interaction
from tests.factories import api_headers, make_dialogue

URL = "/api/v1/dialogues"


@pytest.fixture
def headers(staff):
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    return api_headers(coordinator.email)


def _error(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == code and body["message"]
    return body


def test_without_a_token_every_method_is_401(client):
    for method, url in (("get", URL), ("post", URL), ("get", f"{URL}/1"), ("patch", f"{URL}/1")):
        _error(getattr(client, method)(url, json={}), 401)


def test_the_list_has_the_envelope_and_every_field(client, headers, staff):
    dialogue = make_dialogue(
        "IDN", "universalization", next_step="Visit", next_step_due=dt.date(2026, 9, 1)
    )
    dialogue.responsible = [staff]
    db.session.commit()

    body = client.get(URL, headers=headers).get_json()

    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 50)
    [item] = body["items"]
    assert item == {
        "id": dialogue.id,
        "state": "IDN",
        "state_name": "Indonesia",
        "area": "universalization",
        "area_name": "Universalization",
        "status": "not_started",
        "position": "",
        "next_step": "Visit",
        "next_step_due": "2026-09-01",
        "responsible": [staff.id],
        "last_contact": None,
        "stale": True,
        "version": dialogue.version,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_the_list_filters_and_a_coordinator_sees_their_areas_only(
    client, headers, coordinator_headers
):
    fresh = make_dialogue("IDN", "universalization", status=DialogueStatus.ACTIVE)
    make_dialogue("LAO", "clearance", status=DialogueStatus.STALLED)
    linked_interaction(fresh, "Call", dt.date.today())

    def states(query: str, who=headers) -> list[str]:
        response = client.get(f"{URL}?{query}", headers=who)
        assert response.status_code == 200, query
        return [item["state"] for item in response.get_json()["items"]]

    assert states("") == ["IDN", "LAO"]
    assert states("area=clearance") == ["LAO"]
    assert states("status=active") == ["IDN"]
    assert states("iso3=lao") == ["LAO"]
    assert states("stale=true") == ["LAO"]
    assert states("stale=false") == ["IDN"]
    assert states("area=nonsense") == []
    assert states("", coordinator_headers) == ["IDN"]
    assert states("area=clearance", coordinator_headers) == []
    assert client.get(f"{URL}?status=done", headers=headers).status_code == 422


def test_one_dialogue_has_its_history_and_hides_what_a_coordinator_may_not_see(
    client, headers, coordinator_headers
):
    dialogue = make_dialogue("IDN", "universalization")
    linked_interaction(dialogue, "Open call", dt.date(2026, 1, 10))
    linked_interaction(dialogue, "Secret", dt.date(2026, 3, 1), confidential=True)
    clearance = make_dialogue("LAO", "clearance")

    staff_view = client.get(f"{URL}/{dialogue.id}", headers=headers).get_json()
    coordinator_view = client.get(f"{URL}/{dialogue.id}", headers=coordinator_headers).get_json()

    [opened] = staff_view["history"]
    assert (opened["old_status"], opened["new_status"], opened["who"]) == (
        None,
        "not_started",
        "test",
    )
    assert staff_view["last_contact"] == "2026-03-01"
    assert coordinator_view["last_contact"] == "2026-01-10"
    _error(client.get(f"{URL}/{clearance.id}", headers=coordinator_headers), 404)
    _error(client.get(f"{URL}/2147483647", headers=headers), 404)


def test_opening_gives_201_then_200_with_the_same_dialogue(client, headers):
    first = client.post(URL, json={"iso3": "lao", "area": "clearance"}, headers=headers)
    again = client.post(URL, json={"iso3": "LAO", "area": "clearance"}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["status"] == "not_started"
    assert db.session.scalar(sa.select(sa.func.count(Dialogue.id))) == 1
    bad = client.post(URL, json={"iso3": "ZZZ", "area": "nonsense"}, headers=headers)
    assert set(_error(bad, 422)["errors"]) == {"iso3", "area"}


def test_a_coordinator_may_not_open_nor_change(client, coordinator_headers):
    dialogue = make_dialogue("IDN", "universalization")

    opened = client.post(
        URL, json={"iso3": "LAO", "area": "clearance"}, headers=coordinator_headers
    )
    changed = client.patch(
        f"{URL}/{dialogue.id}", json={"version": 1, "status": "active"}, headers=coordinator_headers
    )

    _error(opened, 403)
    _error(changed, 403)
    assert db.session.get(Dialogue, dialogue.id).status == DialogueStatus.NOT_STARTED


def test_a_change_of_status_with_a_note_joins_the_history(client, headers, staff):
    dialogue = make_dialogue("IDN", "universalization")

    response = client.patch(
        f"{URL}/{dialogue.id}",
        json={
            "version": dialogue.version,
            "status": "active",
            "status_note": "The mission replied.",
            "next_step": "Workshop",
            "next_step_due": "2026-11-01",
            "responsible": [staff.id],
        },
        headers=headers,
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["status"], body["next_step"], body["responsible"]) == (
        "active",
        "Workshop",
        [staff.id],
    )
    latest = body["history"][0]
    assert (latest["old_status"], latest["new_status"], latest["note"], latest["who"]) == (
        "not_started",
        "active",
        "The mission replied.",
        "Sam Specialist",
    )


def test_a_change_based_on_an_old_version_is_409_and_saves_nothing(client, headers):
    dialogue = make_dialogue("IDN", "universalization")
    old = dialogue.version
    url = f"{URL}/{dialogue.id}"
    assert (
        client.patch(url, json={"version": old, "next_step": "A"}, headers=headers).status_code
        == 200
    )

    response = client.patch(url, json={"version": old, "next_step": "B"}, headers=headers)

    body = _error(response, 409)
    assert body["version"] == old + 1
    assert [(c["field"], c["after"]) for c in body["changes"]] == [("next_step", "A")]
    db.session.expire_all()
    assert db.session.get(Dialogue, dialogue.id).next_step == "A"


def test_invalid_values_are_422_per_field(client, headers):
    dialogue = make_dialogue("IDN", "universalization")
    url = f"{URL}/{dialogue.id}"

    for values, field in (
        ({"status": "done"}, "status"),
        ({"position": "a\x00b"}, "position"),
        ({"next_step": "x", "next_step_due": "1990-01-01"}, "next_step_due"),
        ({"responsible": [2147483647]}, "responsible"),
        ({}, "version"),
    ):
        body = _error(
            client.patch(url, json={"version": 1, **values} if values else values, headers=headers),
            422,
        )
        assert field in body["errors"], values


def test_the_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths[URL]) == {"get", "post"}
    assert set(paths[URL + "/{dialogue_id}"]) >= {"get", "patch"}
    assert "409" in paths[URL + "/{dialogue_id}"]["patch"]["responses"]
    assert {"200", "201"} <= set(paths[URL]["post"]["responses"])


def test_fuzzing_the_dialogues_api_finds_no_server_error(app, staff):
    make_dialogue("IDN", "universalization")
    fuzzed, errors = server_errors(app, api_headers(staff.email), lambda path: "/dialogues" in path)

    assert fuzzed == 4
    assert errors == []
