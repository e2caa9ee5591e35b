"""Pages of obligations: the list, each obligation with its extension requests, the deadlines
and overdue reports, the Article 7 reports, and the State page's section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.core.access import staff_required
from outreach.core.exports import download
from outreach.core.forms import form_version, readable_changes, show_errors
from outreach.directory import services as directory
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.forms import choices
from outreach.extensions import db
from outreach.obligations import services
from outreach.obligations.forms import (
    ExtensionForm,
    ObligationFilterForm,
    ObligationForm,
    ReportFilterForm,
    ReportForm,
)
from outreach.obligations.models import (
    ExtensionRequest,
    Obligation,
    ObligationStatus,
    ReportKind,
)
from outreach.reference.models import CcmStatus, State

bp = Blueprint("obligations", __name__)

# Ids beyond a 32-bit integer cannot exist; the route refuses them before the database does.
OBLIGATION = "<int(max=2147483647):obligation_id>"
REQUEST = "<int(max=2147483647):request_id>"
YEAR = "<int(min=1990, max=2200):year>"

TRANSPARENCY = "transparency"
FIELD_LABELS = {
    "original_deadline": "Original deadline",
    "extended_deadline": "Extended deadline",
    "status": "Status",
    "completed_on": "Completed on",
    "source": "Source",
    "notes": "Notes",
    "submitted_on": "Submitted on",
    "requested_deadline": "Deadline requested",
    "decided_at_meeting": "Decided at meeting",
    "decided_on": "Decided on",
    "new_deadline": "New deadline granted",
    "received_on": "Received on",
}


def _today() -> dt.date:
    return dt.date.today()


# --- The one-click dialogue -----------------------------------------------------------------------


def _state_url(endpoint: str, iso3: str, **values: Any) -> str:
    """url_for(endpoint, iso3=iso3, **values), built once per request for all States: a page of
    deadlines has a hundred links and buttons of each kind."""
    around = g.setdefault("state_urls", {})
    key = (endpoint, *sorted(values.items()))
    if key not in around:
        before, _, after = url_for(endpoint, iso3="XXX", **values).rpartition("XXX")
        around[key] = (before, after)
    before, after = around[key]
    return before + iso3 + after


@bp.app_template_global()
def dialogue_open_url(iso3: str) -> str:
    """Where the one-click 'Open dialogue' button posts."""
    if "dialogues.dialogue_open" in current_app.view_functions:
        return _state_url("dialogues.dialogue_open", iso3)
    return f"/states/{iso3}/dialogues"


@bp.app_template_global()
def report_record_url(iso3: str, year: int, kind: str) -> str:
    """Where the receipt of a State's Article 7 report is recorded."""
    return _state_url("obligations.report_record", iso3, year=year, kind=kind)


@bp.app_template_global()
def dialogue_page_url(dialogue_id: int) -> str:
    """The page of a dialogue."""
    if "dialogues.dialogue_detail" in current_app.view_functions:
        return url_for("dialogues.dialogue_detail", dialogue_id=dialogue_id)
    return f"/dialogues/{dialogue_id}"


# --- The list of obligations ---------------------------------------------------------------------


def _obligation_filters() -> tuple[ObligationFilterForm, services.ObligationFilters]:
    form = ObligationFilterForm(request.args)
    regions = directory.regions()
    form.region.choices = choices([(r, r) for r in regions], "Any region")
    article = form.article.data if form.article.data in ("3", "4") else ""
    status = form.status.data if form.status.data in {s.value for s in ObligationStatus} else ""
    filters = services.ObligationFilters(
        article=int(article) if article else None,
        status=ObligationStatus(status) if status else None,
        region=form.region.data if form.region.data in regions else None,
        due_within_months=services.DEFAULT_WINDOW_MONTHS if form.due.data else None,
    )
    return form, filters


def _list_args() -> dict[str, str]:
    names = ("article", "status", "region", "due")
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.route("/obligations")
def obligation_list() -> str:
    """Article 3 and 4 obligations with their deadlines, status and dialogue."""
    form, filters = _obligation_filters()
    today = _today()
    obligations = services.find_obligations(filters, today)
    pairs = ((o.state_id, o.area_slug) for o in obligations)
    return render_template(
        "obligations/obligation_list.html",
        form=form,
        filters=filters,
        obligations=obligations,
        open_requests={o.id: services.open_request(o) for o in obligations},
        dialogues=services.dialogue_ids(pairs, current_user),
        list_args=_list_args(),
        today=today,
    )


EXPORT_HEADERS = [
    "ISO3",
    "State",
    "Article",
    "Obligation",
    "Original deadline",
    "Extended deadline",
    "Deadline in force",
    "Status",
    "Completed on",
    "Open extension request",
    "Source",
]


