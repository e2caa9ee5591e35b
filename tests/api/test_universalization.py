"""/api/v1/engagements: the list with its filters, one State with its history, moves with the
version (409 on conflict), deposits; coordinators read only; fuzzing finds no server error."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.reference.models import CcmStatus
from outreach.universalization import services
from outreach.universalization.models import Stage
from tests.api.fuzzing import server_errors
from tests.factories import api_headers
from tests.universalization.conftest import move, state

URL = "/api/v1/engagements"


@pytest.fixture
def headers(staff):
    """A staff member's bearer token."""
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    """A coordinator's bearer token."""
    return api_headers(coordinator.email)


def test_the_list_gives_every_non_party_state_with_its_stage(client, headers):
    move("IDN", "considering", dt.date.today() - dt.timedelta(days=10))

    body = client.get(URL, headers=headers, query_string={"per_page": 500}).get_json()

    assert body["total"] == 85  # 12 signatories, 72 States not party, 1 withdrawn
    by_code = {item["iso3"]: item for item in body["items"]}
    assert by_code["IDN"] == {
        "iso3": "IDN",
        "name": "Indonesia",
        "region": "Asia",
        "ccm_status": "signatory",
        "stage": "considering",
        "stage_label": "Considering",
        "recorded": True,
        "since": (dt.date.today() - dt.timedelta(days=10)).isoformat(),
        "days_in_stage": 10,
        "version": 1,
    }
    assert by_code["USA"]["stage"] == "no_contact" and by_code["USA"]["recorded"] is False
    assert "LAO" not in by_code


def test_the_list_filters_by_stage_region_and_status_and_pages(client, headers):
    move("IDN", "considering")
    move("USA", "considering")

    def codes(**query):
        body = client.get(URL, headers=headers, query_string=query).get_json()
        return [item["iso3"] for item in body["items"]], body["total"]

    assert codes(stage="considering") == (["IDN", "USA"], 2)
    assert codes(stage="considering", region="Asia") == (["IDN"], 1)
    assert codes(stage="considering", ccm_status="not_party") == (["USA"], 1)
    assert codes(stage="considering", per_page=1, page=2) == (["USA"], 2)
    assert len(codes(stage="no_contact")[0]) == 50
    refused = client.get(URL, headers=headers, query_string={"stage": "ratified"})
    assert refused.status_code == 422


def test_one_state_with_its_history(client, headers, staff):
    move("IDN", "first_contact", dt.date(2026, 1, 5), "Call", staff)
    move("IDN", "engaged", dt.date(2026, 3, 5), "Visit", staff)

    body = client.get(f"{URL}/idn", headers=headers).get_json()

    assert (body["stage"], body["since"], body["version"]) == ("engaged", "2026-03-05", 2)
    assert body["movable"] is True
    assert [(e["old_stage"], e["new_stage"], e["note"], e["by"]) for e in body["history"]] == [
        ("first_contact", "engaged", "Visit", "Sam Specialist"),
        (None, "first_contact", "Call", "Sam Specialist"),
    ]
    party = client.get(f"{URL}/LAO", headers=headers).get_json()
    assert (party["stage"], party["movable"], party["history"]) == (None, False, [])
    assert client.get(f"{URL}/XXX", headers=headers).status_code == 404
    assert client.get(f"{URL}/X%00X", headers=headers).status_code == 404


def test_a_move_needs_the_current_version(client, headers):
    created = client.post(
        f"{URL}/IDN/moves",
        headers=headers,
        json={"stage": "considering", "since": "2026-08-28", "note": "Capital", "version": 0},
    )
    assert created.status_code == 201
    assert created.get_json()["stage"] == "considering"
    assert created.get_json()["version"] == 1

    stale_body = {"stage": "engaged", "version": 0}
    stale = client.post(f"{URL}/IDN/moves", headers=headers, json=stale_body)
    assert stale.status_code == 409
    assert stale.get_json()["version"] == 1
    assert services.engagement_of(state("IDN")).stage == Stage.CONSIDERING

    moved = client.post(
        f"{URL}/IDN/moves", headers=headers, json={"stage": "domestic_process", "version": 1}
    )
    assert moved.status_code == 201 and moved.get_json()["version"] == 2


def test_a_refused_move_says_why(client, headers):
    def refusal(iso3, **body):
        response = client.post(f"{URL}/{iso3}/moves", headers=headers, json=body)
        assert response.status_code == 422, response.get_json()
        return response.get_json()["errors"]

    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert refusal("IDN", stage="engaged", since=future, version=0) == {
        "since": ["The date cannot be in the future."]
    }
    assert "State Party" in refusal("LAO", stage="engaged", version=0)["stage"][0]
    assert "deposit" in refusal("IDN", stage="instrument_deposited", version=0)["stage"][0]
    assert "NUL" in refusal("IDN", stage="engaged", note="a\x00b", version=0)["note"][0]
    assert "version" in refusal("IDN", stage="engaged")


def test_a_deposit_makes_a_state_party(client, headers):
    response = client.post(
        f"{URL}/IDN/deposits",
        headers=headers,
        json={"consent_date": "2026-11-10", "consent_type": "ratification", "source": "C.N.1"},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["ccm_status"], body["stage"], body["movable"]) == (
        "state_party",
        "instrument_deposited",
        False,
    )
    assert (body["consent_date"], body["entry_into_force_date"]) == ("2026-11-10", "2027-05-01")
    assert state("IDN").ccm_status == CcmStatus.STATE_PARTY
    accession_only = client.post(
        f"{URL}/MMR/deposits",
        headers=headers,
        json={"consent_date": "2026-11-10", "consent_type": "approval", "source": "C.N.2"},
    )
    assert accession_only.status_code == 422
    assert "accession" in accession_only.get_json()["errors"]["consent_type"][0]


def test_coordinators_read_but_may_not_move(client, coordinator_headers):
    move("IDN", "considering")

    assert client.get(URL, headers=coordinator_headers).status_code == 200
    assert client.get(f"{URL}/IDN", headers=coordinator_headers).get_json()["stage"] == (
        "considering"
    )
    body = {"stage": "engaged", "version": 1}
    assert client.post(f"{URL}/IDN/moves", headers=coordinator_headers, json=body).status_code == (
        403
    )
    deposit = {"consent_date": "2026-11-10", "consent_type": "ratification", "source": "C.N.1"}
    refused = client.post(f"{URL}/IDN/deposits", headers=coordinator_headers, json=deposit)
    assert refused.status_code == 403
    assert services.engagement_of(state("IDN")).stage == Stage.CONSIDERING
    assert client.get(URL).status_code == 401


def test_the_operations_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert {"/engagements", "/engagements/{iso3}", "/engagements/{iso3}/moves"} <= set(
        path.removeprefix("/api/v1") for path in spec["paths"]
    )
    tags = {tag["name"]: tag.get("description") for tag in spec["tags"]}
    assert "engagement stages" in tags["universalization_api"]


def test_fuzzing_the_engagements_api_finds_no_server_error(app, staff):
    fuzzed, errors = server_errors(
        app, api_headers(staff.email), lambda path: "/engagements" in path, max_examples=25
    )

    assert fuzzed == 4
    assert errors == []
