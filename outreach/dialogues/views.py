"""Pages of dialogues: a dialogue's page, its form, opening one from a State, and the State
page's dialogues section."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from outreach.core.access import staff_required
from outreach.core.forms import form_version, readable_changes, show_errors
from outreach.dialogues import services
from outreach.dialogues.forms import DialogueForm
from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.directory import services as directory
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.reference.models import State

bp = Blueprint("dialogues", __name__)

# Ids beyond a 32-bit integer cannot exist; the route refuses them before the database does.
DIALOGUE = "<int(max=2147483647):dialogue_id>"
UNIVERSALIZATION = "universalization"

# The names people read for the fields of a dialogue, in a conflict.
FIELD_LABELS = {
    "status": "Status",
    "position": "Current position",
    "next_step": "Next step",
    "next_step_due": "Date of the next step",
}


def _found(dialogue_id: int) -> Dialogue:
    dialogue = services.get_dialogue(dialogue_id, current_user)
    if dialogue is None:
        abort(404)
    return dialogue


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100000 else 1


def _followup_url(dialogue: Dialogue) -> str | None:
    """Where to add a follow-up to the dialogue, once the follow-up form exists."""
    if "interactions.followup_create" not in current_app.view_functions:
        return None
    return url_for("interactions.followup_create", dialogue=dialogue.id)


@bp.route(f"/dialogues/{DIALOGUE}")
def dialogue_detail(dialogue_id: int) -> str:
    """One dialogue: where it stands, who is responsible, its history, interactions and
    open follow-ups, as far as the reader may see them."""
    dialogue = _found(dialogue_id)
    last_contact = services.last_contact_of(dialogue, current_user)
    coordinators, staff = services.split_responsible(dialogue)
    universalization = dialogue.area.slug == UNIVERSALIZATION
    return render_template(
        "dialogues/dialogue_detail.html",
        dialogue=dialogue,
        last_contact=last_contact,
        stale=services.is_stale(dialogue, last_contact),
        stale_days=services.stale_days(),
        coordinators=coordinators,
        staff=staff,
        universalization=universalization,
        engagement=services.engagement_of(dialogue.state) if universalization else None,
        interactions=services.linked_interactions(dialogue, current_user, _page_number()),
        followups=services.open_followups(dialogue, current_user),
        followup_url=_followup_url(dialogue),
    )


def _prepared_form(dialogue: Dialogue, data: dict[str, Any] | None = None) -> DialogueForm:
    """The form with the people who may be responsible; filled from `data` rather than the
    request when given."""
    form = DialogueForm() if data is None else DialogueForm(formdata=None, data=data)
    form.responsible.choices = [
        SelectChoice(user.id, f"{user.display_name} ({user.role.value})")
        for user in services.responsible_candidates(dialogue.area, dialogue.responsible)
    ]
    return form


def _data(form: DialogueForm) -> services.DialogueData:
    return services.DialogueData(
        status=form.status.data or "",
        position=form.position.data or "",
        next_step=form.next_step.data or "",
        next_step_due=form.next_step_due.data,
        responsible_ids=form.responsible.data or [],
        status_note=form.status_note.data or "",
    )


def _readable(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if name == "status":
        try:
            return DialogueStatus(value).label
        except ValueError:
            return str(value)
    return str(value)


@bp.route(f"/dialogues/{DIALOGUE}/edit", methods=["GET", "POST"])
@staff_required
def dialogue_edit(dialogue_id: int) -> ResponseReturnValue:
    """Change a dialogue, unless someone else saved it since the form was opened."""
    dialogue = _found(dialogue_id)
    conflict: list[dict[str, Any]] | None = None
    if request.method == "GET":
        current = services.data_of(dialogue)
        form = _prepared_form(
            dialogue,
            {
                **vars(current),
                "responsible": list(current.responsible_ids),
                "version": dialogue.version,
            },
        )
    else:
        form = _prepared_form(dialogue)
    if form.validate_on_submit():
        try:
            services.update_dialogue(
                dialogue, _data(form), form_version(form.version.data), current_user
            )
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "status")
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, FIELD_LABELS, _readable)
            # The next save is made knowing their change: it is based on the current version.
            form.version.data = str(error.record.version)
            dialogue = _found(dialogue_id)
        else:
            flash(f"The dialogue with {dialogue.state.name} was saved.", "success")
            return redirect(url_for(".dialogue_detail", dialogue_id=dialogue.id))
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "dialogues/dialogue_form.html",
        form=form,
        dialogue=dialogue,
        conflict=conflict,
        current_responsible=[u.display_name for u in dialogue.responsible],
    ), status


def _state(iso3: str) -> State:
    state = directory.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    return state


@bp.post("/states/<iso3>/dialogues")
@staff_required
def dialogue_open(iso3: str) -> Response:
    """Open the State's dialogue on the area named in the form, or go to the existing one."""
    state = _state(iso3)
    slug = request.form.get("area", "")
    area = services.area_by_slug(slug) if slug.isascii() and 0 < len(slug) <= 60 else None
    if area is None:
        flash("Choose the thematic area of the dialogue to open.", "error")
        return redirect(url_for("directory.state_detail", iso3=state.iso3) + "#dialogues-title")
    dialogue, created = services.open_dialogue(state, area, current_user)
    if created:
        flash(f"Dialogue opened with {state.name} on {area.name}.", "success")
    else:
        flash(f"The dialogue with {state.name} on {area.name} already existed: this is it.", "info")
    return redirect(url_for(".dialogue_detail", dialogue_id=dialogue.id))


@bp.app_template_global()
def state_dialogues(state: State) -> dict[str, Any]:
    """The State's dialogues the reader may see, and for staff the areas still to open."""
    rows = services.state_dialogues(state, current_user)
    staff = bool(current_user.is_authenticated and current_user.is_staff)
    return {
        "rows": rows,
        "open_areas": services.areas_without_dialogue(state) if staff else [],
        "stale_days": services.stale_days(),
    }