@bp.route("/obligations/export.<any(csv, xlsx):fmt>")
def obligation_export(fmt: str) -> Response:
    """The filtered obligations as CSV or Excel."""
    _, filters = _obligation_filters()
    rows = []
    for o in services.find_obligations(filters, _today()):
        pending = services.open_request(o)
        rows.append(
            [
                o.state.iso3,
                o.state.name,
                o.article,
                o.title,
                o.original_deadline,
                o.extended_deadline,
                o.deadline,
                o.status.label,
                o.completed_on,
                f"{pending.status.label} ({pending.submitted_on})" if pending else "",
                o.source,
            ]
        )
    return download(fmt, "obligations", "Obligations", EXPORT_HEADERS, rows)


# --- One obligation ------------------------------------------------------------------------------


def _found(obligation_id: int) -> Obligation:
    obligation = services.get_obligation(obligation_id)
    if obligation is None:
        abort(404)
    return obligation


@bp.route(f"/obligations/{OBLIGATION}")
def obligation_detail(obligation_id: int) -> str:
    """One obligation: its deadlines, status, source and extension requests."""
    obligation = _found(obligation_id)
    dialogues = services.dialogue_ids([(obligation.state_id, obligation.area_slug)], current_user)
    return render_template(
        "obligations/obligation_detail.html",
        obligation=obligation,
        dialogue_id=dialogues.get((obligation.state_id, obligation.area_slug)),
        today=_today(),
    )


def _edit_form(form_class: Any, record: Any) -> Any:
    """The edit form: the record's values on GET (its status and version with them), the posted
    values otherwise."""
    if request.method == "GET":
        data = {"status": record.status.value, "version": record.version}
        return form_class(formdata=None, obj=record, data=data)
    return form_class()


def _obligation_data(form: ObligationForm) -> services.ObligationData:
    return services.ObligationData(
        original_deadline=form.original_deadline.data,
        extended_deadline=form.extended_deadline.data,
        status=form.status.data or "",
        completed_on=form.completed_on.data,
        source=form.source.data or "",
        notes=form.notes.data or "",
    )


@bp.route(f"/obligations/{OBLIGATION}/edit", methods=["GET", "POST"])
@staff_required
def obligation_edit(obligation_id: int) -> ResponseReturnValue:
    """Correct or complete an obligation, unless someone else saved it since."""
    obligation = _found(obligation_id)
    conflict = None
    form = _edit_form(ObligationForm, obligation)
    if form.validate_on_submit():
        try:
            data, version = _obligation_data(form), form_version(form.version.data)
            services.update_obligation(obligation, data, version)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "notes")
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, FIELD_LABELS)
            form.version.data = str(error.record.version)
        else:
            flash(f"{obligation.state.name}'s {obligation.title} was saved.", "success")
            return redirect(url_for(".obligation_detail", obligation_id=obligation.id))
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "obligations/obligation_form.html", form=form, obligation=obligation, conflict=conflict
    ), status


def _extension_data(form: ExtensionForm) -> services.ExtensionData:
    return services.ExtensionData(
        submitted_on=form.submitted_on.data,
        requested_deadline=form.requested_deadline.data,
        status=form.status.data or "",
        decided_at_meeting=form.decided_at_meeting.data or "",
        decided_on=form.decided_on.data,
        new_deadline=form.new_deadline.data,
        notes=form.notes.data or "",
    )


def _extension_page(
    obligation: Obligation,
    form: ExtensionForm,
    extension: ExtensionRequest | None = None,
    conflict: list[dict[str, Any]] | None = None,
) -> ResponseReturnValue:
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "obligations/extension_form.html",
        form=form,
        obligation=obligation,
        extension=extension,
        conflict=conflict,
    ), status


def _granted_message(obligation: Obligation, extension: ExtensionRequest, before: Any) -> None:
    if obligation.extended_deadline != before:
        flash(
            f"The request was saved, and the deadline in force is now "
            f"{obligation.deadline:%-d %B %Y}.",
            "success",
        )
    else:
        flash("The extension request was saved.", "success")


@bp.route(f"/obligations/{OBLIGATION}/requests/new", methods=["GET", "POST"])
@staff_required
def extension_create(obligation_id: int) -> ResponseReturnValue:
    """Record an extension request; a granted one extends the obligation's deadline."""
    obligation = _found(obligation_id)
    form = ExtensionForm()
    if form.validate_on_submit():
        before = obligation.extended_deadline
        try:
            extension = services.add_extension_request(obligation, _extension_data(form))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "notes")
        else:
            _granted_message(obligation, extension, before)
            return redirect(url_for(".obligation_detail", obligation_id=obligation.id))
    return _extension_page(obligation, form)


