"""The coordinators' dialogues list: what each reader sees, the filters, the stale flag, the
related deadlines, the sort orders, the empty state and the number of queries."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

from outreach.audit.services import acting_as
from outreach.coordination import services
from outreach.dialogues.models import DialogueStatus
from outreach.extensions import db
from tests.coordination.conftest import MARKER, TODAY, Scene, link, state
from tests.factories import make_dialogue, make_interaction, make_user

ALL_FOUR = {"Indonesia", "Viet Nam", "Lao People's Democratic Republic", "Vanuatu"}


def row_states(html: str) -> list[str]:
    """The State names of the table's rows, in order."""
    names = re.findall(r'<th scope="row"><a href="/states/[A-Z]{3}">([^<]+)</a>', html)
    return [unescape(name) for name in names]


def page(client: Any, query: str = "") -> str:
    response = client.get("/dialogues" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_coordinator_sees_the_dialogues_of_their_areas_only(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    html = page(client)
    assert set(row_states(html)) == {"Indonesia", "Viet Nam"}
    assert "Universalization" in html and "Clearance" not in html
    # Another area in the address is not theirs to choose: the list stays within their areas.
    assert set(row_states(page(client, "?area=clearance"))) == {"Indonesia", "Viet Nam"}
    assert 'value="clearance"' not in html
    assert MARKER not in html


def test_staff_see_every_dialogue_and_filter_by_area(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    auth.login(staff.email)
    assert set(row_states(page(client))) == ALL_FOUR
    assert row_states(page(client, "?area=clearance")) == ["Lao People's Democratic Republic"]


def test_the_filters_by_region_ccm_status_and_dialogue_status(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    auth.login(staff.email)
    assert row_states(page(client, "?region=Oceania")) == ["Vanuatu"]
    not_yet = page(client, "?ccm_status=not_yet_party")
    assert row_states(not_yet) == ["Indonesia", "Viet Nam"]
    assert "Filtered by ccm status Signatories and States not party" in not_yet
    assert set(row_states(page(client, "?ccm_status=state_party"))) == {
        "Lao People's Democratic Republic",
        "Vanuatu",
    }
    assert row_states(page(client, "?status=stalled")) == ["Viet Nam"]
    assert row_states(page(client, "?region=Oceania&status=stalled")) == []
    # Values that are not choices are ignored rather than failing.
    assert set(row_states(page(client, "?region=Atlantis&status=x&ccm_status=%00"))) == ALL_FOUR


def test_no_match_and_no_dialogue_at_all_say_so(
    client: Any, auth: Any, coordinator: Any, app: Any
) -> None:
    auth.login(coordinator.email)
    empty = page(client)
    assert "No dialogue yet" in empty
    assert "from the State's page" in empty
    make_dialogue("IDN", "universalization")
    assert "No dialogue matches these filters" in page(client, "?status=concluded")


def test_a_coordinator_without_an_area_is_told_why_the_list_is_empty(
    client: Any, auth: Any, app: Any
) -> None:
    # Accounts are created with an area; one may lose it when the coordinators change.
    user = make_user("new@mission.example", "coordinator", areas=["universalization"])
    with acting_as("test"):
        user.areas = []
        db.session.commit()
    make_dialogue("IDN", "universalization")
    auth.login("new@mission.example")
    html = page(client)
    assert "Your account has no thematic area yet" in html
    assert row_states(html) == []


def test_a_stale_dialogue_is_flagged_and_confidential_contacts_do_not_refresh_it_for_a_coordinator(
    client: Any, auth: Any, app: Any, staff: Any, coordinator: Any, scene: Scene
) -> None:
    app.config["DIALOGUE_STALE_DAYS"] = 5
    auth.login(coordinator.email)
    # The normal call was 10 days ago; the confidential démarche of yesterday does not count.
    html = page(client)
    indonesia = html[html.index(">Indonesia<") : html.index(">Viet Nam<")]
    assert "Stale" in indonesia and "10 days since last contact" in indonesia
    assert (TODAY - dt.timedelta(days=1)).isoformat() not in html
    assert row_states(page(client, "?stale=y")) == ["Indonesia", "Viet Nam"]
    auth.logout()
    auth.login(staff.email)
    staff_html = page(client)
    indonesia = staff_html[staff_html.index(">Indonesia<") : staff_html.index(">Lao People")]
    assert "Stale" not in indonesia and "1 day ago" in indonesia
    assert "Indonesia" not in row_states(page(client, "?stale=y"))


def test_a_concluded_dialogue_is_never_stale(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    scene.vnm_universalization.status = DialogueStatus.CONCLUDED
    db.session.commit()
    auth.login(staff.email)
    assert "Viet Nam" not in row_states(page(client, "?stale=y"))


def test_each_row_shows_stage_next_step_owners_and_related_deadlines(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    auth.login(staff.email)
    html = page(client)
    indonesia = html[html.index(">Indonesia<") : html.index(">Lao People")]
    assert "Considering" in indonesia and "Meet the new ambassador" in indonesia
    assert "Sam Specialist" in indonesia and "Chris Coordinator" in indonesia
    lao = html[html.index(">Lao People") : html.index(">Vanuatu<")]
    assert "Art. 4 deadline" in lao and "1 Aug 2030" in lao and "extended" in lao
    vanuatu = html[html.index(">Vanuatu<") : html.index(">Viet Nam<")]
    assert "Art. 7 initial report" in vanuatu
    viet_nam = html[html.index(">Viet Nam<") :]
    assert "No contact" in viet_nam  # no engagement recorded for a State not party


def test_related_deadlines_on_a_given_day(staff: Any, scene: Scene) -> None:
    rows = services.dialogue_rows(staff, services.DialogueFilters(), today=dt.date(2026, 11, 28))
    by_state = {row.state.iso3: row for row in rows}
    # Vanuatu: in force on 1 March 2026, initial report due 180 days later, not received.
    (initial,) = by_state["VUT"].deadlines
    assert (initial.label, initial.due_on, initial.overdue) == (
        "Art. 7 initial report",
        dt.date(2026, 8, 28),
        True,
    )
    before = services.dialogue_rows(staff, services.DialogueFilters(), today=dt.date(2026, 5, 1))
    (upcoming,) = next(r for r in before if r.state.iso3 == "VUT").deadlines
    assert (upcoming.due_on, upcoming.overdue) == (dt.date(2026, 8, 28), False)
    (clearance,) = by_state["LAO"].deadlines
    assert (clearance.label, clearance.due_on, clearance.overdue) == (
        "Art. 4 deadline",
        dt.date(2030, 8, 1),
        False,
    )
    assert by_state["IDN"].deadlines == []


def test_sorting_by_last_contact_and_next_step(
    client: Any, auth: Any, staff: Any, scene: Scene
) -> None:
    scene.lao_clearance.next_step_due = TODAY + dt.timedelta(days=5)
    db.session.commit()
    link(
        make_interaction("Clearance workshop", occurred_on=TODAY - dt.timedelta(days=300)),
        scene.lao_clearance,
    )
    auth.login(staff.email)
    oldest_first = row_states(page(client, "?sort=last_contact"))
    # Never contacted first, then the oldest contact, the most recent last.
    assert oldest_first[-2:] == ["Lao People's Democratic Republic", "Indonesia"]
    assert set(oldest_first[:2]) == {"Vanuatu", "Viet Nam"}
    assert row_states(page(client, "?sort=last_contact&dir=desc"))[:2] == [
        "Indonesia",
        "Lao People's Democratic Republic",
    ]
    assert row_states(page(client, "?sort=next_step"))[:2] == [
        "Lao People's Democratic Republic",
        "Indonesia",
    ]
    assert row_states(page(client, "?sort=nonsense")) == sorted(ALL_FOUR)


def test_the_list_links_to_the_print_version_and_downloads_with_its_filters(
    client: Any, auth: Any, coordinator: Any, scene: Scene
) -> None:
    auth.login(coordinator.email)
    html = page(client, "?region=Asia&status=active")
    assert 'href="/dialogues/print?region=Asia&amp;status=active"' in html
    assert 'href="/dialogues/export/csv?region=Asia&amp;status=active"' in html
    assert 'href="/dialogues/export/xlsx?region=Asia&amp;status=active"' in html
    assert f'href="/dialogues/{scene.idn_universalization.id}"' in html
    assert 'href="/states/IDN/briefing"' in html


# Forty States not party or signatories, for as many universalization dialogues.
CODES = ["IDN", "VNM", "USA", "CHN", "IND", "PAK", "RUS", "BRA", "EGY", "ISR"]
CODES += ["KOR", "PRK", "SGP", "THA", "MMR", "IRN", "SAU", "ARE", "TUR", "POL"]
CODES += ["FIN", "EST", "LVA", "ROU", "GRC", "UKR", "BLR", "ARG", "VEN", "KAZ"]
CODES += ["AZE", "ARM", "GEO", "SYR", "YEM", "OMN", "QAT", "KWT", "BHR", "JOR"]
# States Parties, for dialogues with related deadlines.
PARTIES = ["LAO", "VUT", "AFG", "BGR", "LBN", "IRQ", "HRV", "DEU", "FRA", "GBR"]


def add_dialogues(codes: list[str], area: str, owner: Any) -> None:
    """A dialogue on the area with each State, owned by `owner`, with one interaction."""
    for iso3 in codes:
        dialogue = make_dialogue(iso3, area, next_step="Call", next_step_due=TODAY)
        dialogue.responsible = [owner]
        db.session.commit()
        link(make_interaction(f"Call {iso3}", state_ids=[state(iso3).id]), dialogue)


def test_the_list_takes_the_same_number_of_queries_for_1_or_40_dialogues(
    client: Any, auth: Any, coordinator: Any, count_queries: Any
) -> None:
    owner = make_user("owner@isu.example", "staff", name="Owner")
    auth.login(coordinator.email)
    add_dialogues(CODES[:1], "universalization", owner)
    with count_queries() as one:
        assert len(row_states(page(client))) == 1
    add_dialogues(CODES[1:], "universalization", owner)
    with count_queries() as forty:
        assert len(row_states(page(client))) == 40
    assert forty.count == one.count


def test_staff_list_with_deadlines_takes_the_same_number_of_queries_for_1_or_40(
    client: Any, auth: Any, staff: Any, count_queries: Any
) -> None:
    auth.login(staff.email)
    add_dialogues(PARTIES[:1], "transparency", staff)
    with count_queries() as one:
        assert len(row_states(page(client))) == 1
    add_dialogues(PARTIES[1:], "transparency", staff)
    add_dialogues(PARTIES, "clearance", staff)
    add_dialogues(PARTIES, "stockpile-destruction", staff)
    add_dialogues(CODES[:10], "universalization", staff)
    with count_queries() as forty:
        assert len(row_states(page(client))) == 40
    assert forty.count == one.count
