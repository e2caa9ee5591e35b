"""/api/v1/organisations: the list's filters, one record, create, change with the version,
archive; coordinators read without notes; no request a client can send gives a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.organisations import services
from tests.factories import api_headers, make_organisation

URL = "/api/v1/organisations"
SECRET = "Confidential: the delegation is split"


@pytest.fixture
def headers(staff):
    """A staff member's bearer token."""
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    """A coordinator's bearer token."""
    return api_headers(coordinator.email)


@pytest.fixture
def mission(app):
    """Côte d'Ivoire's mission, with tags and confidential notes."""
    return make_organisation(
        "Mission permanente de la Côte d'Ivoire",
        kind="permanent_mission",
        acronym="MPCI",
        state_iso3="CIV",
        email="mission@civ.example",
        website="https://civ.example",
        tags=["3RC", "Africa"],
        notes=SECRET,
    )


def _json_error(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def _stored(organisation_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, organisation_id)


def test_without_a_token_every_method_is_401(client, mission):
    for method, url in (
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}/{mission.id}"),
        ("patch", f"{URL}/{mission.id}"),
        ("delete", f"{URL}/{mission.id}"),
    ):
        _json_error(getattr(client, method)(url, json={"name": "x"}), 401)


def test_the_list_has_the_envelope_and_every_field(client, headers, mission):
    body = client.get(f"{URL}?q=ivoire", headers=headers).get_json()

    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 50)
    [item] = body["items"]
    assert item == {
        "id": mission.id,
        "name": "Mission permanente de la Côte d'Ivoire",
        "acronym": "MPCI",
        "kind": "permanent_mission",
        "state": "CIV",
        "state_name": "Côte d'Ivoire",
        "address": "",
        "email": "mission@civ.example",
        "phone": None,
        "website": "https://civ.example",
        "tags": ["3RC", "Africa"],
        "notes": SECRET,
        "archived": False,
        "archived_at": None,
        "version": 1,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_the_list_takes_the_filters_of_the_page(client, headers, mission):
    make_organisation("Ministère des Affaires étrangères", kind="ministry", state_iso3="FRA")
    old = make_organisation("Archived ministry", kind="ministry", state_iso3="FRA")
    services.set_archived(old, True)

    def names(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}", headers=headers)
        assert response.status_code == 200, query
        return [item["name"] for item in response.get_json()["items"]]

    assert names("q=COTE%20D%27IVOIRE") == ["Mission permanente de la Côte d'Ivoire"]
    assert names("q=ministere") == ["Ministère des Affaires étrangères"]
    assert names("kind=ministry&include_archived=true") == [
        "Archived ministry",
        "Ministère des Affaires étrangères",
    ]
    assert names("state=fra") == ["Ministère des Affaires étrangères"]
    assert names("status=state_party&region=Africa") == ["Mission permanente de la Côte d'Ivoire"]
    assert names("tag=africa") == ["Mission permanente de la Côte d'Ivoire"]
    assert names("state=ZZZ") == []
    assert names("kind=ministry&sort=name&descending=true&include_archived=1") == [
        "Ministère des Affaires étrangères",
        "Archived ministry",
    ]
    assert names("q=%25") == []
    assert names("state=%00") == names("region=%00") == []
    assert names("q=%00") == names("tag=%00") == names("")  # nothing to search for


def test_pages_cover_every_organisation_once_and_huge_pages_are_empty(client, headers, mission):
    total = client.get(URL, headers=headers).get_json()["total"]
    seen = []
    for page in range(1, total // 5 + 2):
        body = client.get(f"{URL}?per_page=5&page={page}", headers=headers).get_json()
        seen += [item["id"] for item in body["items"]]
    assert len(seen) == len(set(seen)) == total

    far = client.get(f"{URL}?page=100000&per_page=500", headers=headers)
    assert far.status_code == 200
    assert far.get_json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=castle", "kind"),
        ("status=sunk", "status"),
        ("sort=name;DROP%20TABLE%20organisation", "sort"),
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("page=0", "page"),
        ("page=99999999999999999999999", "page"),
        ("page=ten", "page"),
        ("include_archived=perhaps", "include_archived"),
        ("q=" + "x" * 101, "q"),
        ("state=FRANCE", "state"),
    ],
)
def test_an_invalid_filter_is_422_with_a_message_for_its_field(client, headers, query, field):
    body = _json_error(client.get(f"{URL}?{query}", headers=headers), 422)
    assert set(body["errors"]) == {field}