@bp.route(f"/obligations/{OBLIGATION}/requests/{REQUEST}/edit", methods=["GET", "POST"])
@staff_required
def extension_edit(obligation_id: int, request_id: int) -> ResponseReturnValue:
    """Change an extension request (its decision, above all), unless someone else saved it."""
    obligation = _found(obligation_id)
    extension = services.get_extension_request(obligation, request_id)
    if extension is None:
        abort(404)
    conflict = None
    form = _edit_form(ExtensionForm, extension)
    if form.validate_on_submit():
        before = obligation.extended_deadline
        try:
            services.update_extension_request(
                extension, _extension_data(form), form_version(form.version.data)
            )
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "notes")
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, FIELD_LABELS)
            form.version.data = str(error.record.version)
        else:
            _granted_message(obligation, extension, before)
            return redirect(url_for(".obligation_detail", obligation_id=obligation.id))
    return _extension_page(obligation, form, extension, conflict)


# --- Deadlines and reports ---------------------------------------------------------------------


@bp.route("/deadlines")
def deadlines() -> str:
    """Article 3 and 4 deadlines within 24 months or passed, and the overdue Article 7 reports."""
    today = _today()
    upcoming = services.upcoming_deadlines(today)
    overdue_reports = services.overdue_reports(today)
    pairs = [(d.obligation.state_id, d.area_slug) for d in upcoming]
    pairs += [(r.state.id, TRANSPARENCY) for r in overdue_reports]
    return render_template(
        "obligations/deadlines.html",
        upcoming=upcoming,
        overdue_reports=overdue_reports,
        dialogues=services.dialogue_ids(pairs, current_user),
        window_end=services.window_end(today),
        today=today,
        transparency=TRANSPARENCY,
    )


@bp.route("/reports")
def report_list() -> str:
    """The Article 7 reports due from each State Party, with the date received, by year."""
    today = _today()
    form = ReportFilterForm(request.args)
    years = list(range(today.year, services.tracked_from() - 1, -1))
    form.year.choices = choices([(str(y), str(y)) for y in years], "Any year")
    reports = services.all_expected_reports(today)
    year = int(form.year.data) if form.year.data in {str(y) for y in years} else None
    if year is not None:
        reports = [r for r in reports if r.due_on.year == year]
    if form.received.data == "yes":
        reports = [r for r in reports if r.received_on]
    elif form.received.data == "no":
        reports = [r for r in reports if not r.received_on]
    return render_template(
        "obligations/report_list.html",
        form=form,
        reports=reports,
        filtered=bool(year or form.received.data in ("yes", "no")),
        tracked_from=services.tracked_from(),
        today=today,
    )


def _state(iso3: str) -> State:
    state = directory.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    return state


@bp.route(f"/states/<iso3>/reports/{YEAR}", methods=["GET", "POST"])
@staff_required
def report_record(iso3: str, year: int) -> ResponseReturnValue:
    """Record that a State Party's Article 7 report was received (or correct the record)."""
    state = _state(iso3)
    kind = request.values.get("kind", ReportKind.ANNUAL.value)
    kind = kind if kind in {k.value for k in ReportKind} else ReportKind.ANNUAL.value
    existing = services.get_report(state, ReportKind(kind), year)
    conflict = None
    if request.method == "GET":
        data = {"kind": kind, "year": year}
        if existing is not None:
            data.update(
                received_on=existing.received_on, notes=existing.notes, version=existing.version
            )
        form = ReportForm(formdata=None, data=data)
    else:
        form = ReportForm()
    if form.validate_on_submit():
        data = services.ReportData(
            kind=form.kind.data or "",
            year=form.year.data,
            received_on=form.received_on.data,
            notes=form.notes.data or "",
        )
        version = form_version(form.version.data) if form.version.data else None
        try:
            report = services.record_report(state, data, version)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "notes")
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, FIELD_LABELS)
            form.version.data = str(error.record.version)
        else:
            what = "initial report" if report.kind == ReportKind.INITIAL else "annual report"
            flash(
                f"{state.name}'s {what} ({report.year}) was recorded as received on "
                f"{report.received_on:%-d %B %Y}.",
                "success",
            )
            return redirect(url_for("directory.state_detail", iso3=state.iso3) + "#reports")
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "obligations/report_form.html",
        form=form,
        state=state,
        year=year,
        due_on=services.due_on_for(state, ReportKind(kind), year),
        conflict=conflict,
    ), status


# --- The State page's section -----------------------------------------------------------------


@bp.app_template_global()
def state_obligations(state: State) -> dict[str, Any]:
    """A State Party's obligations and Article 7 reports, for its page (nothing otherwise)."""
    if state.ccm_status != CcmStatus.STATE_PARTY:
        return {"applies": False, "obligations": [], "reports": []}
    today = _today()
    obligations = services.state_obligations(state)
    return {
        "applies": True,
        "obligations": obligations,
        "open_requests": {o.id: services.open_request(o) for o in obligations},
        "reports": services.expected_reports(state, today),
        "tracked_from": services.tracked_from(),
        "today": today,
    }
