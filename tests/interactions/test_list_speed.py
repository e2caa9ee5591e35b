"""What keeps the interactions list and the timelines fast without changing what they show: the
search runs on a folded copy kept up to date, each page costs a fixed number of queries, and the
filters are written exactly as WTForms writes them."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.views import _filter_form
from tests.factories import make_contact, make_dialogue, make_interaction, make_organisation
from tests.interactions.conftest import area, state


def _edit(interaction: Any, **changes: Any) -> None:
    data = services.data_of(interaction)
    for name, value in changes.items():
        setattr(data, name, value)
    services.update_interaction(interaction, data, interaction.version)


def test_an_edited_interaction_is_found_by_its_new_words_and_no_longer_by_the_old(
    client: Any, auth: Any, staff: Any
) -> None:
    interaction = make_interaction("Call with Geneva", summary="About the stockpile")
    auth.login(staff.email)
    assert "Call with Geneva" in client.get("/interactions?q=STOCKPILE").get_data(as_text=True)

    _edit(interaction, summary="About the Côte d'Ivoire accession", outcome="Fête prévue")

    html = client.get("/interactions?q=stockpile").get_data(as_text=True)
    assert "Call with Geneva" not in html and "<strong>0</strong> interactions found" in html
    for query in ("cote+d'IVOIRE", "côte", "fete+PREVUE", "geneva+accession"):
        html = client.get(f"/interactions?q={query}").get_data(as_text=True)
        assert "Call with Geneva" in html, query
        assert "<strong>1</strong> interaction found" in html, query


def test_a_search_word_must_be_in_the_texts_not_in_a_percent_or_underscore_pattern(
    client: Any, auth: Any, staff: Any
) -> None:
    make_interaction("A 100% agreed plan")
    make_interaction("A 1000 agreed plan")
    auth.login(staff.email)
    html = client.get("/interactions?q=100%25").get_data(as_text=True)
    assert "A 100% agreed plan" in html and "A 1000 agreed plan" not in html
    html = client.get("/interactions?q=a_1000").get_data(as_text=True)
    assert "<strong>0</strong> interactions found" in html


def test_the_state_timeline_runs_as_many_queries_for_3_and_30_interactions(
    client: Any, auth: Any, staff: Any, count_queries: Any
) -> None:
    mission = make_organisation("Lao mission", kind="permanent_mission", state_iso3="LAO")
    person = make_contact("Vongsa", "Keo", organisation=mission)
    auth.login(staff.email)

    def statements(total: int) -> int:
        existing = services.timeline_for("state", state("LAO").id, staff).total
        for number in range(existing, total):
            make_interaction(
                f"Meeting {number}",
                state_ids=[state("LAO").id],
                organisation_ids=[mission.id],
                contact_ids=[person.id],
                staff_ids=[staff.id],
                area_ids=[area("clearance").id],
            )
        db.session.expire_all()
        with count_queries() as counter:
            html = client.get("/states/LAO").get_data(as_text=True)
        assert f"With Lao People's Democratic Republic, Lao mission, {person.display_name}" in (
            html.replace("&#39;", "'")
        )
        return counter.count

    assert statements(3) == statements(30)


def test_the_list_shows_each_link_of_a_row_and_only_the_readers_dialogues(
    client: Any, auth: Any, staff: Any, coordinator: Any
) -> None:
    mission = make_organisation("Lao mission", kind="permanent_mission", state_iso3="LAO")
    person = make_contact("Vongsa", "Keo", organisation=mission)
    readable = make_dialogue("LAO", "universalization")  # the coordinator's area
    hidden = make_dialogue("LAO", "clearance")
    make_interaction(
        "Meeting in Vientiane",
        state_ids=[state("LAO").id],
        organisation_ids=[mission.id],
        contact_ids=[person.id],
        area_ids=[readable.area_id, hidden.area_id],
        dialogue_ids=[readable.id, hidden.id],
    )

    auth.login(coordinator.email)
    row = client.get("/interactions").get_data(as_text=True).split("Meeting in Vientiane")[1]
    row = row.split("</tr>")[0].replace("&#39;", "'")
    assert f"Lao People's Democratic Republic, Lao mission, {person.display_name}" in row
    assert readable.area.name in row and hidden.area.name in row  # the areas are no secret
    assert f'href="/dialogues/{readable.id}"' in row
    assert f'href="/dialogues/{hidden.id}"' not in row

    auth.logout()
    auth.login(staff.email)
    row = client.get("/interactions").get_data(as_text=True).split("Meeting in Vientiane")[1]
    assert f'href="/dialogues/{hidden.id}"' in row.split("</tr>")[0]


def test_the_filters_are_written_as_wtforms_writes_them(
    app: Flask, client: Any, auth: Any, staff: Any
) -> None:
    make_dialogue("LAO", "clearance")
    auth.login(staff.email)
    query = "state=LAO&kind=call&area=clearance&sensitivity=normal"
    html = client.get(f"/interactions?{query}").get_data(as_text=True)

    with app.test_request_context(f"/interactions?{query}"):
        from flask_login import login_user

        login_user(staff)
        form, _ = _filter_form()
        for field in (form.kind, form.state, form.area, form.dialogue, form.sensitivity):
            written = str(field(class_="field__input"))
            assert written in html, field.name
            assert len(re.findall(r"<option", written)) == len(field.choices)
    assert '<option selected value="LAO">' in html
    assert '<option selected value="call">Call</option>' in html
