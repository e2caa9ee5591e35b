"""The home page: the staff dashboard, or the coordinators' way into their dialogues."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user

from outreach.dashboard import services
from outreach.dashboard.chart import render_consent_chart, types_used
from outreach.dashboard.map import render_world_map
from outreach.reference.services import manifest

bp = Blueprint("core", __name__)


def page_url(endpoint: str, path: str, **values: object) -> str:
    """The address of a page that another part of the product provides, once it exists."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return path


def dialogue_url(dialogue_id: int) -> str:
    """The address of a dialogue's own page."""
    return page_url(
        "dialogues.dialogue_detail", f"/dialogues/{dialogue_id}", dialogue_id=dialogue_id
    )


def _state_href() -> str:
    """A State page's address but its code: one url_for for the map's and the list's links."""
    return url_for("directory.state_detail", iso3="XXX").removesuffix("XXX")


@bp.route("/")
def home() -> str:
    """Where a signed-in user lands: the counts, the map and, for staff, what needs doing."""
    today = dt.date.today()
    states = services.all_states()
    counts = services.counts_of(states)
    years = services.consents_by_year(states)
    state_href = _state_href()
    values = {
        "counts": counts,
        "total": len(states),
        "manifest": manifest(),
        "world_map": render_world_map(
            states,
            title_id="home-map-title",
            link=lambda state: state_href + state.iso3,
            table_href="#map-table",
        ),
        "states": states,
        "state_href": state_href,
        "today": today,
        "dialogue_url": dialogue_url,
        "urls": {
            "dialogues": page_url("coordination.dialogue_list", "/dialogues"),
            "deadlines": page_url("obligations.deadlines", "/deadlines"),
            "reports": page_url("obligations.report_list", "/reports?received=no", received="no"),
            "followups": page_url("interactions.followup_list", "/followups"),
            "status": url_for("dashboard.public_status"),
        },
    }
    if current_user.is_staff:
        values.update(
            years=years,
            consent_types=types_used(years),
            chart=render_consent_chart(years, title_id="chart-title"),
            panels=services.staff_panels(current_user, today, states),
        )
    return render_template("core/home.html", **values)
