"""Pages of the directory: the States list and each State's page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from outreach.audit.services import history_of
from outreach.core.exports import download
from outreach.directory import services
from outreach.directory.forms import StateFilterForm, choices
from outreach.organisations.services import state_directory
from outreach.reference.models import CcmStatus
from outreach.reference.services import manifest

bp = Blueprint("directory", __name__)


def parse_state_filters(form: StateFilterForm, regions: list[str]) -> services.StateFilters:
    """Turn the validated query string into filters; unknown values are ignored."""
    status = form.status.data if form.status.data in {s.value for s in CcmStatus} else ""
    region = form.region.data if form.region.data in regions else ""
    return services.StateFilters(
        status=CcmStatus(status) if status else None,
        region=region or None,
        q=(form.q.data or "").strip()[:100] or None,
        sort=form.sort.data if form.sort.data in services.STATE_SORTS else "name",
        descending=request.args.get("dir") == "desc",
    )


@bp.route("/states")
def state_list() -> str:
    """All States with their CCM status, filterable by status and region."""
    form = StateFilterForm(request.args)
    regions = services.regions()
    form.region.choices = choices([(r, r) for r in regions], "Any region")
    filters = parse_state_filters(form, regions)
    states = services.find_states(filters)
    return render_template(
        "directory/state_list.html",
        form=form,
        states=states,
        counts=services.status_counts(),
        filters=filters,
        manifest=manifest(),
    )


def _state_export(file_format: str) -> Response:
    form = StateFilterForm(request.args)
    filters = parse_state_filters(form, services.regions())
    headers, rows = services.export_states(filters, file_format)
    return download(file_format, "states", "States", headers, rows)


@bp.route("/states/export.csv")
def state_export_csv() -> Response:
    """The filtered States list as CSV."""
    return _state_export("csv")


@bp.route("/states/export.xlsx")
def state_export_xlsx() -> Response:
    """The filtered States list as an Excel workbook."""
    return _state_export("xlsx")


@bp.route("/states/<iso3>")
def state_detail(iso3: str) -> str:
    """One State: status, dates, consent type, sources, history, organisations and people."""
    # Only a code can name a State; anything else (a NUL byte would fail on PostgreSQL) is
    # not found without asking the database.
    state = services.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    return render_template(
        "directory/state_detail.html",
        state=state,
        audit=history_of("State", state.id, limit=50),
        manifest=manifest(),
        directory=state_directory(state),
    )
