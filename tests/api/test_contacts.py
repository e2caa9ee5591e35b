"""/api/v1/contacts: list with the page's filters, read, create, update with a version, archive;
coordinators read without notes; no request a client sends ends in a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.directory.models import Contact
from outreach.extensions import db
from tests.factories import api_headers, make_contact, make_organisation

URL = "/api/v1/contacts"


@pytest.fixture
def headers(staff):
    """A staff member's token."""
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    """A coordinator's token."""
    return api_headers(coordinator.email)


@pytest.fixture
def mission(app):
    return make_organisation("Permanent Mission of France", "permanent_mission", state_iso3="FRA")


@pytest.fixture
def helene(mission):
    return make_contact(
        "Dubois",
        "Hélène",
        organisation=mission,
        position="Ambassador",
        emails=["helene@mission.example"],
        phones=["022 917 12 34"],
        tags=["3RC"],
        area_slugs=["clearance"],
        keywords=["survey"],
        notes="Confidential note.",
    )


def test_without_a_token_the_answer_is_401(client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, json={"last_name": "X"}).status_code == 401


def test_the_list_has_the_envelope_and_the_filters_of_the_page(client, headers, helene):
    make_contact("Martin", "Paul", preferred_language="es")

    body = client.get(URL, headers=headers).get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 50)
    first = body["items"][0]
    assert first["last_name"] == "Dubois"
    assert first["emails"] == ["helene@mission.example"]
    assert first["phones"] == ["+41229171234"]
    assert first["postings"][0]["organisation"] == "Permanent Mission of France"
    assert first["postings"][0]["current"] is True
    assert first["notes"] == "Confidential note."

    def names(**query):
        response = client.get(URL, headers=headers, query_string=query)
        assert response.status_code == 200, response.get_json()
        return [c["last_name"] for c in response.get_json()["items"]]

    assert names(q="helene") == ["Dubois"]
    assert names(status="state_party") == ["Dubois"]
    assert names(region="Europe") == ["Dubois"]
    assert names(kind="permanent_mission") == ["Dubois"]
    assert names(tag="3rc") == ["Dubois"]
    assert names(language="es") == ["Martin"]
    assert names(area="clearance") == ["Dubois"]
    assert names(do_not_email="false") == ["Dubois", "Martin"]
    assert names(sort="language", descending="true") == ["Martin", "Dubois"]
    assert names(sort="last_name", descending="true") == ["Martin", "Dubois"]
    assert names(per_page=1, page=2) == ["Martin"]


def test_bad_list_arguments_are_422_with_a_message_per_field(client, headers):
    response = client.get(URL, headers=headers, query_string={"sort": "x;--", "per_page": 0})
    body = response.get_json()
    assert response.status_code == 422
    assert set(body["errors"]) == {"sort", "per_page"}


def test_one_contact_and_unknown_ids(client, headers, helene):
    assert client.get(f"{URL}/{helene.id}", headers=headers).get_json()["first_name"] == "Hélène"
    assert client.get(f"{URL}/999", headers=headers).status_code == 404
    assert client.get(f"{URL}/99999999999999", headers=headers).status_code == 404
    assert client.patch(f"{URL}/999", headers=headers, json={"version": 1}).status_code == 404
    assert client.delete(f"{URL}/999", headers=headers).status_code == 404


def test_a2_coordinators_read_without_notes(client, coordinator_headers, helene):
    listed = client.get(URL, headers=coordinator_headers).get_json()["items"][0]
    one = client.get(f"{URL}/{helene.id}", headers=coordinator_headers).get_json()

    assert "notes" not in listed and "notes" not in one
    assert "Confidential" not in str(listed) + str(one)


