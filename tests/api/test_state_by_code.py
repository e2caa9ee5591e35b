"""GET /api/v1/states/{iso3}: one State's treaty facts and its organisations."""

from __future__ import annotations

import pytest

from outreach.organisations import services
from tests.factories import api_headers, make_organisation

URL = "/api/v1/states"


@pytest.fixture
def headers(staff):
    """A staff member's bearer token."""
    return api_headers(staff.email)


def test_a_state_has_its_treaty_facts_and_its_organisations(client, headers):
    mission = make_organisation("Mission of France", kind="permanent_mission", state_iso3="FRA")
    ministry = make_organisation("Ministry of France", kind="ministry", state_iso3="FRA")
    old = make_organisation("Old office of France", kind="ministry", state_iso3="FRA")
    services.set_archived(old, True)
    make_organisation("Mission of Spain", kind="permanent_mission", state_iso3="ESP")

    response = client.get(f"{URL}/FRA", headers=headers)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["iso3"], body["name"], body["ccm_status"]) == ("FRA", "France", "state_party")
    assert (body["signature_date"], body["consent_date"], body["entry_into_force_date"]) == (
        "2008-12-03",
        "2009-09-25",
        "2010-08-01",
    )
    assert body["consent_type"] == "ratification"
    assert body["region"] == "Europe"
    assert "Cluster Munition Monitor" in body["source"]
    assert body["organisations"] == [
        {"id": mission.id, "name": "Mission of France", "kind": "permanent_mission"},
        {"id": ministry.id, "name": "Ministry of France", "kind": "ministry"},
    ]
    assert "id" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_lower_case_code_works_and_a_state_without_organisations_has_an_empty_list(
    client, headers
):
    body = client.get(f"{URL}/ltu", headers=headers).get_json()
    assert (body["iso3"], body["ccm_status"], body["withdrawal_date"]) == (
        "LTU",
        "withdrawn",
        "2025-03-06",
    )
    assert body["organisations"] == []


@pytest.mark.parametrize("code", ["XXX", "FRANCE", "FR", "%3Cscript%3E", "' OR 1=1", "x" * 500])
def test_an_unknown_code_is_a_json_404(client, headers, code):
    response = client.get(f"{URL}/{code}", headers=headers)

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["code"] == 404


def test_without_a_token_it_is_401_and_coordinators_may_read(client, coordinator):
    assert client.get(f"{URL}/FRA").status_code == 401
    response = client.get(f"{URL}/FRA", headers=api_headers(coordinator.email))
    assert response.status_code == 200
    assert response.get_json()["iso3"] == "FRA"


def test_a_state_cannot_be_written_through_the_api(client, headers):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{URL}/FRA", headers=headers, json={"name": "X"})
        assert response.status_code == 405
        assert response.is_json


def test_the_openapi_document_describes_it(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/states/{iso3}"]["get"]
    assert {"200", "401", "404"} <= set(operation["responses"])
    assert operation["security"] == [{"bearerAuth": []}]


def test_a_nul_byte_in_the_code_is_a_404_not_an_error(client, headers):
    for code in ("%00AB", "F%00A", "%00%00%00"):
        response = client.get(f"{URL}/{code}", headers=headers)
        assert response.status_code == 404, code
