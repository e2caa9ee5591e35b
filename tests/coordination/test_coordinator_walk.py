"""A1 and A2 for the whole app: a universalization coordinator walks every route of the URL map
(pages, downloads and the API) over records that have something to show, and never meets the
confidential démarche; then every state-changing route refuses them and nothing changes.

The walk iterates `app.url_map`, so a route added later is walked too; a route whose parameter
has no sample value below fails the test until one is given."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from outreach.audit.models import AuditEvent
from outreach.core.exports import XLSX_MIMETYPE
from outreach.dialogues.models import Dialogue, DialogueEvent
from outreach.directory.models import Contact, Organisation, Posting
from outreach.extensions import db
from outreach.interactions.models import FollowUp, Interaction
from outreach.meetings.models import Meeting
from outreach.obligations.models import Article7Report, ExtensionRequest, Obligation
from outreach.reference.models import State, StatusEvent
from outreach.universalization.models import Engagement, StageEvent
from tests.conftest import csrf_token
from tests.coordination.conftest import MARKER, Scene
from tests.factories import api_headers

# Routes the walk leaves out, and why (every other route is walked).
SKIPPED = {
    "auth.login": "signing in is how the walk starts; posting it again would start a new session",
    "auth.logout": "signing out would end the walk's session (sign-out is tested in tests/auth)",
}
# State-changing routes a coordinator may use; their GET is walked like any other page.
OWN_ACCOUNT = {
    "auth.account": "a coordinator may change their own password (tests/core/test_access.py)",
    "rsvp.feed_create": "a coordinator may make their own calendar feed (tests/rsvp)",
    "rsvp.feed_revoke": "a coordinator may stop their own calendar feed (tests/rsvp)",
    # Public pages of invitees: a made-up link gets the polite 404 and records nothing.
    "rsvp.answer": "an invitee's answer through their personal link (tests/rsvp)",
    "rsvp.unsubscribe": "an invitee's opt-out through their personal link (tests/rsvp)",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Query strings that widen what a page shows: a State, an area, searches that match the marker
# (but are not the whole marker, which a search box rightly echoes), and guesses at a
# confidentiality switch.
SEARCH = MARKER.split("-", 1)[1]
QUERIES = (
    "",
    "?state=IDN",
    "?area=universalization",
    f"?q={SEARCH}",
    "?q=Démarche&kind=demarche",
    "?sensitivity=confidential&confidential=y&include=confidential",
)
# Records whose number must not change when the coordinator tries to write.
WATCHED = (
    Interaction,
    FollowUp,
    Dialogue,
    DialogueEvent,
    Engagement,
    StageEvent,
    Obligation,
    ExtensionRequest,
    Article7Report,
    Meeting,
    Organisation,
    Contact,
    Posting,
    StatusEvent,
    AuditEvent,
)


def sample_values(scene: Scene) -> dict[str, list[Any]]:
    """Real ids of the scene for each route parameter; interactions, follow-ups and dialogues
    both the coordinator's own and those they may not see."""
    return {
        "iso3": ["IDN", "LAO"],
        "dialogue_id": [scene.idn_universalization.id, scene.lao_clearance.id],
        "interaction_id": [scene.normal.id, scene.confidential.id],
        "followup_id": [scene.followup.id],
        "obligation_id": [scene.obligation.id],
        "request_id": [scene.extension.id],
        "report_id": [scene.report.id],
        "area": ["universalization", "clearance"],
        "year": [2025, 2026],
        "organisation_id": [scene.mission.id],
        "contact_id": [scene.contact.id],
        "fmt": ["csv", "xlsx"],
        "filename": ["app.css"],
        "token": ["an-import-token"],
        "batch_id": [1],
        "meeting_id": [db.session.scalar(sa.select(sa.func.min(Meeting.id)))],
        "invitation_id": [1],
        "message_id": [1],
    }


def urls(app: Flask, rule: Rule, values: dict[str, list[Any]]) -> Iterator[str]:
    """The URL of the rule for every combination of sample values of its parameters."""
    missing = sorted(set(rule.arguments) - set(values))
    assert not missing, f"{rule.rule}: give the walk sample values for {missing}"
    names = sorted(rule.arguments)
    adapter = app.url_map.bind("localhost")
    for combination in itertools.product(*(values[name] for name in names)):
        yield adapter.build(rule.endpoint, dict(zip(names, combination, strict=True)))


