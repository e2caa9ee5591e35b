"""Dialogue pages: who reads which dialogue, what a coordinator never sees, editing with
versions and the status note, opening one from a State page, and constant query counts."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.extensions import db
from outreach.universalization.models import Engagement, Stage
from tests.conftest import csrf_token
from tests.dialogues.conftest import dialogue_followup, linked_interaction
from tests.factories import make_dialogue

SECRET = "Secret démarche on ratification"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _form(client, dialogue) -> dict[str, str]:
    """The edit form's values as the browser would send them unchanged."""
    html = _html(client.get(f"/dialogues/{dialogue.id}/edit"))
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    return {
        "csrf_token": csrf_token(client, f"/dialogues/{dialogue.id}/edit"),
        "version": version.group(1),
        "status": dialogue.status.value,
        "position": dialogue.position or "",
        "next_step": dialogue.next_step or "",
        "next_step_due": "",
        "status_note": "",
    }


def test_staff_see_where_the_dialogue_stands(app, client, auth, staff, coordinator):
    dialogue = make_dialogue(
        "IDN",
        "universalization",
        status=DialogueStatus.ACTIVE,
        position="Indonesia is considering accession.",
        next_step="Meet the ambassador",
        next_step_due=dt.date(2026, 9, 1),
    )
    dialogue.responsible = [staff, coordinator]
    db.session.commit()
    auth.login(staff.email)

    html = _html(client.get(f"/dialogues/{dialogue.id}"))

    assert "Dialogue with Indonesia" in html
    assert 'href="/states/IDN"' in html
    assert "Indonesia is considering accession." in html
    assert "Meet the ambassador" in html and 'datetime="2026-09-01"' in html
    assert re.search(r"<dt>Coordinators</dt><dd>Chris Coordinator</dd>", html)
    assert re.search(r"<dt>ISU staff</dt><dd>Sam Specialist</dd>", html)
    assert "Stale — no interaction for 90 days" in html
    assert "Engagement stage</dt><dd>No contact" in html
    assert f'href="/dialogues/{dialogue.id}/edit"' in html
    assert f"/interactions/new?state=IDN&amp;dialogue={dialogue.id}" in html
    if "interactions.followup_create" in app.view_functions:
        assert f'href="/followups/new?dialogue={dialogue.id}"' in html


def test_the_engagement_stage_and_a_recent_contact_show(client, auth, staff):
    dialogue = make_dialogue("IDN", "universalization", status=DialogueStatus.ACTIVE)
    db.session.add(
        Engagement(state_id=dialogue.state_id, stage=Stage.CONSIDERING, since=dt.date(2026, 2, 1))
    )
    db.session.commit()
    linked_interaction(dialogue, "Call on accession", dt.date.today() - dt.timedelta(days=2))
    auth.login(staff.email)

    html = _html(client.get(f"/dialogues/{dialogue.id}"))

    assert "Considering" in html
    assert "Stale —" not in html
    assert "Call on accession" in html


def test_the_stale_flag_follows_the_configured_days(app, client, auth, staff):
    dialogue = make_dialogue("LAO", "clearance", status=DialogueStatus.ACTIVE)
    linked_interaction(dialogue, "Call", dt.date.today() - dt.timedelta(days=20))
    auth.login(staff.email)
    assert "Stale —" not in _html(client.get(f"/dialogues/{dialogue.id}"))

    app.config["DIALOGUE_STALE_DAYS"] = 14

    assert "Stale — no interaction for 14 days" in _html(client.get(f"/dialogues/{dialogue.id}"))


def test_a_coordinator_reads_their_areas_only(client, auth, coordinator):
    universalization = make_dialogue("IDN", "universalization")
    clearance = make_dialogue("LAO", "clearance")
    auth.login(coordinator.email)

    page = client.get(f"/dialogues/{universalization.id}")
    assert page.status_code == 200
    assert f'href="/dialogues/{universalization.id}/edit"' not in _html(page)
    assert "Log an interaction" not in _html(page)
    assert client.get(f"/dialogues/{clearance.id}").status_code == 404
    assert client.get(f"/dialogues/{clearance.id}/edit").status_code == 403
    assert client.get("/dialogues/2147483647").status_code == 404


