"""/api/v1/obligations and /api/v1/article7-reports: filters, one record, changes with the
version, extension requests, reports received; coordinators read; no request gives a 500."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.extensions import db
from outreach.obligations.models import Article7Report, Obligation
from tests.api.fuzzing import server_errors
from tests.factories import api_headers
from tests.obligations.conftest import obligation

URL = "/api/v1/obligations"
REPORTS = "/api/v1/article7-reports"
TODAY = dt.date.today()


@pytest.fixture
def headers(staff):
    return api_headers(staff.email)


@pytest.fixture
def coordinator_headers(coordinator):
    return api_headers(coordinator.email)


def test_without_a_token_it_is_401(client):
    assert client.get(URL).status_code == 401
    assert client.get(REPORTS).status_code == 401


def test_the_list_filters_and_pages(client, headers):
    body = client.get(URL, headers=headers).get_json()
    assert body["total"] == 62 and len(body["items"]) == 50
    body = client.get(f"{URL}?article=4&status=in_progress&per_page=5", headers=headers).get_json()
    assert body["total"] == 9
    assert {item["article"] for item in body["items"]} == {4}
    lao = client.get(f"{URL}?iso3=lao", headers=headers).get_json()["items"]
    assert [(o["iso3"], o["article"], o["area"]) for o in lao] == [("LAO", 4, "clearance")]
    assert client.get(f"{URL}?article=5", headers=headers).status_code == 422


def test_due_within_months_keeps_the_deadlines_not_met_in_the_window(client, headers):
    lao = obligation("LAO", 4)
    lao.extended_deadline = TODAY + dt.timedelta(days=300)
    db.session.commit()
    items = client.get(f"{URL}?due_within_months=12&per_page=500", headers=headers).get_json()
    found = {(o["iso3"], o["article"]): o for o in items["items"]}
    assert found[("LAO", 4)]["deadline"] == lao.extended_deadline.isoformat()
    assert ("HRV", 4) not in found  # completed


def test_one_obligation_with_its_extension_requests(client, headers):
    lao = obligation("LAO", 4)
    response = client.post(
        f"{URL}/{lao.id}/extension-requests",
        json={
            "submitted_on": "2025-03-01",
            "status": "granted",
            "decided_at_meeting": "13MSP",
            "decided_on": "2025-09-18",
            "new_deadline": "2030-08-01",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    body = client.get(f"{URL}/{lao.id}", headers=headers).get_json()
    assert body["deadline"] == "2030-08-01"
    assert body["extension_requests"][0]["decided_at_meeting"] == "13MSP"
    assert client.get(f"{URL}/999999", headers=headers).status_code == 404


def test_an_extension_without_its_decision_is_422_with_the_field(client, headers):
    lao = obligation("LAO", 4)
    response = client.post(
        f"{URL}/{lao.id}/extension-requests",
        json={"submitted_on": "2025-03-01", "status": "refused"},
        headers=headers,
    )
    assert response.status_code == 422
    assert "decided_at_meeting" in response.get_json()["errors"]


def test_patch_with_the_version_and_a_conflict_with_an_old_one(client, headers):
    lao = obligation("LAO", 4)
    version = lao.version
    response = client.patch(
        f"{URL}/{lao.id}",
        json={"status": "completed", "completed_on": "2026-01-15", "version": version},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "completed"
    response = client.patch(
        f"{URL}/{lao.id}", json={"notes": "x", "version": version}, headers=headers
    )
    assert response.status_code == 409
    assert response.get_json()["version"] == version + 1
    db.session.expire_all()
    assert db.session.get(Obligation, lao.id).notes == ""


def test_coordinators_read_but_cannot_write(client, coordinator_headers):
    lao = obligation("LAO", 4)
    assert client.get(URL, headers=coordinator_headers).status_code == 200
    assert client.get(REPORTS, headers=coordinator_headers).status_code == 200
    response = client.patch(
        f"{URL}/{lao.id}", json={"notes": "x", "version": lao.version}, headers=coordinator_headers
    )
    assert response.status_code == 403
    response = client.post(
        REPORTS,
        json={"iso3": "LAO", "kind": "annual", "year": 2025, "received_on": "2026-04-01"},
        headers=coordinator_headers,
    )
    assert response.status_code == 403
    assert db.session.query(Article7Report).count() == 0


def test_reports_due_and_recording_one(client, headers):
    year = TODAY.year - 1
    due = client.get(f"{REPORTS}?iso3=LAO&per_page=500", headers=headers).get_json()["items"]
    annual = next(r for r in due if r["kind"] == "annual" and r["year"] == year)
    assert annual["due_on"] == f"{year + 1}-04-30"
    assert annual["overdue"] is (dt.date(year + 1, 4, 30) < TODAY)
    response = client.post(
        REPORTS,
        json={"iso3": "LAO", "kind": "annual", "year": year, "received_on": TODAY.isoformat()},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["received_on"] == TODAY.isoformat()
    overdue = client.get(f"{REPORTS}?overdue=true&per_page=500", headers=headers).get_json()
    assert all(r["overdue"] for r in overdue["items"])
    assert ("LAO", year) not in {(r["iso3"], r["year"]) for r in overdue["items"]}
    response = client.post(
        REPORTS,
        json={"iso3": "IDN", "kind": "annual", "year": year, "received_on": TODAY.isoformat()},
        headers=headers,
    )
    assert response.status_code == 422
    assert "kind" in response.get_json()["errors"]


def test_fuzzing_the_obligations_api_finds_no_server_error(app, staff):
    fuzzed, errors = server_errors(
        app,
        api_headers(staff.email),
        lambda path: "/obligations" in path or "/article7-reports" in path,
        max_examples=15,
    )
    assert fuzzed == 6  # list, read, change, extension request, reports, record one
    assert errors == []
