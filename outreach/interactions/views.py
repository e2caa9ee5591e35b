"""Pages of the outreach log: logging an interaction, its page, my follow-ups, and the
timelines shown on the State, organisation and contact pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from outreach.auth.models import Role, User
from outreach.core.access import staff_required
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact, Organisation, Posting
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.forms import DoneForm, InteractionForm
from outreach.interactions.models import FollowUp
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


def _prefill() -> dict[str, Any]:
    """The records named in the query string, and the organisations and people around them."""
    iso3 = request.args.get("state", "").strip().upper()
    state = None
    if len(iso3) == 3 and iso3.isalpha():
        state = db.session.scalar(sa.select(State).where(State.iso3 == iso3))
    organisation = db.session.get(Organisation, _int_arg("organisation") or 0)
    contact = db.session.get(Contact, _int_arg("contact") or 0)
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
    return {"state": state, "organisations": organisations, "contacts": contacts}


def _prepared_form(prefill: dict[str, Any]) -> InteractionForm:
    form = InteractionForm()
    form.organisations.choices = [(o.id, o.display_name) for o in prefill["organisations"]]
    form.contacts.choices = [(c.id, c.display_name) for c in prefill["contacts"]]
    staff = _staff_users()
    form.staff.choices = [(u.id, u.display_name) for u in staff]
    areas = db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position))
    form.areas.choices = [(a.id, a.name) for a in areas]
    form.followup_owner.choices = [("", "Choose a person")] + [
        (str(u.id), u.display_name) for u in staff
    ]
    if request.method == "GET":
        form.occurred_on.data = dt.date.today()
        if prefill["state"] is not None:
            form.states.data = prefill["state"].iso3
        if request.args.get("organisation"):
            form.organisations.data = [o.id for o in prefill["organisations"][:1]]
        if prefill["contacts"] and request.args.get("contact"):
            form.contacts.data = [prefill["contacts"][0].id]
        form.staff.data = [current_user.id]
    return form


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


def _data(form: InteractionForm) -> services.InteractionData:
    followup = None
    if (form.followup_description.data or "").strip() or form.followup_due_on.data:
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
        created_by_id=current_user.id,
        followup=followup,
    )


@bp.route("/interactions/new", methods=["GET", "POST"])
@staff_required
def interaction_create() -> ResponseReturnValue:
    """Log an interaction, prefilled from a State, organisation or contact."""
    prefill = _prefill()
    form = _prepared_form(prefill)
    if form.validate_on_submit():
        try:
            interaction = services.log_interaction(_data(form))
        except ValidationError as error:
            db.session.rollback()
            for name, message in error.errors.items():
                target = getattr(form, name, None) or form.subject
                target.errors = [*list(target.errors), message]
        else:
            flash("The interaction was logged.", "success")
            return redirect(url_for(".interaction_detail", interaction_id=interaction.id))
    status = 422 if form.errors else 200
    return render_template("interactions/interaction_form.html", form=form, **prefill), status


@bp.route(f"/interactions/{INTERACTION}")
def interaction_detail(interaction_id: int) -> ResponseReturnValue:
    """One interaction; a confidential one is not found for those who may not read it."""
    interaction = services.get_interaction(interaction_id, current_user)
    if interaction is None:
        abort(404)
    return render_template(
        "interactions/interaction_detail.html",
        interaction=interaction,
        summary=services.render_summary(interaction.summary),
        done_form=DoneForm(),
    )


@bp.route("/followups")
def followup_list() -> ResponseReturnValue:
    """My follow-ups: overdue, due this week, later."""
    return render_template(
        "interactions/followup_list.html",
        mine=services.my_followups(current_user),
        done_form=DoneForm(),
    )


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
    return redirect(url_for(".followup_list"))


@bp.app_template_global()
def interaction_timeline(kind: str, record_id: int) -> services.Page:
    """The timeline of a State, organisation or contact for the reader, on the page asked."""
    page = request.args.get("timeline_page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    return services.timeline_for(kind, record_id, current_user, number)


@bp.app_template_global()
def urgent_followups() -> int:
    """The reader's open follow-ups overdue or due within a week (for the navigation)."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return 0
    return services.urgent_followup_count(current_user)