def test_a_coordinator_never_sees_a_confidential_interaction_nor_its_follow_up(
    client, auth, staff, coordinator
):
    dialogue = make_dialogue("IDN", "universalization")
    linked_interaction(dialogue, "Open call with the mission", dt.date(2026, 1, 10))
    secret = linked_interaction(dialogue, SECRET, dt.date(2026, 3, 1), confidential=True)
    dialogue_followup(dialogue, staff, dt.date(2026, 4, 1), "Send the model instrument", secret)
    dialogue_followup(dialogue, staff, dt.date(2026, 5, 1), "Invite to the 3RC")

    auth.login(coordinator.email)
    html = _html(client.get(f"/dialogues/{dialogue.id}"))
    assert "Open call with the mission" in html
    assert SECRET not in html and "Confidential" not in html
    assert "Send the model instrument" not in html
    assert "Invite to the 3RC" in html
    assert 'datetime="2026-03-01"' not in html  # not even its date as the last contact
    assert SECRET not in _html(client.get("/states/IDN"))

    auth.logout()
    auth.login(staff.email)
    html = _html(client.get(f"/dialogues/{dialogue.id}"))
    assert SECRET in html and "Send the model instrument" in html


def test_a_coordinators_post_is_refused(client, auth, coordinator):
    dialogue = make_dialogue("IDN", "universalization")
    auth.login(coordinator.email)
    token = csrf_token(client, "/account")

    edit = client.post(
        f"/dialogues/{dialogue.id}/edit", data={"csrf_token": token, "status": "concluded"}
    )
    opened = client.post("/states/IDN/dialogues", data={"csrf_token": token, "area": "clearance"})

    assert (edit.status_code, opened.status_code) == (403, 403)
    assert db.session.get(Dialogue, dialogue.id).status == DialogueStatus.NOT_STARTED
    assert db.session.scalar(sa.select(sa.func.count(Dialogue.id))) == 1


def test_staff_change_the_status_with_a_note_and_it_joins_the_history(client, auth, staff):
    dialogue = make_dialogue("IDN", "universalization")
    auth.login(staff.email)
    form = _form(client, dialogue)
    form.update(
        status="active",
        status_note="First meeting held.",
        next_step="Send the model instrument",
        next_step_due="2026-10-01",
        responsible=str(staff.id),
    )

    response = client.post(f"/dialogues/{dialogue.id}/edit", data=form)

    assert response.status_code == 302
    html = _html(client.get(response.headers["Location"]))
    assert "was saved" in html
    assert "Not started → Active" in html and "First meeting held." in html
    assert "Sam Specialist" in html and "Send the model instrument" in html


def test_bad_input_is_shown_next_to_the_field_and_kept(client, auth, staff):
    dialogue = make_dialogue("IDN", "universalization")
    auth.login(staff.email)
    form = _form(client, dialogue)
    form.update(next_step="Visit", next_step_due="1999-01-01", position="Kept position")

    response = client.post(f"/dialogues/{dialogue.id}/edit", data=form)

    html = _html(response)
    assert response.status_code == 422
    assert re.search(r'id="next_step_due-error">Give a date between', html)
    assert "Kept position" in html
    garbled = client.post(
        f"/dialogues/{dialogue.id}/edit", data={**form, "next_step_due": "soon", "status": "zzz"}
    )
    assert garbled.status_code == 422
    assert 'id="next_step_due-error"' in _html(garbled)
    assert db.session.get(Dialogue, dialogue.id).next_step == ""