def test_unknown_query_values_are_ignored(client, headers, mission):
    response = client.get(f"{URL}?colour=blue&q=ivoire", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["total"] == 1


def test_one_organisation_and_a3_unknown_ids_are_404(client, headers, mission):
    body = client.get(f"{URL}/{mission.id}", headers=headers).get_json()
    assert (body["id"], body["state"], body["version"]) == (mission.id, "CIV", 1)

    for path in ("999999", "99999999999999999999", "-1", "abc", "1.5"):
        _json_error(client.get(f"{URL}/{path}", headers=headers), 404)


def test_staff_create_an_organisation_and_get_201_with_the_record(client, headers):
    response = client.post(
        URL,
        headers=headers,
        json={
            "name": "Norwegian People's Aid",
            "kind": "ngo",
            "acronym": "NPA",
            "state": "nor",
            "email": "npa@npaid.example",
            "website": "https://npaid.example",
            "tags": ["clearance", "Clearance", "donor"],
            "notes": "Partner",
            "id": 1,
            "version": 99,
            "archived_at": "2020-01-01T00:00:00Z",
            "role": "admin",
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] != 1
    assert (body["state"], body["tags"], body["version"], body["archived"]) == (
        "NOR",
        ["clearance", "donor"],
        1,
        False,
    )
    assert _stored(body["id"]).notes == "Partner"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
        ({"website": "data:text/html,<script>"}, "website", "http:// or https://"),
        ({"email": "nobody"}, "email", "@-sign"),
        ({"state": "XYZ"}, "state", "No State has the code"),
        ({"kind": "castle"}, "kind", "Must be one of"),
        ({"name": ""}, "name", "Length must be between 1 and 300."),
        ({"name": "   "}, "name", "Enter the organisation's name."),
        ({"name": 42}, "name", "Not a valid string."),
        ({"tags": "donor"}, "tags", "Not a valid list."),
        ({"tags": [1, 2]}, "tags", "Not a valid string."),
        ({"name": "x" * 301}, "name", "Length must be between 1 and 300."),
        ({"notes": {"a": 1}}, "notes", "Not a valid string."),
        ({"name": "Nul\x00NGO"}, "name", "Remove the invisible NUL character"),
        ({"tags": ["ok", "b\x00d"]}, "tags", "Remove the invisible NUL character"),
        ({"state": "\x00FR"}, "state", "Remove the invisible NUL character"),
    ],
)
def test_invalid_values_are_422_with_a_message_per_field(client, headers, values, field, message):
    body = _json_error(
        client.post(URL, headers=headers, json={"name": "NGO", "kind": "ngo", **values}), 422
    )
    assert set(body["errors"]) == {field}
    assert message in str(body["errors"][field])
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "NGO")) is None


def test_a_body_that_is_not_a_json_object_is_refused_without_error(client, headers):
    for body, content_type in (
        ("[]", "application/json"),
        ('"text"', "application/json"),
        ("null", "application/json"),
        ("{not json", "application/json"),
        ("name=x&kind=ngo", "application/x-www-form-urlencoded"),
        ("\x00\xff", "application/json"),
    ):
        response = client.post(URL, headers={**headers, "Content-Type": content_type}, data=body)
        assert response.status_code in (400, 422), body
        assert response.is_json


def test_a_patch_changes_only_what_is_sent_given_the_version(client, headers, mission):
    response = client.patch(
        f"{URL}/{mission.id}",
        headers=headers,
        json={"phone": "+225 27 20 00 00", "acronym": None, "version": 1, "id": 5},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["phone"], body["acronym"], body["name"], body["version"]) == (
        "+225 27 20 00 00",
        None,
        "Mission permanente de la Côte d'Ivoire",
        2,
    )
    assert body["tags"] == ["3RC", "Africa"]
    assert _stored(mission.id).notes == SECRET


