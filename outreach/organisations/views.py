"""Pages of organisations: the list with its bulk actions and exports, each organisation's page,
the form, and the State page's one-click Permanent Mission."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from outreach.core.access import staff_required
from outreach.core.exports import download
from outreach.core.forms import form_version, show_errors
from outreach.directory import services as directory
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.forms import choices
from outreach.directory.lists import MAX_PER_PAGE, page_numbers
from outreach.directory.models import Organisation, OrganisationKind
from outreach.directory.tags import all_tags, split_labels
from outreach.extensions import db
from outreach.organisations import services
from outreach.organisations.forms import BulkActionForm, OrganisationFilterForm, OrganisationForm
from outreach.reference.models import CcmStatus, State

bp = Blueprint("organisations", __name__)

# Ids beyond a 32-bit integer cannot exist; refusing them in the route keeps them away from the
# database, which would fail on them (PostgreSQL's integer) rather than find nothing.
ORGANISATION = "<int(max=2147483647):organisation_id>"

# The query values of the list; only these are carried back to it after a bulk action (url_for
# would also take _external or _scheme from a crafted address).
LIST_ARGS = ("q", "kind", "state", "status", "region", "tag", "archived", "sort", "dir")
LIST_ARGS += ("page", "per_page")

BULK_DONE = {
    "tag": "Tagged {count} organisation{s} with “{tag}”.",
    "untag": "Removed “{tag}” from {count} organisation{s}.",
    "archive": "Archived {count} organisation{s}.",
    "restore": "Restored {count} organisation{s}.",
}


def _may_see_notes() -> bool:
    return bool(current_user.is_authenticated and current_user.is_staff)


def _state_choices() -> list[tuple[str, str]]:
    """Every State as (ISO3, name), by name."""
    rows = db.session.execute(sa.select(State.iso3, State.name).order_by(State.name))
    return [(row.iso3, row.name) for row in rows]


def parse_filters(
    form: OrganisationFilterForm, states: set[str], regions: set[str]
) -> services.OrganisationFilters:
    """Turn the query string into filters; unknown values are ignored."""
    kind = form.kind.data if form.kind.data in {k.value for k in OrganisationKind} else ""
    status = form.status.data if form.status.data in {s.value for s in CcmStatus} else ""
    sort = request.args.get("sort", "name")
    return services.OrganisationFilters(
        q=(form.q.data or "").strip()[:100] or None,
        kind=OrganisationKind(kind) if kind else None,
        state_iso3=form.state.data if form.state.data in states else None,
        status=CcmStatus(status) if status else None,
        region=form.region.data if form.region.data in regions else None,
        tag=(form.tag.data or "").strip() or None,
        include_archived=bool(form.archived.data),
        sort=sort if sort in services.ORGANISATION_SORTS else "name",
        descending=request.args.get("dir") == "desc",
    )


def _filter_form() -> tuple[OrganisationFilterForm, services.OrganisationFilters]:
    """The list's filter form, filled from the query string, and the filters it asks for."""
    form = OrganisationFilterForm(request.args)
    states = _state_choices()
    regions = directory.regions()
    tags = all_tags()
    form.state.choices = choices(states, "Any State")
    form.region.choices = choices([(r, r) for r in regions], "Any region")
    form.tag.choices = choices([(t.name, t.name) for t in tags], "Any tag")
    # NUL cannot be stored nor compared on PostgreSQL, and would be echoed into the page.
    form.q.data = (form.q.data or "").replace("\x00", "")
    form.tag.data = (form.tag.data or "").replace("\x00", "")[:60]
    if form.tag.data and form.tag.data not in {t.name for t in tags}:
        form.tag.choices.append(SelectChoice(form.tag.data, form.tag.data))
    filters = parse_filters(form, {iso3 for iso3, _ in states}, set(regions))
    return form, filters


def _list_page(
    bulk_form: BulkActionForm, selected: Iterable[int] = (), status: int = 200
) -> ResponseReturnValue:
    form, filters = _filter_form()
    page, per_page = page_numbers(request.args)
    found = services.find_organisations(filters, page, per_page, include_notes=_may_see_notes())
    return (
        render_template(
            "organisations/organisation_list.html",
            form=form,
            filters=filters,
            page=found,
            bulk_form=bulk_form,
            selected=set(selected),
            list_args=_list_args(),
        ),
        status,
    )


@bp.route("/organisations")
def organisation_list() -> ResponseReturnValue:
    """Organisations, searched, filtered, sorted and paged; staff act on selected rows."""
    return _list_page(BulkActionForm(formdata=None))


def _list_args() -> dict[str, str]:
    return {name: request.args[name] for name in LIST_ARGS if request.args.get(name)}


def _selected_ids(values: Iterable[str]) -> list[int]:
    """The ticked rows' ids; anything that is not one is ignored."""
    ids = []
    for value in values:
        if value.isascii() and value.isdigit() and len(value) < 10:
            ids.append(int(value))
    return ids[:MAX_PER_PAGE]


@bp.post("/organisations/bulk")
@staff_required
def organisation_bulk() -> ResponseReturnValue:
    """Tag, untag, archive or restore the selected organisations, then back to the same list."""
    form = BulkActionForm()
    ids = _selected_ids(request.form.getlist("ids"))
    if form.validate_on_submit():
        action = form.action.data or ""
        tag_text = form.tag.data or ""
        if action not in services.BULK_ACTIONS:
            form.action.errors = ["Choose what to do with the selected organisations."]
        elif not ids:
            form.action.errors = ["Select at least one organisation in the list."]
        else:
            try:
                if action in ("tag", "untag"):
                    count = services.BULK_ACTIONS[action](ids, tag_text)
                else:
                    count = services.BULK_ACTIONS[action](ids)
            except ValidationError as error:
                db.session.rollback()
                form.tag.errors = [error.errors.get("tag", "Enter the tag to add or remove.")]
            else:
                message = BULK_DONE[action].format(
                    count=count,
                    s="" if count == 1 else "s",
                    tag=", ".join(split_labels(tag_text.replace("\x00", ""))),
                )
                flash(message, "success")
                return redirect(url_for(".organisation_list", **_list_args()))
    return _list_page(form, ids, status=422)


