"""The home page: staff see counts, the chart, the map and what needs doing; coordinators see
the counts, the map and the way to their dialogues, and nothing of follow-ups."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from markupsafe import escape

from outreach.dashboard.map import STATUS_COLOURS
from outreach.extensions import db
from outreach.interactions.models import FollowUp
from outreach.reference.models import CcmStatus
from tests.dashboard.conftest import map_svg, shapes, state, states, title_of
from tests.factories import make_dialogue, make_followup, make_interaction, make_user

TODAY = dt.date.today()


@pytest.fixture
def signed_in_staff(client, auth, staff):
    auth.login(staff.email)
    return staff


def test_staff_see_their_overdue_follow_ups_and_the_teams_count(client, signed_in_staff):
    colleague = make_user(email="assistant@isu.example", role="staff", name="Alex Assistant")
    make_followup(signed_in_staff, TODAY - dt.timedelta(days=2), "Send the model instrument")
    make_followup(signed_in_staff, TODAY + dt.timedelta(days=20), "Later thing")
    make_followup(colleague, TODAY - dt.timedelta(days=9), "Colleague's late call")
    done = make_followup(signed_in_staff, TODAY - dt.timedelta(days=5), "Already done")
    done.done_at = dt.datetime.now(dt.UTC)
    db.session.commit()

    html = client.get("/").get_data(as_text=True)
    panel = html.split('id="followups-title"')[1].split("</section>")[0]
    assert "My overdue follow-ups (1)" in html
    assert "Send the model instrument" in panel
    assert "Later thing" not in panel and "Already done" not in panel
    assert "Colleague&#39;s late call" not in panel
    assert "<strong>2</strong> follow-ups are overdue" in panel
    assert 'href="/followups"' in panel


def test_the_team_count_leaves_out_follow_ups_of_confidential_entries_a_reader_cannot_see(
    app, coordinator
):
    from outreach.dashboard.services import team_overdue_count
    from outreach.interactions.services import FollowUpData

    owner = make_user(email="owner@isu.example", role="staff")
    late = TODAY - dt.timedelta(days=3)
    make_interaction(
        "Secret démarche",
        confidential=True,
        followup=FollowUpData(description="x", owner_id=owner.id, due_on=late),
    )
    assert team_overdue_count(owner, TODAY) == 1
    assert team_overdue_count(coordinator, TODAY) == 0


def test_staff_see_the_stalest_dialogues_with_links(client, signed_in_staff):
    never = make_dialogue("IDN", "universalization")
    old = make_dialogue("LAO", "clearance")
    recent = make_dialogue("FRA", "universalization")
    concluded = make_dialogue("AGO", "universalization", status="concluded")
    make_interaction("Old call", dialogue_ids=[old.id], occurred_on=TODAY - dt.timedelta(days=200))
    make_interaction(
        "Fresh call", dialogue_ids=[recent.id], occurred_on=TODAY - dt.timedelta(days=5)
    )

    html = client.get("/").get_data(as_text=True)
    panel = html.split('id="stale-title"')[1].split("</section>")[0]
    assert "Stale dialogues (2)" in html
    assert f'href="/dialogues/{never.id}"' in panel and f'href="/dialogues/{old.id}"' in panel
    assert f"/dialogues/{recent.id}" not in panel and f"/dialogues/{concluded.id}" not in panel
    assert panel.index(f"/dialogues/{never.id}") < panel.index(f"/dialogues/{old.id}")
    assert "no contact yet" in panel


def test_staff_see_deadlines_and_overdue_reports(client, signed_in_staff):
    from outreach.obligations.services import overdue_reports, upcoming_deadlines

    html = client.get("/").get_data(as_text=True)
    deadlines = upcoming_deadlines(TODAY, months=24)
    assert f"Article 3 and 4 deadlines within 24 months ({len(deadlines)})" in html
    for deadline in deadlines[:10]:
        assert escape(deadline.state.name) in html.split('id="deadlines-title"')[1]
    assert f"Overdue Article 7 reports ({len(overdue_reports(TODAY))})" in html
    assert 'href="/deadlines"' in html


def test_the_chart_counts_each_years_instruments(client, signed_in_staff):
    html = client.get("/").get_data(as_text=True)
    expected = Counter(s.consent_date.year for s in states() if s.consent_date)
    bars = {int(y): int(t) for y, t in re.findall(r'data-year="(\d+)" data-total="(\d+)"', html)}
    assert {year: total for year, total in bars.items() if total} == dict(expected)
    table = dict(re.findall(r'<th scope="row">(\d{4})</th>.*?<td data-total>(\d+)</td>', html))
    assert {int(y): int(t) for y, t in table.items() if int(t)} == dict(expected)
    assert sum(expected.values()) == 112  # one instrument for each State Party
    assert 'role="img" aria-labelledby="chart-title"' in html


def test_the_home_map_links_each_state_to_its_page(client, signed_in_staff):
    html = client.get("/").get_data(as_text=True)
    drawn = shapes(map_svg(html))
    assert len(drawn) == 197
    assert 'href="/states/FRA"' in html
    assert '<details class="map-table" id="map-table">' in html


def test_the_home_map_and_its_list_show_a_new_name_and_status_at_once(client, signed_in_staff):
    client.get("/")  # the map is drawn once and kept for the same names and statuses
    indonesia = state("IDN")
    indonesia.name, indonesia.ccm_status = "Republic of Indonesia", CcmStatus.STATE_PARTY
    db.session.commit()

    html = client.get("/").get_data(as_text=True)

    drawn = shapes(map_svg(html))["IDN"]
    assert drawn.get("fill") == STATUS_COLOURS[CcmStatus.STATE_PARTY]
    assert title_of(drawn) == "Republic of Indonesia: State Party"
    parties = html.split("States Parties (113)")[1].split("</ul>")[0]
    assert '<li><a href="/states/IDN">Republic of Indonesia</a></li>' in parties


def test_a_coordinators_home_shows_no_follow_ups(client, auth, coordinator, staff):
    make_followup(staff, TODAY - dt.timedelta(days=2), "Confidential chase")
    make_dialogue("IDN", "universalization")
    auth.login(coordinator.email)
    html = client.get("/").get_data(as_text=True)
    assert "Dialogues in your areas" in html and 'href="/dialogues"' in html
    assert "follow-up" not in html.lower()
    assert "Confidential chase" not in html
    assert "Stale dialogues" not in html
    assert len(shapes(map_svg(html))) == 197


def test_the_dashboard_runs_a_fixed_number_of_queries(client, signed_in_staff, count_queries):
    def count() -> int:
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter.count

    make_followup(signed_in_staff, TODAY - dt.timedelta(days=1), "One")
    make_dialogue("IDN", "universalization")
    few = count()
    for number, iso3 in enumerate(["LAO", "FRA", "AGO", "KEN", "BRA", "PER"]):
        make_followup(signed_in_staff, TODAY - dt.timedelta(days=number + 2), f"Task {number}")
        dialogue = make_dialogue(iso3, "clearance")
        make_interaction(f"Call {number}", dialogue_ids=[dialogue.id])
    assert db.session.query(FollowUp).count() == 7
    assert count() == few


def test_the_overdue_panel_shows_the_ten_most_overdue_and_counts_them_all(client, signed_in_staff):
    for number in range(12):
        make_followup(signed_in_staff, TODAY - dt.timedelta(days=number + 1), f"Chase {number:02d}")

    page = client.get("/").get_data(as_text=True)

    assert "My overdue follow-ups (12)" in page
    assert "Chase 11" in page and "Chase 02" in page  # the most overdue first
    assert "Chase 01" not in page and "Chase 00" not in page
    assert "The 10 most overdue of 12." in page