def test_a_patch_needs_the_version_and_valid_values(client, headers, mission):
    body = _json_error(
        client.patch(f"{URL}/{mission.id}", headers=headers, json={"name": "X"}), 422
    )
    assert set(body["errors"]) == {"version"}
    for version in ("1", "one", 0, -3, 2**40, None, True):
        response = client.patch(f"{URL}/{mission.id}", headers=headers, json={"version": version})
        assert response.status_code in (200, 422), version
    body = _json_error(
        client.patch(
            f"{URL}/{mission.id}", headers=headers, json={"website": "javascript:x", "version": 1}
        ),
        422,
    )
    assert set(body["errors"]) == {"website"}
    _json_error(client.patch(f"{URL}/424242", headers=headers, json={"version": 1}), 404)


def test_d2_a_patch_from_an_old_version_is_409_with_the_other_change(client, headers, mission):
    client.patch(
        f"{URL}/{mission.id}", headers=headers, json={"email": "new@civ.example", "version": 1}
    )

    response = client.patch(
        f"{URL}/{mission.id}", headers=headers, json={"name": "Overwritten", "version": 1}
    )

    body = _json_error(response, 409)
    assert body["version"] == 2
    [change] = body["changes"]
    assert (change["field"], change["before"], change["after"], change["who"]) == (
        "email",
        "mission@civ.example",
        "new@civ.example",
        "specialist@isu.example",
    )
    assert change["at"]
    assert _stored(mission.id).name == "Mission permanente de la Côte d'Ivoire"


def test_delete_archives_and_a_second_delete_changes_nothing(client, headers, mission):
    response = client.delete(f"{URL}/{mission.id}", headers=headers)

    assert response.status_code == 200
    body = response.get_json()
    assert body["archived"] is True
    archived_at = body["archived_at"]
    assert client.delete(f"{URL}/{mission.id}", headers=headers).get_json()["archived_at"] == (
        archived_at
    )
    assert client.get(f"{URL}?q=ivoire", headers=headers).get_json()["total"] == 0
    assert client.get(f"{URL}/{mission.id}", headers=headers).status_code == 200
    assert _stored(mission.id) is not None


def test_a2_coordinators_read_without_ever_getting_notes(client, coordinator_headers, mission):
    listed = client.get(f"{URL}?q=ivoire", headers=coordinator_headers)
    one = client.get(f"{URL}/{mission.id}", headers=coordinator_headers)

    assert listed.status_code == one.status_code == 200
    assert "notes" not in listed.get_json()["items"][0]
    assert "notes" not in one.get_json()
    assert one.get_json()["name"] == mission.name
    for response in (listed, one):
        assert b"delegation is split" not in response.get_data()


def test_a1_coordinators_get_403_on_every_write_and_nothing_changes(
    client, coordinator_headers, mission
):
    for method, url, body in (
        ("post", URL, {"name": "New", "kind": "ngo"}),
        ("patch", f"{URL}/{mission.id}", {"name": "Changed", "version": 1}),
        ("delete", f"{URL}/{mission.id}", None),
        ("put", f"{URL}/{mission.id}", {"name": "Put"}),
    ):
        response = getattr(client, method)(url, headers=coordinator_headers, json=body)
        assert response.status_code in (403, 405), (method, url)
    stored = _stored(mission.id)
    assert (stored.name, stored.archived_at, stored.version) == (mission.name, None, 1)
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "New")) is None


def test_the_openapi_document_describes_the_organisations_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]

    item = "/api/v1/organisations/{organisation_id}"
    assert {"get", "post"} <= set(paths["/api/v1/organisations"])
    assert {"get", "patch", "delete"} <= set(paths[item])
    assert "409" in paths[item]["patch"]["responses"]
    assert "422" in paths["/api/v1/organisations"]["post"]["responses"]
    parameters = {p["name"] for p in paths["/api/v1/organisations"]["get"]["parameters"]}
    assert {"q", "kind", "state", "status", "region", "tag", "include_archived", "page"} <= (
        parameters
    )
    schemas = spec["components"]["schemas"]
    assert "Staff only" in schemas["Organisation"]["properties"]["notes"]["description"]
    assert "version" in schemas["OrganisationPatch"]["required"]


def test_no_request_generated_from_the_openapi_document_gets_a_server_error(app, staff, mission):
    """What schemathesis generates from the document, valid and invalid, for these endpoints."""
    from tests.api.fuzzing import server_errors

    fuzzed, errors = server_errors(
        app,
        api_headers(staff.email),
        lambda path: "/organisations" in path or path.endswith("/states/{iso3}"),
    )
    assert fuzzed == 6
    assert errors == []
