"""Pages of meetings: the list, one meeting, creating, editing and cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from outreach.core.access import staff_required
from outreach.core.forms import form_version, readable_changes, show_errors
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.invitations import sending
from outreach.invitations.forms import SendForm
from outreach.invitations.merge import language_of
from outreach.invitations.models import Answer
from outreach.mail.status import queue_health
from outreach.meetings import services
from outreach.meetings.forms import (
    COMMON_ZONES,
    OTHER_ZONE,
    CancelForm,
    MeetingFilterForm,
    MeetingForm,
)
from outreach.meetings.models import Meeting, MeetingKind, MeetingStatus

bp = Blueprint("meetings", __name__)

MEETING = "<int(max=2147483647):meeting_id>"
FIELD_LABELS = {
    "kind": "Kind",
    "code": "Code",
    "title": "Title",
    "status": "Status",
    "starts_at": "Start (UTC)",
    "ends_at": "End (UTC)",
    "timezone": "Time zone",
    "venue": "Venue",
    "room": "Room",
    "online_url": "Online link",
    "description": "Description",
    "organiser_email": "Organiser mailbox",
    "rsvp_deadline": "Answer by",
    "capacity": "Capacity",
    "public": "Public",
}


def _aliases(form: MeetingForm) -> dict[str, str]:
    """The service's field names, as the form calls them."""
    zone = "timezone_other" if form.timezone.data == OTHER_ZONE else "timezone"
    return {"starts_at": "start_date", "ends_at": "end_date", "timezone": zone}


def _found(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _filters() -> tuple[MeetingFilterForm, services.MeetingFilters]:
    form = MeetingFilterForm(request.args)
    years = services.meeting_years()
    form.year.choices = [SelectChoice("", "Any year")] + [
        SelectChoice(str(y), str(y)) for y in years
    ]
    kind = form.kind.data if form.kind.data in {k.value for k in MeetingKind} else ""
    year = form.year.data if form.year.data in {str(y) for y in years} else ""
    filters = services.MeetingFilters(
        kind=MeetingKind(kind) if kind else None, year=int(year) if year else None
    )
    return form, filters


@bp.route("/meetings")
def meeting_list() -> str:
    """Upcoming meetings first, then past ones, filtered by kind and year."""
    form, filters = _filters()
    upcoming, past = services.upcoming_and_past(filters)
    return render_template("meetings/meeting_list.html", form=form, upcoming=upcoming, past=past)


# Set by outreach/static/viewer-zone.js from the browser's own zone.
VIEWER_ZONE_COOKIE = "viewer_tz"


def viewer_zone() -> ZoneInfo:
    """The reader's zone: the `tz` query argument, else the zone their browser reported, else
    UTC (and UTC for anything that names no zone)."""
    for candidate in (request.args.get("tz"), request.cookies.get(VIEWER_ZONE_COOKIE)):
        if candidate:
            try:
                return services.zone_named(candidate[:64])
            except ValueError:
                continue
    return ZoneInfo("UTC")


def _invitations(meeting: Meeting) -> dict[str, Any]:
    """What staff see of the meeting's invitations (coordinators see none of it)."""
    if not current_user.is_staff:
        return {}
    return {
        "overview": sending.meeting_overview(meeting),
        "health": queue_health(),
        "send_form": SendForm(formdata=None),
        "send_problem": sending.send_problem(meeting),
        "language_of": language_of,
        "Answer": Answer,
    }


@bp.route(f"/meetings/{MEETING}")
def meeting_detail(meeting_id: int) -> str:
    """One meeting, its times in its own zone and in the reader's, and for staff its
    invitations: who, their answers and where each message stands."""
    meeting = _found(meeting_id)
    zone = viewer_zone()
    other = None if zone.key == meeting.timezone else zone
    return render_template(
        "meetings/meeting_detail.html",
        meeting=meeting,
        other_zone=other,
        zones=COMMON_ZONES,
        **_invitations(meeting),
    )


def _combine(day: dt.date | None, time: dt.time | None, default: dt.time) -> dt.datetime | None:
    return dt.datetime.combine(day, time or default) if day else None


def _data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        kind=form.kind.data or "",
        title=form.title.data or "",
        code=form.code.data or "",
        starts=_combine(form.start_date.data, form.start_time.data, dt.time(10)),
        ends=_combine(form.end_date.data, form.end_time.data, dt.time(18)),
        timezone=form.zone_name,
        venue=form.venue.data or "",
        room=form.room.data or "",
        online_url=form.online_url.data or "",
        description=form.description.data or "",
        organiser_email=form.organiser_email.data or "",
        rsvp_deadline=form.rsvp_deadline.data,
        capacity=form.capacity.data,
        public=bool(form.public.data),
        status=form.status.data or "",
    )


