"""The interaction pages: logging prefilled from a State page, the interaction page, my
follow-ups, the timelines, and what a coordinator may see and do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp, Interaction
from outreach.reference.models import State
from tests.factories import make_contact, make_followup, make_interaction, make_organisation


def _state(iso3: str) -> State:
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def test_staff_log_an_interaction_from_a_state_page(
    client: Any, auth: Any, staff: Any, admin: Any
) -> None:
    mission = make_organisation("Indonesian Mission", kind="permanent_mission", state_iso3="IDN")
    auth.login(staff.email)
    state_page = client.get("/states/IDN").get_data(as_text=True)
    assert 'href="/interactions/new?state=IDN"' in state_page

    form = client.get("/interactions/new?state=IDN").get_data(as_text=True)
    assert 'value="IDN"' in form
    assert "Indonesian Mission" in form
    assert f'value="{dt.date.today().isoformat()}"' in form

    response = auth.post(
        "/interactions/new?state=IDN",
        {
            "kind": "demarche",
            "occurred_on": "2026-01-20",
            "subject": "Ratification démarche",
            "summary": "We **discussed** ratification.",
            "states": "IDN",
            "organisations": str(mission.id),
            "staff": str(staff.id),
            "confidential": "y",
            "followup_description": "Send the model instrument",
            "followup_owner": str(admin.id),
            "followup_due_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    interaction = db.session.scalars(sa.select(Interaction)).one()
    assert interaction.is_confidential and interaction.organisations == [mission]
    followup = db.session.scalars(sa.select(FollowUp)).one()
    assert followup.owner_id == admin.id and followup.interaction_id == interaction.id

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>discussed</strong>" in page and "Confidential" in page
    assert "Ratification démarche" in client.get("/states/IDN").get_data(as_text=True)


def test_a_faulty_form_is_shown_again_with_its_errors(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    response = auth.post("/interactions/new", {"kind": "call", "subject": "", "states": "XXX"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give a subject." in html or "Unknown State code: XXX." in html


def test_logging_from_an_organisation_or_contact_page_is_prefilled(
    client: Any, auth: Any, staff: Any
) -> None:
    mission = make_organisation("Lao Mission", kind="permanent_mission", state_iso3="LAO")
    person = make_contact("Phommavong", "Khamla", organisation=mission)
    auth.login(staff.email)
    assert f"/interactions/new?organisation={mission.id}" in client.get(
        f"/organisations/{mission.id}"
    ).get_data(as_text=True)
    assert f"/interactions/new?contact={person.id}" in client.get(
        f"/contacts/{person.id}"
    ).get_data(as_text=True)
    form = client.get(f"/interactions/new?contact={person.id}").get_data(as_text=True)
    assert re.search(rf'checked[^>]*value="{person.id}"|value="{person.id}"[^>]*checked', form)
    assert 'value="LAO"' in form


def test_a_coordinator_never_sees_a_confidential_interaction(
    client: Any, auth: Any, coordinator: Any
) -> None:
    lao = _state("LAO")
    mission = make_organisation("Lao Mission", kind="permanent_mission", state_iso3="LAO")
    person = make_contact("Phommavong", "Khamla", organisation=mission)
    links = {"state_ids": [lao.id], "organisation_ids": [mission.id], "contact_ids": [person.id]}
    open_one = make_interaction("Open clearance meeting", **links)
    secret = make_interaction("Secret démarche", confidential=True, **links)
    auth.login(coordinator.email)
    for path in ("/states/LAO", f"/organisations/{mission.id}", f"/contacts/{person.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Open clearance meeting" in html, path
        assert "Secret démarche" not in html, path
        assert "Log an interaction" not in html, path
    assert client.get(f"/interactions/{open_one.id}").status_code == 200
    assert client.get(f"/interactions/{secret.id}").status_code == 404
    assert client.get("/followups").status_code == 200


def test_a_coordinator_may_not_log_an_interaction(client: Any, auth: Any, coordinator: Any) -> None:
    auth.login(coordinator.email)
    assert client.get("/interactions/new").status_code == 403
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account").get_data(as_text=True)
    )
    data = {"kind": "call", "occurred_on": "2026-01-01", "subject": "Sneaky"}
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/interactions/new", data=data).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Interaction.id))) == 0


def test_my_follow_ups_page_and_done_button(client: Any, auth: Any, staff: Any) -> None:
    today = dt.date.today()
    late = make_followup(staff, today - dt.timedelta(days=3), "Call the mission back")
    make_followup(staff, today + dt.timedelta(days=2), "Send the letter")
    make_followup(staff, today + dt.timedelta(days=30), "Prepare the visit")
    auth.login(staff.email)
    html = client.get("/followups").get_data(as_text=True)
    overdue, week, later = (
        html.split('id="overdue-title"')[1].split('id="week-title"')[0],
        html.split('id="week-title"')[1].split('id="later-title"')[0],
        html.split('id="later-title"')[1],
    )
    assert "Call the mission back" in overdue
    assert "Send the letter" in week
    assert "Prepare the visit" in later
    assert re.search(r'class="count">2<', html)

    response = auth.post(f"/followups/{late.id}/done", {}, form_page="/followups")
    assert response.status_code == 302
    assert db.session.get(FollowUp, late.id).done_at is not None
    assert services.urgent_followup_count(staff) == 1


def test_the_state_timeline_is_paged(client: Any, auth: Any, staff: Any) -> None:
    lao = _state("LAO")
    for day in range(1, 13):
        make_interaction(
            f"Meeting on day {day:02d}", occurred_on=dt.date(2026, 1, day), state_ids=[lao.id]
        )
    auth.login(staff.email)
    first = client.get("/states/LAO").get_data(as_text=True)
    assert "Meeting on day 12" in first and "Meeting on day 02" not in first
    second = client.get("/states/LAO?timeline_page=2").get_data(as_text=True)
    assert "Meeting on day 02" in second and "Meeting on day 12" not in second
