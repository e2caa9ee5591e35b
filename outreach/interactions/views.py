"""Pages of the outreach log: the list and its exports, logging and editing an interaction,
its page, follow-ups (mine and the team's), and the timelines shown on the State,
organisation and contact pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
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
from sqlalchemy.orm import contains_eager
from werkzeug.wrappers import Response

from outreach.auth.models import Role, User
from outreach.core.access import staff_required
from outreach.core.exports import download
from outreach.core.forms import form_version, show_errors
from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.forms import choices
from outreach.directory.lists import page_numbers
from outreach.directory.models import Contact, Organisation, Posting
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.forms import (
    DoneForm,
    FollowUpForm,
    InteractionFilterForm,
    InteractionForm,
)
from outreach.interactions.models import FollowUp, InteractionKind, Sensitivity
from outreach.reference.models import State, ThematicArea

bp = Blueprint("interactions", __name__)

INTERACTION = "<int(max=2147483647):interaction_id>"
FOLLOWUP = "<int(max=2147483647):followup_id>"
MAX_ID = 2147483647


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _ids(text: str) -> list[int]:
    """Ids typed as a comma- or space-separated list; anything else is ignored."""
    parts = (text or "").replace(",", " ").split()
    return [int(p) for p in parts if p.isdigit() and 0 < int(p) <= MAX_ID]


def _staff_users() -> list[User]:
    query = sa.select(User).where(User.role.in_([Role.ADMIN, Role.STAFF]), User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.email)))


def _state_by_code(text: str) -> State | None:
    code = (text or "").strip().upper()
    if len(code) == 3 and code.isascii() and code.isalpha():
        return db.session.scalar(sa.select(State).where(State.iso3 == code))
    return None


def _prefill() -> dict[str, Any]:
    """The records named in the query string, and the organisations and people around them."""
    state = _state_by_code(request.args.get("state", ""))
    dialogue = db.session.get(Dialogue, _int_arg("dialogue") or 0)
    organisation = db.session.get(Organisation, _int_arg("organisation") or 0)
    contact = db.session.get(Contact, _int_arg("contact") or 0)
    if dialogue is not None and state is None:
        state = dialogue.state
    if organisation is not None and state is None:
        state = organisation.state
    organisations: list[Organisation] = []
    if organisation is not None:
        organisations = [organisation]
    elif state is not None:
        organisations = list(
            db.session.scalars(
                sa.select(Organisation)
                .where(Organisation.state_id == state.id, Organisation.archived_at.is_(None))
                .order_by(Organisation.name)
            )
        )
    contacts: list[Contact] = [contact] if contact is not None else []
    if contact is None and organisations:
        today = dt.date.today()
        contacts = list(
            db.session.scalars(
                sa.select(Contact)
                .join(Posting, Posting.contact_id == Contact.id)
                .where(
                    Posting.organisation_id.in_([o.id for o in organisations]),
                    sa.or_(Posting.end_date.is_(None), Posting.end_date >= today),
                    Contact.archived_at.is_(None),
                    Contact.erased_at.is_(None),
                )
                .distinct()
                .order_by(Contact.last_name, Contact.first_name)
                .limit(50)
            )
        )
    if contact is not None:
        for posting in contact.current_postings:
            if posting.organisation not in organisations:
                organisations.append(posting.organisation)
        if state is None and organisations:
            state = organisations[0].state
    return {
        "state": state,
        "dialogue": dialogue,
        "organisations": organisations,
        "contacts": contacts,
    }


def _posted_ids(name: str) -> list[int]:
    return _ids(" ".join(request.form.getlist(name))) if request.method == "POST" else []


def _plus_posted(model: Any, records: list[Any], name: str) -> list[Any]:
    """The records offered, plus any ticked in the posted form that are not among them, so
    that a form shown again keeps every ticked box."""
    known = {r.id for r in records}
    missing = [i for i in _posted_ids(name) if i not in known]
    if missing:
        records = records + list(db.session.scalars(sa.select(model).where(model.id.in_(missing))))
    return records


def _dialogues_of(state_ids: list[int], keep: list[Dialogue]) -> list[Dialogue]:
    """The open dialogues of these States, with those already linked, by State and area."""
    found = {d.id: d for d in keep}
    if state_ids:
        query = sa.select(Dialogue).where(
            Dialogue.state_id.in_(state_ids), Dialogue.status != DialogueStatus.CONCLUDED
        )
        found.update((d.id, d) for d in db.session.scalars(query))
    dialogues = _plus_posted(Dialogue, list(found.values()), "dialogues")
    return sorted(dialogues, key=lambda d: (d.state.name, d.area.position))


def _typed_state_ids(text: str) -> list[int]:
    """The known States among the typed codes (unknown ones are reported on saving)."""
    codes = {c.strip().upper() for c in (text or "").replace(",", " ").split() if c.strip()}
    codes = {c for c in codes if len(c) == 3 and c.isascii() and c.isalpha()}
    if not codes:
        return []
    return list(db.session.scalars(sa.select(State.id).where(State.iso3.in_(codes))))


def _prepared_form(prefill: dict[str, Any], interaction: Any = None) -> InteractionForm:
    """The interaction form with its choices; on GET, filled from the prefill or the record."""
    form = InteractionForm()
    organisations = _plus_posted(Organisation, prefill["organisations"], "organisations")
    contacts = _plus_posted(Contact, prefill["contacts"], "contacts")
    form.organisations.choices = [(o.id, o.display_name) for o in organisations]
    form.contacts.choices = [(c.id, c.display_name) for c in contacts]
    staff = _staff_users()
    form.staff.choices = [(u.id, u.display_name) for u in staff]
    areas = db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position))
    form.areas.choices = [(a.id, a.name) for a in areas]
    form.followup_owner.choices = [("", "Choose a person")] + [
        (str(u.id), u.display_name) for u in staff
    ]
    if request.method == "POST":
        state_ids = _typed_state_ids(form.states.data or "")
    elif interaction is not None:
        state_ids = [s.id for s in interaction.states]
    else:
        state_ids = [prefill["state"].id] if prefill["state"] is not None else []
    keep = list(interaction.dialogues) if interaction is not None else []
    if prefill["dialogue"] is not None:
        keep.append(prefill["dialogue"])
    form.dialogues.choices = [(d.id, d.title) for d in _dialogues_of(state_ids, keep)]
    if request.method == "GET" and interaction is None:
        _fill_new(form, prefill)
    return form


def _fill_new(form: InteractionForm, prefill: dict[str, Any]) -> None:
    """A new interaction's form: today, me present, and what the page it came from names."""
    form.occurred_on.data = dt.date.today()
    if prefill["state"] is not None:
        form.states.data = prefill["state"].iso3
    if request.args.get("organisation"):
        form.organisations.data = [o.id for o in prefill["organisations"][:1]]
    if prefill["contacts"] and request.args.get("contact"):
        form.contacts.data = [prefill["contacts"][0].id]
    form.staff.data = [current_user.id]
    if prefill["dialogue"] is not None:
        form.dialogues.data = [prefill["dialogue"].id]
        form.areas.data = [prefill["dialogue"].area_id]