def _form_values(meeting: Meeting) -> dict[str, Any]:
    start, end = meeting.starts_local, meeting.ends_local
    known = meeting.timezone in COMMON_ZONES
    return {
        "kind": meeting.kind.value,
        "status": "draft" if meeting.status == MeetingStatus.DRAFT else "scheduled",
        "start_date": start.date() if start else None,
        "start_time": start.time() if start else None,
        "end_date": end.date() if end else None,
        "end_time": end.time() if end else None,
        "timezone": meeting.timezone if known else OTHER_ZONE,
        "timezone_other": "" if known else meeting.timezone,
        "version": meeting.version,
    }


def _form_page(form: MeetingForm, meeting: Meeting | None, conflict: Any = None) -> Any:
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_template(
        "meetings/meeting_form.html", form=form, meeting=meeting, conflict=conflict
    ), status


@bp.route("/meetings/new", methods=["GET", "POST"])
@staff_required
def meeting_create() -> ResponseReturnValue:
    """Plan a new meeting."""
    form = MeetingForm()
    if request.method == "GET":
        form.organiser_email.data = services.default_organiser()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(_data(form))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "title", _aliases(form))
        else:
            flash(f"{meeting.title} was created.", "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return _form_page(form, None)


@bp.route(f"/meetings/{MEETING}/edit", methods=["GET", "POST"])
@staff_required
def meeting_edit(meeting_id: int) -> ResponseReturnValue:
    """Change a meeting, unless someone else saved it since the form was opened."""
    meeting = _found(meeting_id)
    conflict = None
    if request.method == "GET":
        form = MeetingForm(formdata=None, obj=meeting, data=_form_values(meeting))
    else:
        form = MeetingForm()
    if form.validate_on_submit():
        sequence = meeting.sequence
        try:
            services.update_meeting(meeting, _data(form), form_version(form.version.data))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "title", _aliases(form))
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, FIELD_LABELS)
            form.version.data = str(error.record.version)
        else:
            moved = ""
            if meeting.sequence > sequence:
                moved = " Its time, place or link changed."
                if sending.invitations_sent(meeting):
                    moved += " Those sent the invitation will receive an update."
            flash(f"{meeting.title} was saved.{moved}", "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return _form_page(form, meeting, conflict)


@bp.route(f"/meetings/{MEETING}/cancel", methods=["GET", "POST"])
@staff_required
def meeting_cancel(meeting_id: int) -> ResponseReturnValue:
    """Ask, then cancel a meeting."""
    meeting = _found(meeting_id)
    form = CancelForm(data={"version": meeting.version} if request.method == "GET" else None)
    message = None
    if form.validate_on_submit():
        try:
            services.cancel_meeting(meeting, form_version(form.version.data))
        except ValidationError as error:
            db.session.rollback()
            message = " ".join(error.errors.values())
        except ConflictError:
            db.session.rollback()
            message = (
                "Someone else changed this meeting since you opened this page; check it again."
            )
            form.version.data = str(meeting.version)
        else:
            told = (
                " Those an invitation reached will receive a cancellation."
                if sending.invitations_sent(meeting)
                else ""
            )
            flash(f"{meeting.title} was cancelled.{told}", "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    status = 409 if message else 200
    return render_template(
        "meetings/meeting_cancel.html", meeting=meeting, form=form, message=message
    ), status
