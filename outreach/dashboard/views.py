"""The public status page of the Convention, with its map and its list as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.core.access import public
from outreach.core.exports import csv_response
from outreach.dashboard import services
from outreach.dashboard.map import map_data, render_world_map
from outreach.reference.models import CcmStatus
from outreach.reference.services import manifest

bp = Blueprint("dashboard", __name__)

PUBLIC_CACHE = "public, max-age=300"


def _status_filter() -> CcmStatus | None:
    """The status asked for in the query string; anything else lists every State."""
    try:
        return CcmStatus(request.args.get("status", ""))
    except ValueError:
        return None


def _cacheable(response: Response) -> Response:
    """Let browsers and proxies keep the page a few minutes, when nothing in it is personal:
    only for a visitor without a session (a signed-in page keeps the default no-store)."""
    if not current_user.is_authenticated and not session:
        response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.route("/status")
@public
def public_status() -> Response:
    """The Convention's status for everyone: map, counts, every State's dates, sources."""
    states = services.all_states()
    status = _status_filter()
    shown = [s for s in states if s.ccm_status == status] if status else states
    page = render_template(
        "dashboard/status.html",
        world_map=render_world_map(states, title_id="status-map-title", table_href="#states"),
        counts=services.counts_of(states),
        total=len(states),
        states=shown,
        status=status,
        manifest=manifest(),
        map_source=map_data()["source"],
    )
    return _cacheable(Response(page, mimetype="text/html"))


@bp.route("/status/states.csv")
@public
def public_status_csv() -> Response:
    """The public list of States (or those of one status) as CSV."""
    status = _status_filter()
    rows = services.public_rows(services.all_states(status))
    name = f"ccm-states-{status.value if status else 'all'}-{manifest()['as_of']}.csv"
    return _cacheable(csv_response(name, services.PUBLIC_COLUMNS, rows))
