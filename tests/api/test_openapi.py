"""The OpenAPI document: open to anyone, and built from the schemas that validate requests."""

from __future__ import annotations

import pytest

from outreach.api.states import StateListArgsSchema
from tests.factories import api_headers

SPEC = "/api/v1/openapi.json"


@pytest.fixture
def spec(client):
    """The OpenAPI document, read without signing in."""
    response = client.get(SPEC)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _parameters(spec) -> dict[str, dict]:
    return {p["name"]: p for p in spec["paths"]["/api/v1/states"]["get"]["parameters"]}


def test_the_document_is_openapi_3_and_lists_both_states_endpoints(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Outreach API"
    assert {"/api/v1/states", "/api/v1/public/states"} <= set(spec["paths"])


def test_the_token_endpoint_needs_the_bearer_scheme_and_the_public_one_does_not(spec):
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert spec["paths"]["/api/v1/states"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/public/states"]["get"]
    assert "401" in spec["paths"]["/api/v1/states"]["get"]["responses"]


def test_the_documented_query_parameters_are_those_of_the_validating_schema(spec):
    schema = StateListArgsSchema()
    parameters = _parameters(spec)

    assert {"status", "region", "q", "page", "per_page"} <= set(parameters)
    assert set(parameters) == set(schema.fields)
    assert all(p["in"] == "query" for p in parameters.values())
    assert parameters["status"]["schema"]["enum"] == list(schema.fields["status"].validate.choices)
    for name in ("region", "q"):
        length = next(v for v in schema.fields[name].validators if hasattr(v, "max"))
        assert parameters[name]["schema"]["maxLength"] == length.max
    for name in ("page", "per_page"):
        documented = parameters[name]["schema"]
        validator = schema.fields[name].validate
        assert (documented["minimum"], documented["maximum"]) == (validator.min, validator.max)
        assert documented["default"] == schema.fields[name].load_default


def test_the_documented_limits_are_the_ones_enforced(client, spec, staff):
    headers = api_headers(staff.email)
    per_page = _parameters(spec)["per_page"]["schema"]
    status = _parameters(spec)["status"]["schema"]

    largest = client.get(f"/api/v1/states?per_page={per_page['maximum']}", headers=headers)
    too_large = client.get(f"/api/v1/states?per_page={per_page['maximum'] + 1}", headers=headers)
    assert (largest.status_code, too_large.status_code) == (200, 422)
    for value in status["enum"]:
        assert client.get(f"/api/v1/states?status={value}", headers=headers).status_code == 200


def test_the_documented_statuses_and_instruments_are_enumerated(spec):
    schemas = spec["components"]["schemas"]
    public = schemas["PublicState"]["properties"]
    assert public["ccm_status"]["enum"] == ["state_party", "signatory", "not_party", "withdrawn"]
    assert set(public["consent_type"]["enum"]) >= {"ratification", "accession"}
    assert "source" not in public and "source" in schemas["State"]["properties"]


def test_the_documented_error_body_is_the_one_sent(client, spec, staff):
    error = spec["components"]["schemas"]["Error"]["properties"]
    body = client.get("/api/v1/states?status=xyz", headers=api_headers(staff.email)).get_json()

    assert set(body) == set(error)
