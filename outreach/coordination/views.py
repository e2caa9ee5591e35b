"""Pages of the coordination feature: the dialogues list with its downloads and its print-ready
version for a Coordination Committee meeting, and the one-page briefing on a State. All read-only,
for staff and coordinators alike; what each reader sees is decided by the dialogue and
interaction services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.coordination import services
from outreach.coordination.forms import NOT_YET_PARTY_LABEL, DialogueFilterForm
from outreach.core.exports import download
from outreach.dialogues.models import DialogueStatus
from outreach.dialogues.services import stale_days
from outreach.directory.forms import choices
from outreach.directory.lists import page_numbers
from outreach.directory.services import get_state, regions
from outreach.reference.models import CcmStatus

bp = Blueprint("coordination", __name__)

# The query values of the list, carried to its downloads and its print version.
LIST_ARGS = ("area", "region", "ccm_status", "status", "stale", "sort", "dir")


def dialogue_url(dialogue_id: int) -> str:
    """The address of a dialogue's own page."""
    if "dialogues.dialogue_detail" in current_app.view_functions:
        return url_for("dialogues.dialogue_detail", dialogue_id=dialogue_id)
    return f"/dialogues/{dialogue_id}"


def _filter_form() -> tuple[DialogueFilterForm, services.DialogueFilters, dict[str, str]]:
    """The filter form filled from the query string, the filters it asks for (unknown values are
    ignored), and the filters applied as words for the page's summary."""
    form = DialogueFilterForm(request.args)
    areas = services.reader_areas(current_user)
    region_names = regions()
    any_area = "Any area" if current_user.is_staff else "Any of your areas"
    form.area.choices = choices([(a.slug, a.name) for a in areas], any_area)
    form.region.choices = choices([(r, r) for r in region_names], "Any region")
    area = {a.slug: a for a in areas}.get(form.area.data or "")
    region = form.region.data if form.region.data in region_names else None
    ccm_statuses = {s.value: s.label for s in CcmStatus} | {
        services.NOT_YET_PARTY: NOT_YET_PARTY_LABEL
    }
    ccm_status = form.ccm_status.data if form.ccm_status.data in ccm_statuses else None
    statuses = {s.value: s for s in DialogueStatus}
    status = statuses.get(form.status.data or "")
    sort = request.args.get("sort", "state")
    filters = services.DialogueFilters(
        area=area.slug if area else None,
        region=region,
        ccm_status=ccm_status,
        status=status,
        stale_only=bool(form.stale.data),
        sort=sort if sort in services.DIALOGUE_SORTS else "state",
        descending=request.args.get("dir") == "desc",
    )
    applied = {
        "Area": area.name if area else "",
        "Region": region or "",
        "CCM status": ccm_statuses.get(ccm_status or "", ""),
        "Dialogue status": status.label if status else "",
        "Staleness": f"no contact for {stale_days()} days" if filters.stale_only else "",
    }
    return form, filters, {name: value for name, value in applied.items() if value}


def _list_args() -> dict[str, str]:
    return {name: request.args[name] for name in LIST_ARGS if request.args.get(name)}


def _page_values(applied: dict[str, str]) -> dict[str, Any]:
    areas = services.reader_areas(current_user)
    if applied.get("Area"):
        area_names = applied["Area"]
    elif current_user.is_staff:
        area_names = "all thematic areas"
    else:
        area_names = ", ".join(a.name for a in areas) or "no area"
    return {
        "areas": areas,
        "area_names": area_names,
        "applied": applied,
        "list_args": _list_args(),
        "stale_days": stale_days(),
        "dialogue_url": dialogue_url,
        "is_coordinator": not current_user.is_staff,
    }


@bp.route("/dialogues")
def dialogue_list() -> ResponseReturnValue:
    """The dialogues of the reader's areas: where each stands, last contact, next step, who owns
    it, whether it is stale and the deadlines around it."""
    form, filters, applied = _filter_form()
    page, per_page = page_numbers(request.args)
    found = services.dialogue_page(current_user, filters, page, per_page)
    return render_template(
        "coordination/dialogue_list.html",
        form=form,
        filters=filters,
        page=found,
        **_page_values(applied),
    )


@bp.route("/dialogues/print")
def dialogue_print() -> ResponseReturnValue:
    """The filtered dialogues as a clean document for a Coordination Committee meeting."""
    _form, filters, applied = _filter_form()
    rows = services.dialogue_rows(current_user, filters)
    return render_template(
        "coordination/dialogue_print.html",
        rows=rows,
        filters=filters,
        printed_on=dt.date.today(),
        **_page_values(applied),
    )


@bp.route("/dialogues/export/<any(csv, xlsx):fmt>")
def dialogue_export(fmt: str) -> Response:
    """The filtered dialogues as CSV or as an Excel workbook."""
    _form, filters, _applied = _filter_form()
    rows = services.export_rows(current_user, filters, fmt)
    return download(fmt, "dialogues", "Dialogues", services.EXPORT_HEADERS, rows)


@bp.route("/states/<iso3>/briefing")
def country_briefing(iso3: str) -> ResponseReturnValue:
    """One page on a State for a meeting: status, obligations, dialogues, recent interactions
    and key contacts, as the reader may see them."""
    state = get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404)
    return render_template(
        "coordination/country_briefing.html",
        briefing=services.briefing(state, current_user),
        dialogue_url=dialogue_url,
        printed_on=dt.date.today(),
        is_coordinator=not current_user.is_staff,
    )