def _fill_existing(form: InteractionForm, interaction: Any) -> None:
    """The edit form, showing the record as saved."""
    data = services.data_of(interaction)
    form.kind.data = data.kind
    form.occurred_on.data = data.occurred_on
    form.occurred_at_time.data = data.occurred_at_time
    form.subject.data = data.subject
    form.summary.data = data.summary
    form.outcome.data = data.outcome
    form.confidential.data = data.confidential
    form.states.data = ", ".join(s.iso3 for s in interaction.states)
    form.organisations.data = list(data.organisation_ids)
    form.contacts.data = list(data.contact_ids)
    form.staff.data = list(data.staff_ids)
    form.areas.data = list(data.area_ids)
    form.dialogues.data = list(data.dialogue_ids)
    form.version.data = str(interaction.version)


def _state_ids(text: str) -> list[int]:
    codes = {c.strip().upper() for c in (text or "").replace(",", " ").split() if c.strip()}
    if not codes:
        return []
    rows = db.session.execute(sa.select(State.id, State.iso3).where(State.iso3.in_(codes)))
    found = {row.iso3: row.id for row in rows}
    unknown = sorted(codes - set(found))
    if unknown:
        raise ValidationError({"states": f"Unknown State code: {', '.join(unknown)}."})
    return list(found.values())


