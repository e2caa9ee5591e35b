"""Pages of a meeting's audience: adding people, the preview, sending, the messages and their
templates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from jinja2 import TemplateError

from outreach.contacts.services import thematic_areas
from outreach.core.access import staff_required
from outreach.core.forms import form_version, readable_changes, show_errors
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.services import regions
from outreach.directory.tags import all_tags
from outreach.extensions import db
from outreach.invitations import audience, messages, sending
from outreach.invitations.forms import (
    AddContactsForm,
    ContactSearchForm,
    DeleteTemplateForm,
    MissionsForm,
    PreviewForm,
    RemoveForm,
    SegmentForm,
    SendForm,
    TemplateForm,
    TemplateKindForm,
    TestForm,
)
from outreach.invitations.merge import LANGUAGES, language_of
from outreach.invitations.models import Invitation
from outreach.meetings.models import Meeting, MeetingKind
from outreach.meetings.services import get_meeting
from outreach.reference.models import State

bp = Blueprint("invitations", __name__)

MEETING = "/meetings/<int(max=2147483647):meeting_id>"
TEMPLATE_LABELS = {"subject": "Subject", "body": "Text"}


def _meeting(meeting_id: int) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _invitation_of(meeting: Meeting, value: Any) -> Invitation | None:
    """The meeting's invitation with this id (from a form or query), or None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and 0 < len(text) < 10):
        return None
    invitation = db.session.get(Invitation, int(text))
    return invitation if invitation and invitation.meeting_id == meeting.id else None


# --- The audience ---------------------------------------------------------------------------------


def _segment_form(formdata: Any = None) -> SegmentForm:
    form = SegmentForm(formdata=formdata) if formdata is not None else SegmentForm(formdata=None)
    form.set_choices(
        regions(),
        [(tag.key, tag.name) for tag in all_tags()],
        [(area.slug, area.name) for area in thematic_areas()],
    )
    return form


def _missions_form(formdata: Any = None) -> MissionsForm:
    form = MissionsForm(formdata=formdata) if formdata is not None else MissionsForm(formdata=None)
    states = db.session.execute(sa.select(State.iso3, State.name).order_by(State.name)).tuples()
    form.set_states(list(states))
    return form


def _audience_page(meeting: Meeting, status: int = 200, **forms: Any) -> ResponseReturnValue:
    search = ContactSearchForm(request.args)
    query = (search.q.data or "").strip()[:100]
    invitations = audience.audience_of(meeting)
    invited = {inv.contact_id for inv in invitations}
    return render_template(
        "invitations/audience.html",
        meeting=meeting,
        preview=audience.preview(meeting, invitations),
        search=search,
        query=query,
        found=audience.find_contacts(query),
        invited=invited,
        add_form=forms.get("add_form") or AddContactsForm(formdata=None),
        segment_form=forms.get("segment_form") or _segment_form(),
        missions_form=forms.get("missions_form") or _missions_form(),
        remove_form=RemoveForm(formdata=None),
        send_form=SendForm(formdata=None),
        send_problem=sending.send_problem(meeting),
    ), status


def _back_to_audience(meeting: Meeting) -> ResponseReturnValue:
    return redirect(url_for(".audience", meeting_id=meeting.id))


@bp.route(f"{MEETING}/audience", endpoint="audience")
@staff_required
def audience_page(meeting_id: int) -> ResponseReturnValue:
    """Who is invited, how to add more, and who will receive the invitation or is left out."""
    return _audience_page(_meeting(meeting_id))


def _added(meeting: Meeting, report: audience.AddReport) -> ResponseReturnValue:
    flash(report.message(), "success" if report.added else "info")
    return _back_to_audience(meeting)


def _busy(meeting: Meeting) -> ResponseReturnValue:
    flash(
        "Someone else changed this audience at the same moment; nothing was added. Try again.",
        "error",
    )
    return _back_to_audience(meeting)


@bp.route(f"{MEETING}/audience/contacts", methods=["POST"])
@staff_required
def audience_add_contacts(meeting_id: int) -> ResponseReturnValue:
    """Add the contacts ticked in the search results."""
    meeting = _meeting(meeting_id)
    form = AddContactsForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report = audience.add_contacts(meeting, form.contact_ids.data or [])
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
        return _back_to_audience(meeting)
    except audience.ConcurrentChange:
        return _busy(meeting)
    return _added(meeting, report)


