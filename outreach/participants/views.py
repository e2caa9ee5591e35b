"""Pages of a meeting's follow-through: reminders, attendance, sponsorship, participants."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.core.access import staff_required
from outreach.core.exports import download
from outreach.core.forms import form_version, show_errors
from outreach.db import utcnow
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.invitations.models import Invitation, Sponsorship
from outreach.meetings.models import Meeting
from outreach.meetings.services import get_meeting
from outreach.participants import (
    messages,  # noqa: F401  (registers the reminder renderer)
    services,
)
from outreach.participants.forms import AttendanceForm, ReminderForm, SponsorshipDecisionForm
from outreach.participants.services import Variant

bp = Blueprint("participants", __name__)

MEETING = "<int(max=2147483647):meeting_id>"
# How many names a message lists before it says "and N others".
NAMES_SHOWN = 8


def _found(meeting_id: int) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _page(
    template: str, meeting: Meeting, status: int = 200, **values: object
) -> ResponseReturnValue:
    return render_template(
        f"participants/{template}",
        meeting=meeting,
        affiliation=services.affiliation,
        **values,
    ), status


def names(invitations: Sequence[Invitation]) -> str:
    """Who a message is about: "A, B and 3 others"."""
    shown = [i.contact.full_name or "(no name)" for i in invitations[:NAMES_SHOWN]]
    others = len(invitations) - len(shown)
    return ", ".join(shown) + (f" and {others} other{'s' if others > 1 else ''}" if others else "")


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _flash_reminders(outcome: services.ReminderOutcome) -> None:
    if outcome.queued:
        flash(
            f"Reminders are on their way to {_people(len(outcome.queued))}: "
            f"{names(outcome.queued)}.",
            "success",
        )
    if outcome.already:
        flash(
            f"{_people(len(outcome.already))} already had this reminder today, so nothing more "
            f"was sent to them: {names(outcome.already)}.",
            "info",
        )
    if outcome.left_out:
        reasons = "; ".join(
            f"{x.invitation.contact.full_name or '(no name)'} ({x.reason.lower()})"
            for x in outcome.left_out
        )
        flash(f"Not sent to {_people(len(outcome.left_out))}: {reasons}.", "warning")
    if outcome.gone:
        flash(
            f"{_people(outcome.gone)} no longer waited for this reminder (they answered or left "
            "the audience since the page was opened) and were not reminded.",
            "info",
        )
    if not (outcome.queued or outcome.already or outcome.left_out or outcome.gone):
        flash("No reminder was sent.", "info")


def _submitted_variant() -> Variant:
    value = request.form.get("variant", "")
    if value not in {v.value for v in Variant}:
        abort(400)
    return Variant(value)


@bp.route(f"/meetings/{MEETING}/reminders", methods=["GET", "POST"])
@staff_required
def reminders(meeting_id: int) -> ResponseReturnValue:
    """Remind those who have not answered, or those coming, choosing who."""
    meeting = _found(meeting_id)
    forms = {v: ReminderForm(formdata=None) for v in Variant}
    kept: dict[Variant, set[int]] = {}  # what was ticked in a form sent back with an error
    if request.method == "POST":
        variant = _submitted_variant()
        form = forms[variant] = ReminderForm()
        if form.validate_on_submit():
            try:
                outcome = services.send_reminders(
                    meeting, variant, form.invitations.data or [], current_user.id
                )
            except ValidationError as error:
                db.session.rollback()
                show_errors(form, error, "invitations")
            else:
                _flash_reminders(outcome)
                return redirect(url_for(".reminders", meeting_id=meeting.id))
        kept[variant] = set(form.invitations.data or [])
    audiences = {v: services.reminder_audience(meeting, v) for v in Variant}
    # Everyone ticked but those reminded today, unless the person's own choice came back.
    ticked = {
        v: kept.get(v, {i.id for i in audience.eligible if not audience.reminded_today(i)})
        for v, audience in audiences.items()
    }
    status = 422 if kept else 200
    return _page("reminders.html", meeting, status, forms=forms, audiences=audiences, ticked=ticked)


@bp.route(f"/meetings/{MEETING}/attendance", methods=["GET", "POST"])
@staff_required
def attendance(meeting_id: int) -> ResponseReturnValue:
    """Mark who attended, invitees and delegation members, in one form."""
    meeting = _found(meeting_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        counts = services.save_attendance(
            meeting, form.shown.data or [], form.attended.data or [], form.delegates.data or []
        )
        flash(
            f"Attendance saved: {counts.invitees_attended} of {counts.invitees} invitees and "
            f"{counts.delegates_attended} of {counts.delegates} delegation members attended.",
            "success",
        )
        return redirect(url_for(".attendance", meeting_id=meeting.id))
    sheet = services.attendance_sheet(meeting)
    counts = services.attendance_counts(sheet)
    status = 422 if form.errors else 200
    return _page("attendance.html", meeting, status, form=form, sheet=sheet, counts=counts)


def _status_filter() -> Sponsorship | None:
    value = request.args.get("status", "")
    return Sponsorship(value) if value in {s.value for s in services.LISTED_STATUSES} else None


def _decision(form: SponsorshipDecisionForm) -> Sponsorship | None:
    if form.approve.data:
        return Sponsorship.APPROVED
    if form.decline.data:
        return Sponsorship.DECLINED
    return None


def _posted_invitation(meeting: Meeting, form: SponsorshipDecisionForm) -> Invitation:
    value = form.invitation.data or ""
    invitation = None
    if value.isascii() and value.isdigit() and len(value) < 10:
        invitation = services.get_invitation(meeting, int(value))
    if invitation is None:
        abort(404)
    return invitation


def _decide(meeting: Meeting) -> tuple[Response | None, Invitation, SponsorshipDecisionForm, str]:
    """Record the posted decision; the redirect, or the form to show again with its trouble."""
    form = SponsorshipDecisionForm()
    invitation = _posted_invitation(meeting, form)
    conflict = ""
    if form.validate_on_submit():
        decision = _decision(form)
        try:
            services.decide_sponsorship(
                invitation,
                decision,
                form.note.data or "",
                current_user.id,
                form_version(form.version.data),
            )
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "note", {"decision": "note"})
        except ConflictError as error:
            db.session.rollback()
            current = error.record
            conflict = (
                "Someone else changed this request after you opened the page: it is now "
                f"{current.sponsorship.label.lower()}. Nothing was saved; decide again to "
                "replace it."
            )
            form.version.data = str(current.version)
        else:
            flash(
                f"The sponsorship request of {invitation.contact.full_name} was "
                f"{decision.label.lower() if decision else 'decided'}.",
                "success",
            )
            chosen = _status_filter()
            back = url_for(
                ".sponsorship", meeting_id=meeting.id, status=chosen.value if chosen else None
            )
            return redirect(back), invitation, form, ""
    return None, invitation, form, conflict


@bp.route(f"/meetings/{MEETING}/sponsorship", methods=["GET", "POST"])
@staff_required
def sponsorship(meeting_id: int) -> ResponseReturnValue:
    """The sponsorship requests, filtered by status; approve or decline each with a note."""
    meeting = _found(meeting_id)
    posted: tuple[int, SponsorshipDecisionForm, str] | None = None
    status = 200
    if request.method == "POST":
        done, invitation, form, conflict = _decide(meeting)
        if done is not None:
            return done
        posted = (invitation.id, form, conflict)
        status = 409 if conflict else 422
    chosen = _status_filter()
    requests = services.sponsorship_requests(meeting, chosen)
    forms = {
        i.id: SponsorshipDecisionForm(
            formdata=None,
            data={"invitation": i.id, "version": i.version, "note": i.sponsorship_decision_note},
        )
        for i in requests
    }
    conflicts: dict[int, str] = {}
    if posted is not None:
        forms[posted[0]] = posted[1]
        conflicts[posted[0]] = posted[2]
    return _page(
        "sponsorship.html",
        meeting,
        status,
        requests=requests,
        forms=forms,
        conflicts=conflicts,
        counts=services.sponsorship_counts(meeting),
        chosen=chosen,
        statuses=services.LISTED_STATUSES,
    )


@bp.route(f"/meetings/{MEETING}/participants", endpoint="list")
@staff_required
def participant_list(meeting_id: int) -> ResponseReturnValue:
    """The list of participants, grouped as the ISU publishes it."""
    meeting = _found(meeting_id)
    return _page("list.html", meeting, participants=services.participant_list(meeting))


@bp.route(f"/meetings/{MEETING}/participants/print")
@staff_required
def participant_print(meeting_id: int) -> ResponseReturnValue:
    """The list of participants as a document to print on A4 portrait."""
    meeting = _found(meeting_id)
    return _page(
        "list_print.html",
        meeting,
        participants=services.participant_list(meeting),
        printed_on=utcnow().astimezone(meeting.zone).date(),
    )


def file_stem(meeting: Meeting) -> str:
    """A safe file name for the meeting's downloads, e.g. "participants-14MSP"."""
    code = re.sub(r"[^A-Za-z0-9]+", "-", meeting.code or "").strip("-")
    return f"participants-{code or meeting.id}"


@bp.route(f"/meetings/{MEETING}/participants/export/<any(csv, xlsx):fmt>")
@staff_required
def participant_export(meeting_id: int, fmt: str) -> Response:
    """The list of participants as CSV or as an Excel workbook."""
    meeting = _found(meeting_id)
    rows = services.export_rows(meeting, fmt)
    return download(fmt, file_stem(meeting), "Participants", services.EXPORT_HEADERS, rows)
