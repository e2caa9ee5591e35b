"""GET /api/v1/public/states: every State's public treaty facts, for the CCM website."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import outreach.reference

DATA = Path(outreach.reference.__file__).parent / "data"
URL = "/api/v1/public/states"
FACTS = (
    "iso3",
    "name",
    "ccm_status",
    "signature_date",
    "consent_date",
    "consent_type",
    "entry_into_force_date",
    "withdrawal_date",
)


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def shipped() -> dict[str, dict[str, str | None]]:
    """The shipped facts of each State as the API should give them: empty cells are null."""
    regions = {row["iso3"]: row["region"] for row in _csv("m49_regions.csv")}
    return {
        row["iso3"]: {
            **{key: row[key] or None for key in FACTS},
            "region": regions[row["iso3"]],
        }
        for row in _csv("ccm_states.csv")
    }


def test_anyone_can_read_every_state_exactly_as_shipped(client, shipped):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["items"]) == 197
    published = {item["iso3"]: item for item in body["items"]}
    assert len(published) == 197
    assert set(published) == set(shipped)
    for iso3, facts in shipped.items():
        assert published[iso3] == facts, iso3


def test_the_published_facts_hold_the_shipped_counts_and_the_as_of_date(client):
    body = client.get(URL).get_json()

    statuses = [item["ccm_status"] for item in body["items"]]
    assert [statuses.count(s) for s in ("state_party", "signatory", "not_party", "withdrawn")] == [
        112,
        12,
        72,
        1,
    ]
    assert body["as_of"] == "2026-01-23"


def test_the_public_list_exposes_no_source_or_internal_id(client):
    items = client.get(URL).get_json()["items"]

    assert {key for item in items for key in item} == {*FACTS, "region"}


def test_the_public_list_may_be_cached_and_read_from_any_site(client):
    response = client.get(URL, headers={"Origin": "https://www.clusterconvention.org"})

    assert "public" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_reader_gets_the_same_public_answer_without_a_cookie(client, auth, staff):
    anonymous = client.get(URL).get_json()
    auth.login(staff.email)

    response = client.get(URL)

    assert response.get_json() == anonymous
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]


def test_the_public_list_cannot_be_written_to(client):
    response = client.post(URL, json={"iso3": "XXX"})

    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert "public" not in response.headers.get("Cache-Control", "")