def test_a_save_on_a_stale_version_is_refused_and_shows_their_change(client, auth, staff):
    dialogue = make_dialogue("IDN", "universalization")
    auth.login(staff.email)
    mine = _form(client, dialogue)
    theirs = _form(client, dialogue)
    theirs["next_step"] = "Meet the ambassador"
    assert client.post(f"/dialogues/{dialogue.id}/edit", data=theirs).status_code == 302

    mine["next_step"] = "Send a letter"
    response = client.post(f"/dialogues/{dialogue.id}/edit", data=mine)

    html = _html(response)
    assert response.status_code == 409
    assert "Someone else saved this dialogue" in html
    assert "Meet the ambassador" in html and 'value="Send a letter"' in html
    db.session.expire_all()
    assert db.session.get(Dialogue, dialogue.id).next_step == "Meet the ambassador"
    # Saving again, knowing their change, goes through.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    again = client.post(f"/dialogues/{dialogue.id}/edit", data={**mine, "version": version})
    assert again.status_code == 302


def test_opening_from_the_state_page_once(client, auth, staff):
    auth.login(staff.email)
    state_page = _html(client.get("/states/LAO"))
    assert 'action="/states/LAO/dialogues"' in state_page
    assert '<option value="clearance">' in state_page

    first = auth.post("/states/LAO/dialogues", {"area": "clearance"}, form_page="/account")
    assert "Dialogue opened" in _html(client.get(first.headers["Location"]))
    again = auth.post("/states/LAO/dialogues", {"area": "clearance"}, form_page="/account")
    assert "already existed" in _html(client.get(again.headers["Location"]))

    assert first.headers["Location"] == again.headers["Location"]
    state_page = _html(client.get("/states/LAO"))
    assert '<option value="clearance">' not in state_page
    assert "Clearance and Risk Reduction Education</a>" in state_page


def test_opening_with_a_bad_area_or_state(client, auth, staff):
    auth.login(staff.email)
    bad = auth.post("/states/LAO/dialogues", {"area": "nonsense"}, form_page="/account")
    assert bad.status_code == 302 and bad.headers["Location"].startswith("/states/LAO")
    assert "Choose the thematic area" in _html(client.get("/states/LAO"))
    assert auth.post("/states/ZZZ/dialogues", {"area": "clearance"}, "/account").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Dialogue.id))) == 0


def test_the_state_section_shows_the_readers_dialogues(client, auth, coordinator):
    make_dialogue("IDN", "universalization", next_step="Invite to the 3RC")
    make_dialogue("IDN", "clearance", next_step="Survey")
    auth.login(coordinator.email)

    html = _html(client.get("/states/IDN"))

    assert "Invite to the 3RC" in html and "Survey" not in html
    assert "Open a dialogue on" not in html


def test_the_dialogue_page_costs_the_same_with_1_or_20_interactions(
    client, auth, staff, count_queries
):
    one = make_dialogue("IDN", "universalization")
    many = make_dialogue("LAO", "universalization")
    linked_interaction(one, "Call 0")
    for number in range(20):
        linked_interaction(many, f"Call {number}", dt.date(2026, 1, 1) + dt.timedelta(days=number))
    for dialogue in (one, many):
        dialogue_followup(dialogue, staff, dt.date(2026, 5, 1), "Write")
    one_url, many_url = f"/dialogues/{one.id}", f"/dialogues/{many.id}"
    auth.login(staff.email)
    client.get(one_url)  # warm up

    db.session.expire_all()  # the test's session outlives requests: start each one cold
    with count_queries() as few:
        assert client.get(one_url).status_code == 200
    db.session.expire_all()
    with count_queries() as lots:
        page = client.get(many_url)

    assert "Call 19" in _html(page) and "Older" in _html(page)
    assert lots.count == few.count


def test_the_state_section_costs_the_same_with_1_or_7_dialogues(client, auth, staff, count_queries):
    make_dialogue("LAO", "universalization")
    auth.login(staff.email)
    client.get("/states/LAO")
    db.session.expire_all()  # the test's session outlives requests: start each one cold
    with count_queries() as few:
        client.get("/states/LAO")
    for slug in ("victim-assistance", "clearance", "stockpile-destruction", "cooperation"):
        make_dialogue("LAO", slug)
    for slug in ("transparency", "national-implementation"):
        make_dialogue("LAO", slug)

    db.session.expire_all()
    with count_queries() as lots:
        html = _html(client.get("/states/LAO"))

    assert html.count('href="/dialogues/') == 7
    assert lots.count == few.count, "\n".join(lots.statements)
