"""Who may do what with organisations: coordinators read (never the notes) and write nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from outreach.audit.models import AuditEvent
from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.organisations import services
from tests.conftest import csrf_token
from tests.factories import make_organisation, make_posting
from tests.organisations.pages import listed

SECRET = "CONFIDENTIAL-7731 minister prefers informal talks"


@pytest.fixture
def noted(app):
    """A mission with confidential notes, a note changed since, and a person working there."""
    mission = make_organisation(
        "Permanent Mission of Ruritania",
        kind="permanent_mission",
        state_iso3="AUT",
        notes="first draft",
        tags=["3RC"],
    )
    data = services.data_of(mission)
    data.notes = SECRET
    services.update_organisation(mission, data, mission.version)
    make_posting(mission, "Elphberg", "Rudolf", "Ambassador")
    return mission


def _write_routes(app, organisation_id: int) -> list[str]:
    """Every state-changing address of the organisations pages."""
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("organisations.") and rule.methods & {"POST"}:
            values = {"organisation_id": organisation_id, "iso3": "AUT"}
            urls.append(adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments}))
    return sorted(urls)


def test_a1_coordinators_get_403_on_every_write_route_and_nothing_changes(
    app, as_coordinator, noted
):
    token = csrf_token(as_coordinator, "/account")
    routes = _write_routes(app, noted.id)
    assert set(routes) == {
        "/organisations/bulk",
        f"/organisations/{noted.id}/archive",
        f"/organisations/{noted.id}/edit",
        f"/organisations/{noted.id}/restore",
        "/organisations/new",
        "/states/AUT/permanent-mission",
    }
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    for url in routes:
        response = as_coordinator.post(
            url,
            data={
                "csrf_token": token,
                "name": "Hijacked",
                "kind": "ngo",
                "action": "archive",
                "ids": [str(noted.id)],
                "version": "2",
            },
        )
        assert response.status_code == 403, url
        assert "Your account does not have access" in response.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    stored = db.session.get(Organisation, noted.id)
    assert (stored.name, stored.archived_at, stored.version) == (noted.name, None, 2)


def test_a1_coordinators_cannot_open_the_staff_forms(as_coordinator, noted):
    assert as_coordinator.get("/organisations/new").status_code == 403
    assert as_coordinator.get(f"/organisations/{noted.id}/edit").status_code == 403


def test_a2_coordinators_never_see_the_notes_in_pages_exports_or_search_results(
    as_coordinator, noted
):
    pages = [
        "/organisations",
        "/organisations?archived=y&per_page=200",
        f"/organisations/{noted.id}",
        "/states/AUT",
        "/organisations/export.csv",
        "/organisations/export.xlsx",
    ]
    for url in pages:
        response = as_coordinator.get(url)
        assert response.status_code == 200, url
        body = response.get_data()
        assert b"CONFIDENTIAL-7731" not in body, url
        assert b"first draft" not in body, url
    assert listed(as_coordinator.get("/organisations?q=informal talks")) == []
    html = as_coordinator.get(f"/organisations/{noted.id}").get_data(as_text=True)
    assert "Permanent Mission of Ruritania" in html
    assert "Elphberg" in html


def test_a2_staff_see_the_notes_and_the_history_of_the_notes(signed_in, noted):
    html = signed_in.get(f"/organisations/{noted.id}").get_data(as_text=True)
    assert SECRET in html
    assert "first draft" in html


def test_a4_anonymous_visitors_are_sent_to_sign_in_everywhere(client, app, noted):
    for url in (
        "/organisations",
        f"/organisations/{noted.id}",
        "/organisations/new",
        f"/organisations/{noted.id}/edit",
        "/organisations/export.csv",
        "/organisations/export.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