@bp.route(f"{MEETING}/audience/segment", methods=["POST"])
@staff_required
def audience_add_segment(meeting_id: int) -> ResponseReturnValue:
    """Add every contact of a segment."""
    meeting = _meeting(meeting_id)
    form = _segment_form(request.form)
    if form.validate_on_submit():
        segment = audience.Segment(
            status=form.status.data or "",
            region=form.region.data or "",
            kind=form.kind.data or "",
            tag=form.tag.data or "",
            area=form.area.data or "",
            keyword=form.keyword.data or "",
            focal_points=bool(form.focal_points.data),
        )
        try:
            return _added(meeting, audience.add_segment(meeting, segment))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "status")
        except audience.ConcurrentChange:
            return _busy(meeting)
    return _audience_page(meeting, 422, segment_form=form)


@bp.route(f"{MEETING}/audience/missions", methods=["POST"])
@staff_required
def audience_add_missions(meeting_id: int) -> ResponseReturnValue:
    """Invite States' Permanent Missions, each as one delegation through its focal points."""
    meeting = _meeting(meeting_id)
    form = _missions_form(request.form)
    if form.validate_on_submit():
        missions = audience.Missions(
            states=tuple(form.states.data or ()), status=form.every.data or ""
        )
        try:
            return _added(meeting, audience.add_missions(meeting, missions))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "states", {"status": "every"})
        except audience.ConcurrentChange:
            return _busy(meeting)
    return _audience_page(meeting, 422, missions_form=form)


@bp.route(f"{MEETING}/audience/remove", methods=["POST"])
@staff_required
def audience_remove(meeting_id: int) -> ResponseReturnValue:
    """Take one person out of the audience (a CANCEL follows if an invitation reached them)."""
    meeting = _meeting(meeting_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    invitation = _invitation_of(meeting, form.invitation_id.data)
    if invitation is None:
        abort(404)
    name = invitation.contact.full_name
    try:
        outcome = sending.remove_invitee(invitation)
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "info")
        return _back_to_audience(meeting)
    flash(
        {
            "deleted": f"{name} was removed from the audience.",
            "removed": f"{name} was removed; no invitation had reached them, so none will.",
            "cancelled": f"{name} was removed; a cancellation is on its way to their calendar.",
        }[outcome],
        "success",
    )
    return _back_to_audience(meeting)


@bp.route(f"{MEETING}/send", methods=["POST"])
@staff_required
def send(meeting_id: int) -> ResponseReturnValue:
    """Send the invitations to everyone eligible who has not had one yet."""
    meeting = _meeting(meeting_id)
    if not SendForm().validate_on_submit():
        abort(400)
    report = sending.send_invitations(meeting, current_user.id)
    flash(report.message(), "success" if report.sent else "info" if not report.problem else "error")
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))


# --- Messages: preview and test -----------------------------------------------------------------


@bp.route(f"{MEETING}/messages")
@staff_required
def message_preview(meeting_id: int) -> ResponseReturnValue:
    """The invitation, update or cancellation as one invitee (or an example person) gets it."""
    meeting = _meeting(meeting_id)
    form = PreviewForm(request.args)
    invitations = [inv for inv in audience.audience_of(meeting) if inv.removed_at is None]
    form.invitation.choices = [("0", "An example person (English)")] + [
        (str(inv.id), f"{inv.contact.full_name} ({language_of(inv.contact)})")
        for inv in invitations
    ]
    purpose = form.purpose.data if form.purpose.data in messages.PURPOSE_LABELS else "invite"
    invitation = _invitation_of(meeting, form.invitation.data)
    problem = None
    rendered = language = None
    if meeting.starts_at is None:
        problem = "Set the meeting's dates to preview its messages."
    else:
        rendered, language = messages.preview_message(meeting, invitation, purpose)
    test_form = TestForm(
        formdata=None, purpose=purpose, invitation=str(invitation.id) if invitation else "0"
    )
    return render_template(
        "invitations/message_preview.html",
        meeting=meeting,
        form=form,
        purpose=purpose,
        invitation=invitation,
        rendered=rendered,
        language=language,
        problem=problem,
        test_form=test_form,
        words=messages.WORDS.get(language or "en", messages.WORDS["en"]),
    )