def _data(form: InteractionForm, with_followup: bool = True) -> services.InteractionData:
    followup = None
    if with_followup and (
        (form.followup_description.data or "").strip() or form.followup_due_on.data
    ):
        owner = form.followup_owner.data or ""
        followup = services.FollowUpData(
            description=form.followup_description.data or "",
            owner_id=int(owner) if owner.isdigit() else None,
            due_on=form.followup_due_on.data,
        )
    return services.InteractionData(
        kind=form.kind.data or "",
        occurred_on=form.occurred_on.data,
        occurred_at_time=form.occurred_at_time.data,
        subject=form.subject.data or "",
        summary=form.summary.data or "",
        outcome=form.outcome.data or "",
        confidential=bool(form.confidential.data),
        state_ids=_state_ids(form.states.data or ""),
        organisation_ids=[*(form.organisations.data or []), *_ids(form.more_organisations.data)],
        contact_ids=[*(form.contacts.data or []), *_ids(form.more_contacts.data)],
        staff_ids=form.staff.data or [],
        area_ids=form.areas.data or [],
        dialogue_ids=form.dialogues.data or [],
        file_under_dialogues=bool(form.file_under_dialogues.data),
        created_by_id=current_user.id,
        followup=followup,
    )


@bp.route("/interactions/new", methods=["GET", "POST"])
@staff_required
def interaction_create() -> ResponseReturnValue:
    """Log an interaction, prefilled from a State, dialogue, organisation or contact."""
    prefill = _prefill()
    form = _prepared_form(prefill)
    if form.validate_on_submit():
        try:
            interaction = services.log_interaction(_data(form))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, aliases={"links": "subject"})
        else:
            flash("The interaction was logged.", "success")
            return redirect(url_for(".interaction_detail", interaction_id=interaction.id))
    status = 422 if form.errors else 200
    return render_template("interactions/interaction_form.html", form=form, **prefill), status


def _found(interaction_id: int) -> Any:
    interaction = services.get_interaction(interaction_id, current_user)
    if interaction is None:
        abort(404)
    return interaction


@bp.route(f"/interactions/{INTERACTION}/edit", methods=["GET", "POST"])
@staff_required
def interaction_edit(interaction_id: int) -> ResponseReturnValue:
    """Change an interaction, unless someone else saved it since the form was opened."""
    interaction = _found(interaction_id)
    prefill = {
        "state": interaction.states[0] if interaction.states else None,
        "dialogue": None,
        "organisations": list(interaction.organisations),
        "contacts": list(interaction.contacts),
    }
    form = _prepared_form(prefill, interaction)
    if request.method == "GET":
        _fill_existing(form, interaction)
    conflict: list[services.Change] | None = None
    if form.validate_on_submit():
        try:
            data = _data(form, with_followup=False)
            services.update_interaction(interaction, data, form_version(form.version.data))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, aliases={"links": "subject"})
        except ConflictError as error:
            db.session.rollback()
            conflict = services.readable_changes(error.their_changes)
            # The next save is made knowing their change: it is based on the current version.
            form.version.data = str(error.record.version)
        else:
            flash("The interaction was saved.", "success")
            return redirect(url_for(".interaction_detail", interaction_id=interaction.id))
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "interactions/interaction_form.html",
        form=form,
        interaction=interaction,
        conflict=conflict,
        **prefill,
    ), status


