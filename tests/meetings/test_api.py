"""/api/v1/meetings: times with their offset, changes with the version, cancelling, fuzzing."""

from __future__ import annotations

import pytest

from tests.api.fuzzing import server_errors
from tests.factories import api_headers
from tests.meetings.conftest import make_meeting

URL = "/api/v1/meetings"
NEW = {
    "kind": "msp",
    "title": "Fourteenth Meeting of States Parties",
    "code": "14MSP",
    "starts_at": "2026-09-15T10:00:00+02:00",
    "ends_at": "2026-09-18T18:00:00+02:00",
    "timezone": "Europe/Zurich",
    "venue": "Palais des Nations",
    "public": True,
}


@pytest.fixture
def headers(staff):
    return api_headers(staff.email)


def test_a_meeting_is_created_and_read_with_offsets(client, headers):
    created = client.post(URL, json=NEW, headers=headers)

    assert created.status_code == 201
    body = created.get_json()
    assert body["starts_at"] == "2026-09-15T10:00:00+02:00"
    assert body["ends_at"] == "2026-09-18T18:00:00+02:00"
    assert body["status"] == "scheduled" and body["sequence"] == 0
    assert body["uid"].startswith("meeting-")
    assert client.get(f"{URL}/{body['id']}", headers=headers).get_json()["title"] == NEW["title"]


def test_an_instant_given_in_another_offset_is_shown_in_the_meeting_zone(client, headers):
    body = client.post(
        URL, json={**NEW, "starts_at": "2026-09-15T08:00:00Z"}, headers=headers
    ).get_json()

    assert body["starts_at"] == "2026-09-15T10:00:00+02:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2026-09-14T18:00:00+02:00"}, "ends_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"code": "13MSP"}, "code"),
    ],
)
def test_bad_values_get_a_message_per_field(client, headers, change, field):
    response = client.post(URL, json={**NEW, **change}, headers=headers)

    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_naive_times_are_refused(client, headers):
    response = client.post(URL, json={**NEW, "starts_at": "2026-09-15T10:00:00"}, headers=headers)

    assert response.status_code == 422


def test_the_list_pages_and_filters(client, headers):
    everything = client.get(URL, headers=headers).get_json()
    assert everything["total"] == 17

    review = client.get(f"{URL}?kind=review_conference", headers=headers).get_json()
    assert {m["code"] for m in review["items"]} == {"1RC", "2RC-1", "2RC-2", "3RC"}
    assert client.get(f"{URL}?year=2010", headers=headers).get_json()["items"][0]["code"] == "1MSP"


def test_moving_needs_the_version_and_moves_the_sequence(client, headers):
    meeting = make_meeting()
    path = f"{URL}/{meeting.id}"

    moved = client.patch(
        path, json={"version": 1, "starts_at": "2026-09-16T10:00:00+02:00"}, headers=headers
    )
    assert moved.status_code == 200
    assert moved.get_json()["sequence"] == 1 and moved.get_json()["version"] == 2

    stale = client.patch(path, json={"version": 1, "title": "Old"}, headers=headers)
    assert stale.status_code == 409
    assert stale.get_json()["version"] == 2

    renamed = client.patch(path, json={"version": 2, "title": "New title"}, headers=headers)
    assert renamed.get_json()["sequence"] == 1


def test_cancelling(client, headers):
    meeting = make_meeting()

    response = client.post(f"{URL}/{meeting.id}/cancel", json={}, headers=headers)

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["sequence"] == 1
    again = client.post(f"{URL}/{meeting.id}/cancel", json={}, headers=headers)
    assert again.status_code == 422


def test_coordinators_read_only(client, coordinator):
    meeting = make_meeting()
    headers = api_headers(coordinator.email)

    assert client.get(f"{URL}/{meeting.id}", headers=headers).status_code == 200
    assert client.post(URL, json=NEW, headers=headers).status_code == 403
    assert (
        client.patch(
            f"{URL}/{meeting.id}", json={"version": 1, "title": "x"}, headers=headers
        ).status_code
        == 403
    )
    assert client.post(f"{URL}/{meeting.id}/cancel", json={}, headers=headers).status_code == 403


def test_unknown_meetings_are_not_found(client, headers):
    assert client.get(f"{URL}/999999", headers=headers).status_code == 404


def test_the_meetings_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert set(paths[URL]) == {"get", "post"}
    assert {"get", "patch"} <= set(paths[URL + "/{meeting_id}"])
    assert "409" in paths[URL + "/{meeting_id}"]["patch"]["responses"]
    assert "post" in paths[URL + "/{meeting_id}/cancel"]


def test_fuzzing_the_meetings_api_finds_no_server_error(app, staff):
    make_meeting()
    # The audience and sending routes under /meetings/<id> are fuzzed in tests/invitations.
    fuzzed, errors = server_errors(
        app,
        api_headers(staff.email),
        lambda path: "/meetings" in path and "/audience" not in path and not path.endswith("/send"),
    )

    assert fuzzed == 5
    assert errors == []