@bp.route(f"{MEETING}/messages/test", methods=["POST"])
@staff_required
def message_test(meeting_id: int) -> ResponseReturnValue:
    """Queue the previewed message to the signed-in staff member."""
    meeting = _meeting(meeting_id)
    form = TestForm()
    if not form.validate_on_submit():
        abort(400)
    purpose = form.purpose.data or ""
    invitation = _invitation_of(meeting, form.invitation.data)
    back = url_for(
        ".message_preview",
        meeting_id=meeting.id,
        purpose=purpose if purpose in messages.PURPOSE_LABELS else None,
        invitation=invitation.id if invitation else None,
    )
    try:
        sending.send_test(
            meeting,
            purpose,
            invitation,
            current_user.id,
            current_user.email,
            current_user.display_name,
        )
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "error")
        return redirect(back)
    flash(f"A test is on its way to {current_user.email}.", "success")
    return redirect(back)


# --- Templates ------------------------------------------------------------------------------------


def _kind_arg(value: str | None) -> str | None:
    kinds = {kind.value for kind in MeetingKind}
    return value if value in kinds else None


def _slot() -> tuple[str, str | None, str]:
    """The purpose, kind and language named in the query string; 404 if unknown."""
    purpose = request.args.get("purpose", "")
    kind = request.args.get("kind") or None
    language = request.args.get("language", "")
    if (
        purpose not in messages.PURPOSE_LABELS
        or language not in LANGUAGES
        or (kind is not None and _kind_arg(kind) is None)
    ):
        abort(404)
    return purpose, kind, language


@bp.route("/meetings/templates")
@staff_required
def template_list() -> ResponseReturnValue:
    """The texts of invitations, updates and cancellations per language, for one kind."""
    form = TemplateKindForm(request.args)
    kind = _kind_arg(form.kind.data)
    return render_template(
        "invitations/template_list.html",
        form=form,
        kind=MeetingKind(kind) if kind else None,
        texts=messages.all_template_texts(kind),
        purposes=messages.PURPOSE_LABELS,
        languages=messages.LANGUAGE_LABELS,
    )


def _template_page(
    text: messages.TemplateText, form: TemplateForm, conflict: Any = None, status: int = 200
) -> ResponseReturnValue:
    rendered = None
    if not form.errors and conflict is None:
        try:
            rendered = messages.render_message(
                messages.TemplateText(
                    text.purpose,
                    text.meeting_kind,
                    text.language,
                    form.subject.data or "",
                    form.body.data or "",
                    text.source,
                    text.stored,
                ),
                messages.sample_fields(None, text.language),
            )
        except (TemplateError, ValueError, TypeError):
            rendered = None  # a broken stored text still opens, to be repaired
    return render_template(
        "invitations/template_form.html",
        text=text,
        form=form,
        conflict=conflict,
        rendered=rendered,
        fields=messages.ALL_FIELDS,
        purposes=messages.PURPOSE_LABELS,
        languages=messages.LANGUAGE_LABELS,
        kind=MeetingKind(text.meeting_kind) if text.meeting_kind else None,
        delete_form=DeleteTemplateForm(formdata=None),
    ), status


@bp.route("/meetings/templates/edit", methods=["GET", "POST"])
@staff_required
def template_edit() -> ResponseReturnValue:
    """Edit the text of one purpose, kind and language; saved as that kind's own text."""
    purpose, kind, language = _slot()
    text = messages.template_text(purpose, kind, language)
    if request.method == "GET":
        version = text.stored.version if text.stored else ""
        form = TemplateForm(
            formdata=None, subject=text.subject, body=text.body, version=str(version)
        )
        return _template_page(text, form)
    form = TemplateForm()
    conflict = None
    if form.validate_on_submit():
        try:
            messages.save_template(
                purpose,
                kind,
                language,
                form.subject.data or "",
                form.body.data or "",
                form_version(form.version.data) if form.version.data else None,
            )
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, "body")
        except ConflictError as error:
            db.session.rollback()
            conflict = readable_changes(error.their_changes, TEMPLATE_LABELS)
            form.version.data = str(error.record.version)
        else:
            flash("The text was saved.", "success")
            return redirect(url_for(".template_list", kind=kind))
    status = 409 if conflict is not None else 422
    return _template_page(text, form, conflict, status)


@bp.route("/meetings/templates/delete", methods=["POST"])
@staff_required
def template_delete() -> ResponseReturnValue:
    """Drop a kind's own text; the general text applies again."""
    purpose, kind, language = _slot()
    if kind is None or not DeleteTemplateForm().validate_on_submit():
        abort(400)
    if messages.delete_template(purpose, kind, language):
        flash("The general text applies again.", "success")
    return redirect(url_for(".template_list", kind=kind))