def _export(file_format: str) -> Response:
    _, filters = _filter_form()
    headers, rows = services.export_organisations(filters, _may_see_notes(), file_format)
    return download(file_format, "organisations", "Organisations", headers, rows)


@bp.route("/organisations/export.csv")
def organisation_export_csv() -> Response:
    """Every organisation of the filtered list, as CSV."""
    return _export("csv")


@bp.route("/organisations/export.xlsx")
def organisation_export_xlsx() -> Response:
    """Every organisation of the filtered list, as an Excel workbook."""
    return _export("xlsx")


def _found(organisation_id: int) -> Organisation:
    organisation = services.get_organisation(organisation_id, include_notes=_may_see_notes())
    if organisation is None:
        abort(404)
    return organisation


@bp.route(f"/organisations/{ORGANISATION}")
def organisation_detail(organisation_id: int) -> str:
    """One organisation: its details, present and past staff, and its history."""
    organisation = _found(organisation_id)
    postings = [p for p in organisation.postings if p.contact.merged_into_id is None]
    return render_template(
        "organisations/organisation_detail.html",
        organisation=organisation,
        present=[p for p in postings if p.is_current],
        past=[p for p in postings if not p.is_current],
        history=services.organisation_history(organisation.id, _may_see_notes()),
    )


def _prepared_form(data: dict[str, object] | None = None) -> OrganisationForm:
    """The form with the States to choose from; filled from `data` rather than the request
    when given."""
    form = OrganisationForm() if data is None else OrganisationForm(formdata=None, data=data)
    form.state.choices = choices(_state_choices(), "No State")
    return form


def _data(form: OrganisationForm) -> services.OrganisationData:
    """The form's values as the service takes them."""
    return services.OrganisationData(
        name=form.name.data or "",
        kind=form.kind.data or "",
        acronym=form.acronym.data or "",
        state_iso3=form.state.data or "",
        address=form.address.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        website=form.website.data or "",
        notes=form.notes.data or "",
        tags=split_labels(form.tags.data),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@staff_required
def organisation_create() -> ResponseReturnValue:
    """Add an organisation."""
    form = _prepared_form()
    if request.method == "GET" and request.args.get("state"):
        form.state.data = request.args["state"].strip().upper()[:3]
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(_data(form))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "name")
        else:
            flash(f"{organisation.name} was added.", "success")
            return redirect(url_for(".organisation_detail", organisation_id=organisation.id))
    status = 422 if form.errors else 200
    return render_template("organisations/organisation_form.html", form=form), status


@bp.route(f"/organisations/{ORGANISATION}/edit", methods=["GET", "POST"])
@staff_required
def organisation_edit(organisation_id: int) -> ResponseReturnValue:
    """Change an organisation, unless someone else saved it since the form was opened."""
    organisation = _found(organisation_id)
    conflict: list[services.Change] | None = None
    if request.method == "GET":
        current = services.data_of(organisation)
        form = _prepared_form(
            {
                **vars(current),
                "state": current.state_iso3,
                "tags": ", ".join(current.tags),
                "version": organisation.version,
            }
        )
    else:
        form = _prepared_form()
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, _data(form), form_version(form.version.data))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "name")
        except ConflictError as error:
            db.session.rollback()
            conflict = services.readable_changes(error.their_changes, include_notes=True)
            # The next save is made knowing their change: it is based on the current version.
            form.version.data = str(error.record.version)
        else:
            flash(f"{organisation.name} was saved.", "success")
            return redirect(url_for(".organisation_detail", organisation_id=organisation.id))
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "organisations/organisation_form.html",
        form=form,
        organisation=organisation,
        conflict=conflict,
    ), status


def _set_archived(organisation_id: int, archived: bool, done: str) -> Response:
    organisation = _found(organisation_id)
    services.set_archived(organisation, archived)
    flash(done.format(name=organisation.name), "success")
    return redirect(url_for(".organisation_detail", organisation_id=organisation_id))


@bp.post(f"/organisations/{ORGANISATION}/archive")
@staff_required
def organisation_archive(organisation_id: int) -> Response:
    """Archive an organisation: hidden from lists, kept with everything it holds."""
    return _set_archived(organisation_id, True, "{name} was archived. Restore it from its page.")


@bp.post(f"/organisations/{ORGANISATION}/restore")
@staff_required
def organisation_restore(organisation_id: int) -> Response:
    """Bring an archived organisation back into the lists."""
    return _set_archived(organisation_id, False, "{name} was restored.")


@bp.post("/states/<iso3>/permanent-mission")
@staff_required
def permanent_mission_create(iso3: str) -> Response:
    """Create the State's Permanent Mission in Geneva in one click, once."""
    state = directory.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    try:
        mission = services.create_permanent_mission(state)
    except services.MissionExistsError as exists:
        db.session.rollback()
        flash(f"{state.name} has a Permanent Mission already: this is it.", "info")
        mission = exists.organisation
    else:
        flash(f"{mission.name} was added.", "success")
    return redirect(url_for(".organisation_detail", organisation_id=mission.id))