@bp.route(f"/interactions/{INTERACTION}")
def interaction_detail(interaction_id: int) -> ResponseReturnValue:
    """One interaction; a confidential one is not found for those who may not read it."""
    interaction = _found(interaction_id)
    return render_template(
        "interactions/interaction_detail.html",
        interaction=interaction,
        summary=services.render_summary(interaction.summary),
        dialogues=services.readable_dialogues(interaction, current_user),
        done_form=DoneForm(),
    )


# --- The list and its exports ---

LIST_ARGS = ("q", "kind", "state", "area", "dialogue", "date_from", "date_to", "sensitivity")


def _filter_form() -> tuple[InteractionFilterForm, services.InteractionFilters]:
    """The list's filter form, filled from the query string, and the filters it asks for;
    values it does not offer are ignored."""
    form = InteractionFilterForm(request.args)
    states = db.session.execute(sa.select(State.iso3, State.name).order_by(State.name))
    form.state.choices = choices([(r.iso3, r.name) for r in states], "Any State")
    areas = db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position))
    form.area.choices = choices([(a.slug, a.name) for a in areas], "Any area")
    form.dialogue.choices = choices(
        [(str(d.id), d.title) for d in _readable_dialogue_list()], "Any dialogue"
    )
    form.validate()  # a date that is not one gets its message and is ignored
    form.q.data = (form.q.data or "").replace("\x00", "")[:100]

    def offered(field: Any) -> str | None:
        values = {choice.value for choice in field.choices}
        return field.data if field.data and field.data in values else None

    kind, sensitivity = offered(form.kind), offered(form.sensitivity)
    dialogue = offered(form.dialogue)
    filters = services.InteractionFilters(
        q=form.q.data.strip() or None,
        kind=InteractionKind(kind) if kind else None,
        state_iso3=offered(form.state),
        area_slug=offered(form.area),
        dialogue_id=int(dialogue) if dialogue else None,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
        sensitivity=Sensitivity(sensitivity) if sensitivity and current_user.is_staff else None,
    )
    return form, filters


def _readable_dialogue_list() -> list[Dialogue]:
    """The dialogues the reader may filter by: all for staff, those of their areas otherwise."""
    from outreach.dialogues.services import visible_dialogues  # the dialogues build on this one

    query = visible_dialogues(current_user).join(Dialogue.state).join(Dialogue.area)
    query = query.options(contains_eager(Dialogue.state), contains_eager(Dialogue.area))
    return list(db.session.scalars(query.order_by(State.name, ThematicArea.position)))


def _list_args() -> dict[str, str]:
    return {name: request.args[name][:100] for name in LIST_ARGS if request.args.get(name)}


@bp.route("/interactions")
def interaction_list() -> ResponseReturnValue:
    """Interactions the reader may see, searched, filtered, newest first, paged."""
    form, filters = _filter_form()
    page, per_page = page_numbers(request.args)
    found = services.list_page(filters, current_user, page, per_page)
    return render_template(
        "interactions/interaction_list.html",
        form=form,
        filters=filters,
        page=found,
        export_args=_list_args(),
    )


