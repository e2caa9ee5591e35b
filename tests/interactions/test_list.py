"""The interactions list: search ignoring case and accents, filters, paging, exports, and a
coordinator who never gets a confidential interaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from outreach.extensions import db
from outreach.interactions import services
from tests.factories import make_dialogue, make_interaction, make_organisation
from tests.interactions.conftest import area, state


def _rows(response: Any) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_search_ignores_case_and_accents(client: Any, auth: Any, staff: Any) -> None:
    make_interaction("Démarche à Jakarta", summary="On **ratification**")
    make_interaction("Call with Geneva", outcome="They will CONSIDER accession")
    make_interaction("Unrelated meeting")
    auth.login(staff.email)
    html = client.get("/interactions?q=demarche+JAKARTA").get_data(as_text=True)
    assert "Démarche à Jakarta" in html and "Unrelated meeting" not in html
    html = client.get("/interactions?q=considér").get_data(as_text=True)
    assert "Call with Geneva" in html and "Démarche à Jakarta" not in html
    html = client.get("/interactions?q=ratification").get_data(as_text=True)
    assert "Démarche à Jakarta" in html and "<strong>1</strong> interaction found" in html


def test_the_filters_narrow_the_list(client: Any, auth: Any, staff: Any) -> None:
    dialogue = make_dialogue("IDN")
    make_interaction(
        "Indonesia démarche",
        kind="demarche",
        occurred_on=dt.date(2026, 2, 1),
        state_ids=[state("IDN").id],
        area_ids=[area("universalization").id],
        dialogue_ids=[dialogue.id],
    )
    make_interaction(
        "Lao call",
        kind="call",
        occurred_on=dt.date(2025, 5, 1),
        state_ids=[state("LAO").id],
        confidential=True,
    )
    auth.login(staff.email)

    def subjects(query: str) -> set[str]:
        html = client.get(f"/interactions?{query}").get_data(as_text=True)
        return {s for s in ("Indonesia démarche", "Lao call") if s in html}

    assert subjects("") == {"Indonesia démarche", "Lao call"}
    assert subjects("kind=call") == {"Lao call"}
    assert subjects("state=IDN") == {"Indonesia démarche"}
    assert subjects("area=universalization") == {"Indonesia démarche"}
    assert subjects(f"dialogue={dialogue.id}") == {"Indonesia démarche"}
    assert subjects("date_from=2026-01-01") == {"Indonesia démarche"}
    assert subjects("date_to=2025-12-31") == {"Lao call"}
    assert subjects("sensitivity=confidential") == {"Lao call"}
    response = client.get("/interactions?date_from=not-a-date&state=XXX&kind=bogus")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_the_list_is_newest_first_and_paged(client: Any, auth: Any, staff: Any) -> None:
    for day in range(1, 28):
        make_interaction(f"Meeting of day {day:02d}", occurred_on=dt.date(2026, 1, day))
    auth.login(staff.email)
    first = client.get("/interactions?per_page=25").get_data(as_text=True)
    assert first.index("Meeting of day 27") < first.index("Meeting of day 26")
    assert "Meeting of day 02" not in first and "Showing 1–25 of 27 interactions" in first
    second = client.get("/interactions?per_page=25&page=2&q=meeting").get_data(as_text=True)
    assert "Meeting of day 01" in second and "Meeting of day 03" not in second


def test_a_coordinator_never_gets_a_confidential_interaction_in_the_list_or_export(
    client: Any, auth: Any, coordinator: Any
) -> None:
    make_interaction("Open meeting", summary="Secretly nothing")
    make_interaction("Secret démarche", summary="Open words", confidential=True)
    auth.login(coordinator.email)
    for query in ("", "?q=secret", "?q=open", "?sensitivity=confidential"):
        html = client.get(f"/interactions{query}").get_data(as_text=True)
        assert "Secret démarche" not in html, query
    html = client.get("/interactions").get_data(as_text=True)
    assert "Open meeting" in html and 'name="sensitivity"' not in html
    assert "Log an interaction" not in html
    rows = _rows(client.get("/interactions/export/csv?q=secret"))
    assert "Sensitivity" not in rows[0]
    assert [r[2] for r in rows[1:]] == ["Open meeting"]
    workbook = load_workbook(io.BytesIO(client.get("/interactions/export/xlsx").data))
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "Open meeting" in values and "Secret démarche" not in values


def test_the_export_has_every_column_as_plain_text(
    client: Any, auth: Any, staff: Any, audit_events: Any
) -> None:
    dialogue = make_dialogue("IDN")
    mission = make_organisation("Indonesian Mission", kind="permanent_mission", state_iso3="IDN")
    make_interaction(
        "=HYPERLINK(1)",
        summary="We **agreed** on a [plan](https://example.org).",
        outcome="-2+3",
        confidential=True,
        state_ids=[state("IDN").id],
        organisation_ids=[mission.id],
        staff_ids=[staff.id],
        area_ids=[area("universalization").id],
        dialogue_ids=[dialogue.id],
    )
    auth.login(staff.email)
    response = client.get("/interactions/export/csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="interactions-')
    header, row = _rows(response)
    assert header == [
        "Date",
        "Kind",
        "Subject",
        "States",
        "Organisations",
        "People",
        "ISU staff",
        "Thematic areas",
        "Dialogues",
        "Outcome",
        "Sensitivity",
        "Summary",
    ]
    assert row == [
        "2026-01-15",
        "Meeting",
        "'=HYPERLINK(1)",
        "Indonesia",
        "Indonesian Mission",
        "",
        "Sam Specialist",
        "Universalization",
        "Indonesia — Universalization",
        "'-2+3",
        "confidential",
        "We agreed on a plan.",
    ]
    assert client.get("/interactions/export/pdf").status_code == 404
    (event,) = audit_events("export")
    assert (event.record_type, event.detail) == ("Interaction", "1 rows as csv")


@pytest.mark.parametrize("query", ["", "?q=meeting"])
def test_the_list_runs_as_many_queries_for_1_and_30_rows(
    client: Any, auth: Any, staff: Any, count_queries: Any, query: str
) -> None:
    mission = make_organisation("Lao mission", kind="permanent_mission", state_iso3="LAO")
    dialogue = make_dialogue("LAO", "clearance")
    auth.login(staff.email)

    def statements(total: int) -> int:
        existing = services.find_interactions(services.InteractionFilters(), staff).total
        for n in range(existing, total):
            make_interaction(
                f"Meeting {n}",
                state_ids=[state("LAO").id],
                organisation_ids=[mission.id],
                staff_ids=[staff.id],
                area_ids=[area("clearance").id],
                dialogue_ids=[dialogue.id],
            )
        with count_queries() as counter:
            assert client.get(f"/interactions{query}").status_code == 200
        with count_queries() as export_counter:
            assert client.get(f"/interactions/export/csv{query}").status_code == 200
        return counter.count + 1000 * export_counter.count

    assert statements(1) == statements(30)


def test_the_dialogue_filter_costs_as_many_queries_for_1_and_8_dialogues(
    client: Any, auth: Any, staff: Any, count_queries: Any
) -> None:
    auth.login(staff.email)
    codes = ["LAO", "IDN", "AFG", "IRQ", "LBN", "TCD", "SOM", "MRT"]

    def statements(total: int) -> int:
        for iso3 in codes[:total]:
            make_dialogue(iso3, "clearance")
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get("/interactions").get_data(as_text=True)
        assert page.count(" — Clearance and Risk Reduction Education</option>") == total
        return counter.count

    assert statements(1) == statements(8)
