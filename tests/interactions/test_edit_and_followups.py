"""Editing an interaction (with a conflict when someone saved first), logging one from a
dialogue, the stand-alone follow-up form, and what each follow-up is about."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp, Interaction
from tests.factories import make_dialogue, make_followup, make_interaction, make_user
from tests.interactions.conftest import area, state


def _ticked(html: str, name: str, value: int) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', html)
    return bool(tag and "checked" in tag.group(0))


def _form_values(interaction: Interaction, **changes: str) -> dict[str, Any]:
    values = {
        "kind": interaction.kind.value,
        "occurred_on": interaction.occurred_on.isoformat(),
        "subject": interaction.subject,
        "summary": interaction.summary,
        "outcome": interaction.outcome,
        "states": ", ".join(s.iso3 for s in interaction.states),
        "version": str(interaction.version),
    }
    return {**values, **changes}


def test_staff_edit_an_interaction_from_its_page(client: Any, auth: Any, staff: Any) -> None:
    dialogue = make_dialogue("IDN")
    interaction = make_interaction("Call", state_ids=[state("IDN").id])
    auth.login(staff.email)
    page = client.get(f"/interactions/{interaction.id}").get_data(as_text=True)
    assert f'href="/interactions/{interaction.id}/edit"' in page
    form = client.get(f"/interactions/{interaction.id}/edit").get_data(as_text=True)
    assert 'value="Call"' in form and 'value="IDN"' in form
    assert "Indonesia — Universalization" in form and not _ticked(form, "dialogues", dialogue.id)
    path = f"/interactions/{interaction.id}/edit"
    response = auth.post(
        path, _form_values(interaction, subject="Call on ratification", dialogues=str(dialogue.id))
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Interaction, interaction.id)
    assert saved.subject == "Call on ratification" and saved.dialogues == [dialogue]
    assert saved.followups == []
    page = client.get(f"/interactions/{interaction.id}").get_data(as_text=True)
    assert f'href="/dialogues/{dialogue.id}"' in page and "Indonesia — Universalization" in page


def test_a_save_based_on_an_old_version_is_refused_and_shows_what_changed(
    client: Any, auth: Any, staff: Any
) -> None:
    interaction = make_interaction("Call", outcome="Nothing yet")
    auth.login(staff.email)
    path = f"/interactions/{interaction.id}/edit"
    mine = _form_values(interaction, subject="My subject")
    token_page = client.get(path)
    assert token_page.status_code == 200
    data = services.data_of(interaction)
    data.outcome = "They will ratify"
    with acting_as("colleague@isu.example"):
        services.update_interaction(interaction, data, expected_version=1)

    response = auth.post(path, mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this interaction" in html
    assert "Nothing yet" in html and "They will ratify" in html and "colleague@isu.example" in html
    assert 'value="My subject"' in html  # nothing the user typed is lost
    assert 'name="version" type="hidden" value="2"' in html
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).subject == "Call"

    again = auth.post(path, {**mine, "version": "2", "outcome": "They will ratify"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).subject == "My subject"


def test_a_coordinator_may_not_edit(client: Any, auth: Any, coordinator: Any) -> None:
    interaction = make_interaction("Open call")
    auth.login(coordinator.email)
    assert client.get(f"/interactions/{interaction.id}/edit").status_code == 403
    assert "/edit" not in client.get(f"/interactions/{interaction.id}").get_data(as_text=True)


def test_editing_an_unknown_interaction_is_404(client: Any, auth: Any, staff: Any) -> None:
    auth.login(staff.email)
    assert client.get("/interactions/424242/edit").status_code == 404


def test_logging_from_a_dialogue_ticks_it_its_state_and_area(
    client: Any, auth: Any, staff: Any
) -> None:
    dialogue = make_dialogue("IDN")
    other = make_dialogue("IDN", "transparency")
    make_dialogue("IDN", "clearance", status="concluded")
    auth.login(staff.email)
    form = client.get(f"/interactions/new?dialogue={dialogue.id}").get_data(as_text=True)
    assert 'value="IDN"' in form
    assert _ticked(form, "dialogues", dialogue.id) and not _ticked(form, "dialogues", other.id)
    assert _ticked(form, "areas", area("universalization").id)
    # From the State's page, its open dialogues are offered, none ticked.
    form = client.get("/interactions/new?state=IDN").get_data(as_text=True)
    assert "Indonesia — Universalization" in form and "Indonesia — Transparency" in form
    assert "Clearance" not in form.split('id="dialogues"')[1].split("</fieldset>")[0]
    assert not _ticked(form, "dialogues", dialogue.id)

    response = auth.post(
        f"/interactions/new?dialogue={dialogue.id}",
        {
            "kind": "call",
            "occurred_on": "2026-01-20",
            "subject": "Call on ratification",
            "states": "IDN",
            "dialogues": str(dialogue.id),
            "followup_description": "Send the model instrument",
            "followup_owner": str(staff.id),
            "followup_due_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    followup = db.session.scalars(sa.select(FollowUp)).one()
    assert followup.dialogue_id == dialogue.id


def test_the_follow_up_form_is_prefilled_from_a_dialogue(
    client: Any, auth: Any, staff: Any, admin: Any
) -> None:
    dialogue = make_dialogue("LAO", "clearance")
    auth.login(staff.email)
    path = f"/followups/new?dialogue={dialogue.id}"
    form = client.get(path).get_data(as_text=True)
    assert "Lao People&#39;s Democratic Republic — Clearance" in form and 'value="LAO"' in form
    assert re.search(rf'<option selected value="{staff.id}"|value="{staff.id}" selected', form)
    response = auth.post(
        path,
        {
            "description": "Ask for the plan",
            "owner": str(admin.id),
            "due_on": "2026-05-01",
            "state": "LAO",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dialogues/{dialogue.id}"
    followup = db.session.scalars(sa.select(FollowUp)).one()
    assert (followup.dialogue_id, followup.state_id, followup.owner_id) == (
        dialogue.id,
        state("LAO").id,
        admin.id,
    )


def test_the_follow_up_form_about_a_state_or_an_interaction(
    client: Any, auth: Any, staff: Any
) -> None:
    interaction = make_interaction("Secret call", confidential=True, state_ids=[state("IDN").id])
    auth.login(staff.email)
    form = client.get(f"/followups/new?interaction={interaction.id}").get_data(as_text=True)
    assert "Secret call" in form and 'value="IDN"' in form
    response = auth.post(
        f"/followups/new?interaction={interaction.id}",
        {
            "description": "Write it up",
            "owner": str(staff.id),
            "due_on": "2026-05-01",
            "state": "IDN",
        },
    )
    assert response.headers["Location"] == f"/interactions/{interaction.id}"
    response = auth.post(
        "/followups/new?state=VUT",
        {"description": "", "owner": str(staff.id), "due_on": "", "state": "ZZZ"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Describe the follow-up." in html and 'value="ZZZ"' in html
    response = auth.post(
        "/followups/new?state=VUT",
        {
            "description": "Congratulate",
            "owner": str(staff.id),
            "due_on": "2026-03-01",
            "state": "VUT",
        },
    )
    assert response.headers["Location"] == "/states/VUT"


def test_my_follow_ups_say_what_each_is_about(client: Any, auth: Any, staff: Any) -> None:
    dialogue = make_dialogue("IDN")
    secret = make_interaction("Secret démarche", confidential=True)
    soon = dt.date.today() + dt.timedelta(days=2)
    make_followup(staff, soon, "About the dialogue", dialogue_id=dialogue.id)
    make_followup(staff, soon, "About the démarche", interaction_id=secret.id)
    make_followup(staff, soon, "About Lao", state_id=state("LAO").id)
    auth.login(staff.email)
    html = client.get("/followups").get_data(as_text=True)
    assert f'<a href="/dialogues/{dialogue.id}">Indonesia — Universalization</a>' in html
    assert f'<a href="/interactions/{secret.id}">Secret démarche</a>' in html
    assert '<a href="/states/LAO">' in html
    assert 'href="/followups/new"' in html


def test_the_team_view_shows_everyones_follow_ups_to_staff_only(
    client: Any, auth: Any, staff: Any, coordinator: Any
) -> None:
    colleague = make_user("colleague@isu.example", "staff", name="Cleo Colleague")
    late = dt.date.today() - dt.timedelta(days=1)
    make_followup(colleague, late, "Late task of the colleague")
    make_followup(staff, late + dt.timedelta(days=30), "My later task")
    auth.login(staff.email)
    team = client.get("/followups?who=all").get_data(as_text=True)
    assert "Team follow-ups" in team and "Cleo Colleague" in team
    overdue = team.split('id="overdue-title"')[1].split('id="week-title"')[0]
    assert "Late task of the colleague" in overdue
    assert "Late task of the colleague" not in client.get("/followups").get_data(as_text=True)
    auth.logout()
    auth.login(coordinator.email)
    html = client.get("/followups?who=all").get_data(as_text=True)
    assert "Late task of the colleague" not in html and "Team follow-ups" not in html
    assert client.get("/followups/new").status_code == 403