def test_a1_coordinators_get_403_on_every_write(client, coordinator_headers, helene):
    responses = [
        client.post(URL, headers=coordinator_headers, json={"last_name": "X"}),
        client.patch(
            f"{URL}/{helene.id}", headers=coordinator_headers, json={"version": 1, "notes": ""}
        ),
        client.delete(f"{URL}/{helene.id}", headers=coordinator_headers),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1
    assert db.session.get(Contact, helene.id).archived_at is None


def test_creating_a_contact_with_a_posting(client, headers, mission):
    response = client.post(
        URL,
        headers=headers,
        json={
            "first_name": "王",
            "last_name": "伟",
            "emails": ["wang@mission.example"],
            "phones": ["+41 22 917 12 34"],
            "areas": ["clearance"],
            "tags": ["3RC"],
            "posting": {"organisation_id": mission.id, "position": "Counsellor"},
            "role": "admin",  # A5: fields that are not the contact's are ignored
            "id": 77,
        },
    )
    body = response.get_json()

    assert response.status_code == 201, body
    assert body["id"] != 77
    assert (body["first_name"], body["last_name"]) == ("王", "伟")
    assert body["postings"][0]["organisation_id"] == mission.id
    assert body["version"] == 1


def test_invalid_values_are_422_with_a_message_per_field(client, headers, mission):
    response = client.post(
        URL,
        headers=headers,
        json={"last_name": "", "emails": ["nope"], "phones": ["abc"], "areas": ["nowhere"]},
    )
    body = response.get_json()
    assert response.status_code == 422
    assert set(body["errors"]) == {"last_name", "emails", "phones", "areas"}
    missing = client.post(URL, headers=headers, json={"first_name": "Only"})
    assert missing.status_code == 422 and "last_name" in missing.get_json()["errors"]
    posting = client.post(
        URL, headers=headers, json={"last_name": "X", "posting": {"organisation_id": 424242}}
    )
    assert posting.status_code == 422 and "organisation" in posting.get_json()["errors"]


def test_patch_with_the_current_version_saves_and_returns_the_next_one(client, headers, helene):
    response = client.patch(
        f"{URL}/{helene.id}", headers=headers, json={"version": helene.version, "tags": ["x"]}
    )
    body = response.get_json()

    assert response.status_code == 200, body
    assert body["tags"] == ["x"]
    assert body["first_name"] == "Hélène"  # what was not sent stays
    assert body["emails"] == ["helene@mission.example"]
    assert body["version"] == helene.version + 1 or body["version"] > 1


def test_d2_patch_with_an_old_version_is_409_listing_the_other_changes(client, headers, helene):
    version = helene.version
    client.patch(
        f"{URL}/{helene.id}", headers=headers, json={"version": version, "first_name": "Helena"}
    )

    response = client.patch(
        f"{URL}/{helene.id}", headers=headers, json={"version": version, "last_name": "Durand"}
    )
    body = response.get_json()

    assert response.status_code == 409
    assert body["version"] > version
    assert {"field": "first_name", "before": "Hélène", "after": "Helena"}.items() <= body[
        "changes"
    ][0].items()
    assert body["changes"][0]["who"] == "specialist@isu.example"
    assert db.session.get(Contact, helene.id).last_name == "Dubois"
    assert client.patch(f"{URL}/{helene.id}", headers=headers, json={}).status_code == 422


def test_delete_archives_the_contact(client, headers, helene):
    response = client.delete(f"{URL}/{helene.id}", headers=headers)

    assert response.status_code == 204
    contact = db.session.get(Contact, helene.id)
    assert contact.archived_at is not None
    assert client.get(URL, headers=headers).get_json()["total"] == 0
    assert (
        client.get(URL, headers=headers, query_string={"include_archived": "true"}).get_json()[
            "total"
        ]
        == 1
    )


@pytest.mark.parametrize(
    "body",
    [
        {"last_name": "x" * 5000},
        {"last_name": "Nul\x00", "notes": "\x00", "emails": ["a\x00@b.example"]},
        {"last_name": "\ud800surrogate", "tags": ["\ud800"], "keywords": ["ﷺ" * 60]},
        {"last_name": "X", "emails": "not a list"},
        {"last_name": "X", "emails": [1, None]},
        {"last_name": "X", "areas": ["\x00"]},
        {"last_name": "X", "posting": {"organisation_id": 2**40}},
        {"last_name": "X", "posting": {"organisation_id": 1, "start_date": "2025-02-30"}},
        {"last_name": None},
        [],
        "just a string",
    ],
)
def test_no_body_a_client_sends_gives_a_500(client, headers, mission, body):
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code in (201, 422), response.get_json()


def test_no_query_a_client_sends_gives_a_500(client, headers, helene):
    for query in (
        {"q": "\x00"},
        {"region": "\x00"},
        {"tag": "\x00"},
        {"area": "\x00"},
        {"page": "99999"},
        {"q": "ﷺ" * 100},
    ):
        assert client.get(URL, headers=headers, query_string=query).status_code in (200, 422)


def test_the_contacts_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/contacts"]) >= {"get", "post"}
    assert set(paths["/api/v1/contacts/{contact_id}"]) >= {"get", "patch", "delete"}


def test_fuzzing_the_contacts_api_from_its_openapi_document_finds_no_server_error(
    app, staff, helene
):
    from tests.api.fuzzing import server_errors

    fuzzed, errors = server_errors(app, api_headers(staff.email), lambda p: "/contacts" in p)
    assert fuzzed == 5
    assert errors == []
