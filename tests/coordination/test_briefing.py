"""The one-page country briefing: status, engagement, obligations, dialogues, the last ten
interactions the reader may see, and key contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from outreach.extensions import db
from tests.coordination.conftest import MARKER, TODAY, Scene, state
from tests.factories import make_contact, make_interaction, make_organisation, make_posting


def briefing(client: Any, iso3: str) -> str:
    response = client.get(f"/states/{iso3}/briefing")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, title_id: str) -> str:
    """The HTML of one section of the page, from its heading to the next section."""
    start = html.index(f'id="{title_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_the_briefing_shows_status_stage_dialogues_and_contacts_to_a_coordinator(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    html = briefing(client, "IDN")
    assert "<h1>Country briefing: Indonesia" in html
    status = section(html, "status-title")
    assert "Signatory" in status and "3 Dec 2008" in status
    assert "Considering" in status
    assert "not a State Party" in section(html, "obligations-title")
    dialogues = section(html, "dialogues-title")
    assert "Universalization" in dialogues and "Ratification is before parliament." in dialogues
    assert "Meet the new ambassador" in dialogues
    contacts = section(html, "contacts-title")
    assert "Sari Wibowo" in contacts and "Counsellor" in contacts
    assert "sari.wibowo@mission.example" in contacts
    assert "Permanent Mission of the Republic of Indonesia" in contacts
    assert "Personal note" not in html and MARKER not in html


def test_the_briefing_lists_the_last_ten_interactions_the_reader_may_see(
    client: Any, auth: Any, coordinator: Any, staff: Any, scene: Scene
) -> None:
    idn = state("IDN").id
    for number in range(1, 13):
        make_interaction(
            f"Exchange number {number:02d}",
            occurred_on=TODAY - dt.timedelta(days=100 - number),
            outcome=f"Outcome {number:02d}",
            state_ids=[idn],
        )
    auth.login(coordinator.email)
    shown = section(briefing(client, "IDN"), "interactions-title")
    # Newest first: the call of 10 days ago, then exchanges 12 down to 4; never the démarche.
    assert shown.count("<tr>") == 1 + 10
    assert "Call with the Indonesian mission" in shown
    assert "They will write to the capital." in shown
    assert [f"Exchange number {n:02d}" in shown for n in range(1, 13)] == [False] * 3 + [True] * 9
    assert shown.index("Exchange number 12") < shown.index("Exchange number 04")
    assert MARKER not in shown and "Confidential" not in shown
    auth.logout()
    auth.login(staff.email)
    for_staff = section(briefing(client, "IDN"), "interactions-title")
    assert MARKER in for_staff and "Confidential" in for_staff
    assert "Exchange number 04" not in for_staff  # the démarche took its place


def test_a_coordinator_sees_only_the_dialogues_of_their_areas(
    client: Any, auth: Any, coordinator: Any, staff: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    lao = section(briefing(client, "LAO"), "dialogues-title")
    assert "No dialogue in your areas with Lao" in lao
    auth.logout()
    auth.login(staff.email)
    assert "Clearance and Risk Reduction Education" in section(
        briefing(client, "LAO"), "dialogues-title"
    )


def test_the_briefing_of_a_state_party_shows_its_obligations_and_reports(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    obligations = section(briefing(client, "LAO"), "obligations-title")
    assert "Art. 4" in obligations and "1 Aug 2030" in obligations
    assert "extended; original" in obligations and "1 Aug 2020" in obligations
    assert "In progress" in obligations
    assert "Annual report for 2025" in obligations and "20 Apr 2026" in obligations
    assert "Next due:" in obligations


def test_key_contacts_are_the_people_now_at_the_mission_and_capital(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    ministry = make_organisation("Ministry of Foreign Affairs", kind="ministry", state_iso3="IDN")
    make_contact("Santoso", "Budi", organisation=ministry, position="Director")
    make_posting(scene.mission, "Former", "Envoy", end_date=TODAY - dt.timedelta(days=1))
    ngo = make_organisation("Indonesian Campaign", kind="ngo", state_iso3="IDN")
    make_contact("Activist", "Ana", organisation=ngo, position="Campaigner")
    auth.login(staff.email)
    contacts = section(briefing(client, "IDN"), "contacts-title")
    assert "Budi Santoso" in contacts and "Sari Wibowo" in contacts
    # The Mission in Geneva first, then the capital.
    assert contacts.index("Sari Wibowo") < contacts.index("Budi Santoso")
    assert "Envoy Former" not in contacts and "Ana Activist" not in contacts


def test_an_unknown_state_is_not_found(client: Any, auth: Any, coordinator: Any) -> None:
    auth.login(coordinator.email)
    for code in ("XYZ", "ID", "I%00N", "1DN", "IDNX"):
        assert client.get(f"/states/{code}/briefing").status_code == 404, code


def test_the_briefing_takes_a_constant_number_of_queries(
    client: Any, auth: Any, staff: Any, scene: Scene, count_queries: Any
) -> None:
    auth.login(staff.email)
    # The test shares its session with the app: start both counts with nothing loaded.
    db.session.expire_all()
    with count_queries() as few:
        briefing(client, "IDN")
    idn = state("IDN").id
    for number in range(15):
        make_interaction(f"More {number}", state_ids=[idn])
        make_contact(f"Person{number}", organisation=scene.mission, position="Attaché")
    db.session.expire_all()
    with count_queries() as many:
        briefing(client, "IDN")
    assert many.count == few.count
