"""GET /api/v1/states: States with the list filters, for holders of a personal API token."""

from __future__ import annotations

import pytest

from outreach.auth.services import disable_user
from outreach.reference.models import CcmStatus
from tests.factories import api_headers

URL = "/api/v1/states"


@pytest.fixture
def headers(staff):
    """The Authorization header of a staff member's token."""
    return api_headers(staff.email)


def _json_error(response, code: int) -> dict:
    """The JSON error body of a response, after checking it is one."""
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_without_a_token_the_answer_is_401_json_with_a_bearer_challenge(client):
    for accept in ("application/json", "text/html,application/xhtml+xml", "*/*"):
        response = client.get(URL, headers={"Accept": accept})

        _json_error(response, 401)
        assert "<html" not in response.get_data(as_text=True).lower()
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_refused(client, headers):
    for value in ("Bearer otk_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "otk_x"):
        response = client.get(URL, headers={"Authorization": value})
        _json_error(response, 401)
    response = client.get(URL, headers={"Authorization": "Bearer otk_not-a-real-token"})
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_signed_in_browser_without_a_token_is_refused(client, auth, staff):
    auth.login(staff.email)
    _json_error(client.get(URL), 401)


def test_the_token_of_a_disabled_account_stops_working(client, staff, headers):
    assert client.get(URL, headers=headers).status_code == 200
    disable_user(staff.email)
    _json_error(client.get(URL, headers=headers), 401)


def test_a_staff_token_lists_the_states_in_pages(client, headers):
    response = client.get(URL, headers=headers)

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"]) == (197, 1, 50)
    assert len(body["items"]) == 50
    first = body["items"][0]
    assert first["iso3"] == "AFG"
    assert first["name"] == "Afghanistan"
    assert first["ccm_status"] == "state_party"
    assert first["consent_type"] == "ratification"
    assert first["signature_date"] == "2008-12-03"
    assert first["withdrawal_date"] is None
    assert (first["region"], first["sub_region"], first["m49_code"]) == (
        "Asia",
        "Southern Asia",
        "004",
    )
    assert "id" not in first
    assert response.headers["Cache-Control"] == "no-store"


def test_a_coordinator_token_may_read_the_list(client, coordinator):
    response = client.get(URL, headers=api_headers(coordinator.email))
    assert response.status_code == 200
    assert response.get_json()["total"] == 197


def test_pages_cover_every_state_once(client, headers):
    seen = []
    for page in (1, 2, 3, 4):
        body = client.get(f"{URL}?page={page}&per_page=50", headers=headers).get_json()
        assert (body["page"], body["per_page"], body["total"]) == (page, 50, 197)
        seen += [item["iso3"] for item in body["items"]]
    assert len(seen) == len(set(seen)) == 197
    past_the_end = client.get(f"{URL}?page=5&per_page=50", headers=headers).get_json()
    assert (past_the_end["items"], past_the_end["total"]) == ([], 197)
    everything = client.get(f"{URL}?per_page=500", headers=headers).get_json()
    assert len(everything["items"]) == 197


def test_filtering_by_status_region_and_name(client, headers):
    signatories = client.get(f"{URL}?status=signatory", headers=headers).get_json()
    assert signatories["total"] == 12
    assert {i["ccm_status"] for i in signatories["items"]} == {"signatory"}
    assert "IDN" in {i["iso3"] for i in signatories["items"]}

    oceania = client.get(f"{URL}?region=Oceania&per_page=500", headers=headers).get_json()
    assert oceania["total"] == 16
    assert {i["region"] for i in oceania["items"]} == {"Oceania"}

    both = client.get(f"{URL}?status=signatory&region=Africa", headers=headers).get_json()
    assert both["total"] == 8

    lao = client.get(f"{URL}?q=lao", headers=headers).get_json()
    assert [i["name"] for i in lao["items"]] == ["Lao People's Democratic Republic"]

    withdrawn = client.get(f"{URL}?status=withdrawn", headers=headers).get_json()
    assert [(i["iso3"], i["withdrawal_date"]) for i in withdrawn["items"]] == [
        ("LTU", "2025-03-06")
    ]

    assert client.get(f"{URL}?region=Atlantis", headers=headers).get_json()["total"] == 0
    assert client.get(f"{URL}?q=%25", headers=headers).get_json()["total"] == 0


def test_sorting_by_entry_into_force_descending(client, headers):
    body = client.get(
        f"{URL}?sort=entry_into_force&descending=true&per_page=500", headers=headers
    ).get_json()

    dates = [i["entry_into_force_date"] for i in body["items"]]
    in_force = [d for d in dates if d]
    assert body["items"][0]["iso3"] == "VUT"
    assert in_force == sorted(in_force, reverse=True)
    assert dates == in_force + [None] * (197 - len(in_force))

    ascending = client.get(f"{URL}?sort=entry_into_force", headers=headers).get_json()
    assert ascending["items"][0]["entry_into_force_date"] == "2010-08-01"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=xyz", "status"),
        ("per_page=0", "per_page"),
        ("per_page=100000", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=-1", "page"),
        ("page=0", "page"),
        ("sort=evil", "sort"),
        ("sort=name;DROP%20TABLE%20state", "sort"),
        ("q=" + "x" * 101, "q"),
        ("descending=perhaps", "descending"),
    ],
)
def test_an_invalid_value_is_422_json_with_a_message_for_its_field(client, headers, query, field):
    body = _json_error(client.get(f"{URL}?{query}", headers=headers), 422)

    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == "Unprocessable Entity"
    assert set(body["errors"]) == {field}
    assert all(isinstance(m, str) and m for m in body["errors"][field])


def test_several_invalid_values_each_get_their_message(client, headers):
    body = _json_error(
        client.get(f"{URL}?status=xyz&per_page=0&page=-1&sort=evil", headers=headers), 422
    )

    assert set(body["errors"]) == {"status", "per_page", "page", "sort"}
    assert body["errors"]["status"] == [
        "Must be one of: " + ", ".join(s.value for s in CcmStatus) + "."
    ]


def test_without_a_token_even_an_invalid_query_is_401(client):
    _json_error(client.get(f"{URL}?status=xyz"), 401)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_list_cannot_be_written_to(client, headers, method):
    for sent_headers in (headers, {}):
        response = getattr(client, method)(URL, headers=sent_headers, json={"iso3": "XXX"})

        _json_error(response, 405)
        assert "GET" in response.headers["Allow"]
        assert "<html" not in response.get_data(as_text=True).lower()


def test_an_unknown_api_address_is_a_json_404(client, headers):
    _json_error(client.get("/api/v1/nothing-here", headers=headers), 404)