@bp.route("/interactions/export/<fmt>")
def interaction_export(fmt: str) -> Response:
    """Every interaction of the filtered list, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _, filters = _filter_form()
    interactions = services.interactions_for_export(filters, current_user)
    headers, rows = services.export_table(interactions, current_user)
    services.record_export(len(rows), fmt)
    return download(fmt, "interactions", "Interactions", headers, rows)


# --- Follow-ups ---


@bp.route("/followups")
def followup_list() -> ResponseReturnValue:
    """My follow-ups (or, for staff, the team's): overdue, due this week, later."""
    team = request.args.get("who") == "all" and current_user.is_staff
    return render_template(
        "interactions/followup_list.html",
        mine=services.my_followups(current_user, everyone=team),
        team=team,
        done_form=DoneForm(),
    )


def _followup_about() -> dict[str, Any]:
    """What a new follow-up is about, from the query string: an interaction, a dialogue, a
    State (a dialogue or an interaction with one State brings its State)."""
    interaction_id = _int_arg("interaction")
    interaction = services.get_interaction(interaction_id, current_user) if interaction_id else None
    dialogue = db.session.get(Dialogue, _int_arg("dialogue") or 0)
    state = _state_by_code(request.args.get("state", ""))
    if state is None and dialogue is not None:
        state = dialogue.state
    if state is None and interaction is not None and len(interaction.states) == 1:
        state = interaction.states[0]
    return {"interaction": interaction, "dialogue": dialogue, "state": state}


def _followup_target(followup: FollowUp) -> str:
    """Where to go after adding a follow-up: the page of what it is about."""
    if followup.interaction_id:
        return url_for(".interaction_detail", interaction_id=followup.interaction_id)
    if followup.dialogue_id:
        return dialogue_url(followup.dialogue_id)
    if followup.state is not None:
        return url_for("directory.state_detail", iso3=followup.state.iso3)
    return url_for(".followup_list")


@bp.route("/followups/new", methods=["GET", "POST"])
@staff_required
def followup_create() -> ResponseReturnValue:
    """Add a follow-up about a State, a dialogue or an interaction, for me or a colleague."""
    about = _followup_about()
    form = FollowUpForm()
    form.owner.choices = [("", "Choose a person")] + [
        (str(u.id), u.display_name) for u in _staff_users()
    ]
    if request.method == "GET":
        form.owner.data = str(current_user.id)
        form.state.data = about["state"].iso3 if about["state"] is not None else ""
    if form.validate_on_submit():
        state = _state_by_code(form.state.data or "")
        owner = form.owner.data or ""
        data = services.FollowUpData(
            description=form.description.data or "",
            owner_id=int(owner) if owner.isdigit() and len(owner) < 10 else None,
            due_on=form.due_on.data,
            interaction_id=about["interaction"].id if about["interaction"] else None,
            dialogue_id=about["dialogue"].id if about["dialogue"] else None,
            # A typed code that names no State is reported by the service (0 is no State's id).
            state_id=state.id if state else (0 if (form.state.data or "").strip() else None),
        )
        try:
            followup = services.create_followup(data, created_by_id=current_user.id)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, aliases=FOLLOWUP_FIELDS)
        else:
            flash("The follow-up was added.", "success")
            return redirect(_followup_target(followup))
    status = 422 if form.errors else 200
    return render_template("interactions/followup_form.html", form=form, **about), status


FOLLOWUP_FIELDS = {
    "followup_description": "description",
    "followup_owner": "owner",
    "followup_due_on": "due_on",
    "state_id": "state",
}


@bp.route(f"/followups/{FOLLOWUP}/done", methods=["POST"])
@staff_required
def followup_done(followup_id: int) -> ResponseReturnValue:
    """Mark a follow-up done."""
    followup = db.session.get(FollowUp, followup_id)
    if followup is None:
        abort(404)
    if DoneForm().validate_on_submit():
        services.complete_followup(followup)
        flash("The follow-up is done.", "success")
    back = "all" if request.args.get("who") == "all" else None
    return redirect(url_for(".followup_list", who=back))


@bp.app_template_global()
def dialogue_url(dialogue_id: int) -> str:
    """The address of a dialogue's page."""
    if "dialogues.dialogue_detail" in current_app.view_functions:
        return url_for("dialogues.dialogue_detail", dialogue_id=dialogue_id)
    return f"/dialogues/{int(dialogue_id)}"


@bp.app_template_global()
def interaction_timeline(kind: str, record_id: int) -> services.Page:
    """The timeline of a State, organisation or contact for the reader, on the page asked."""
    page = request.args.get("timeline_page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    return services.timeline_page(kind, record_id, current_user, number)


@bp.app_template_global()
def urgent_followups() -> int:
    """The reader's open follow-ups overdue or due within a week (for the navigation)."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return 0
    return services.urgent_followup_count(current_user)