def readable_text(response: Any) -> str:
    """Everything a reader gets from a response: headers, and the body as text (an XLSX
    workbook's cells read back with openpyxl)."""
    parts = [str(response.headers)]
    body = response.get_data()
    if response.mimetype == XLSX_MIMETYPE:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts.extend(str(cell) for cell in row if cell is not None)
        workbook.close()
    else:
        parts.append(body.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def counts() -> dict[str, int]:
    """How many rows each watched table holds."""
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in WATCHED
    }


def rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED]


@pytest.fixture
def walker(app: Flask, client: Any, auth: Any, scene: Scene, coordinator: Any) -> Any:
    """The coordinator, signed in through the form, and their API token."""
    assert auth.login(coordinator.email).status_code == 302
    return {"headers": api_headers(coordinator.email), "values": sample_values(scene)}


def test_a2_a_coordinator_walking_every_route_never_sees_the_confidential_demarche(
    app: Flask, client: Any, walker: Any, scene: Scene
) -> None:
    walked: dict[str, int] = {}
    leaks, errors = [], []
    for rule in rules(app):
        if "GET" not in rule.methods:
            continue
        api = rule.rule.startswith("/api/")
        for url in urls(app, rule, walker["values"]):
            for query in QUERIES:
                response = client.get(url + query, headers=walker["headers"] if api else None)
                walked[url + query] = response.status_code
                if response.status_code >= 500:
                    errors.append(url + query)
                if MARKER in readable_text(response):
                    leaks.append(url + query)
                response.close()
    assert errors == [], f"server errors: {errors}"
    assert leaks == [], f"the confidential démarche shows on {leaks}"
    # The walk really read the coordinator's pages, downloads and API.
    idn = scene.idn_universalization.id
    for url in (
        "/dialogues",
        "/dialogues/print?state=IDN",
        "/dialogues/export/xlsx",
        "/states/IDN/briefing",
        "/states/IDN",
        f"/dialogues/{idn}",
        f"/interactions/{scene.normal.id}",
        "/api/v1/dialogues",
    ):
        assert walked.get(url) == 200, (url, walked.get(url))
    assert walked[f"/interactions/{scene.confidential.id}"] == 404
    assert len(walked) > 200
    # Still signed in: no GET signed the coordinator out on the way.
    assert client.get("/account").status_code == 200


def test_a1_every_state_changing_route_refuses_a_coordinator_and_nothing_changes(
    app: Flask, client: Any, walker: Any
) -> None:
    token = csrf_token(client, "/account")
    before = counts()
    refused, allowed = [], []
    for rule in rules(app):
        if rule.endpoint in OWN_ACCOUNT or rule.rule.startswith("/static/"):
            continue
        api = rule.rule.startswith("/api/")
        for method in sorted(set(WRITE_METHODS) & rule.methods):
            for url in urls(app, rule, walker["values"]):
                if api:
                    response = client.open(url, method=method, json={}, headers=walker["headers"])
                else:
                    response = client.open(url, method=method, data={"csrf_token": token})
                if response.status_code == 403:
                    refused.append((method, url))
                else:
                    allowed.append((method, url, response.status_code))
    assert allowed == [], f"not refused: {allowed}"
    assert ("POST", "/states/IDN/dialogues") in refused or not any(
        r.endpoint == "dialogues.dialogue_open" for r in app.url_map.iter_rules()
    )
    assert any(url.startswith("/api/v1/") for _method, url in refused)
    assert counts() == before


def test_the_walk_covers_every_route_but_the_two_it_explains(app: Flask) -> None:
    skipped = {rule.endpoint for rule in app.url_map.iter_rules()} - {
        rule.endpoint for rule in rules(app)
    }
    assert skipped == set(SKIPPED)
    assert all(reason for reason in SKIPPED.values())


def test_the_scene_has_something_to_show_on_the_coordinator_pages(
    client: Any, walker: Any, scene: Scene
) -> None:
    dialogues = client.get("/dialogues").get_data(as_text=True)
    assert "Indonesia" in dialogues and "Considering" in dialogues
    briefing = client.get("/states/IDN/briefing").get_data(as_text=True)
    assert "Call with the Indonesian mission" in briefing and "Sari Wibowo" in briefing
    # The confidential démarche exists and staff would see it: the walk's silence means something.
    interaction = db.session.get(Interaction, scene.confidential.id)
    assert interaction is not None and interaction.is_confidential
    assert MARKER in interaction.subject + interaction.summary + interaction.outcome
    assert db.session.scalar(sa.select(State.iso3).where(State.id == scene.mission.state_id))
