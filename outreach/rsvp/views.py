"""Public pages behind personal links (RSVP, unsubscribe), the invitee page for staff, and the
calendar feeds (outreach/rsvp/feeds.py)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from outreach.core.access import public, staff_required
from outreach.core.errors import (
    handle_database_busy,
    handle_http_exception,
    handle_unstorable_value,
)
from outreach.core.forms import form_version, readable_changes
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import csrf, db, limiter
from outreach.invitations.merge import LANGUAGES, language_of, meeting_fields
from outreach.invitations.models import AnswerChannel, Invitation
from outreach.meetings.services import default_organiser
from outreach.rsvp import feeds, logs, services
from outreach.rsvp import privacy as _privacy  # noqa: F401  (adds its eraser and link mover)
from outreach.rsvp.forms import AnswerForm, ConfirmForm, RecordAnswerForm, answer_form
from outreach.rsvp.messages import confirmation_address
from outreach.rsvp.texts import LANGUAGE_NAMES, long_date, translator
from outreach.rsvp.tokens import load_invitation, make_token

bp = Blueprint("rsvp", __name__)
bp.record_once(lambda _state: logs.install())

log = logging.getLogger(__name__)

LINK_TOKEN = "<string(maxlength=200):token>"  # noqa: S105  (a URL rule, not a secret)
INVITATION = "<int(max=2147483647):meeting_id>/invitations/<int(max=2147483647):invitation_id>"
# Guessing links: each refused token counts; a working link costs nothing (T2).
PERSONAL_LINKS = limiter.shared_limit(
    "30 per minute; 300 per day",
    scope="personal-links",
    deduct_when=lambda response: response.status_code == 404,
)
PRIVATE_ENDPOINTS = {"rsvp.answer", "rsvp.unsubscribe", "rsvp.private_feed", "rsvp.feed_create"}
FIELD_LABELS = {
    "answer": "Answer",
    "answered_via": "How the answer was given",
    "answered_at": "Answered at",
    "sponsorship": "Sponsorship",
    "sponsorship_decided_at": "Sponsorship decided at",
    "attended": "Attended",
    "removed_at": "Removed from the audience",
    "token_version": "Personal links",
}


@bp.after_request
def _private_headers(response: Response) -> Response:
    # Personal links are secrets: no Referer to other sites, no copy in any cache.
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Any:
    """Errors of these pages: the path, which may hold a personal link, is not logged."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    # The application's own answers to a busy database or an unstorable value, which log
    # no path either.
    if isinstance(error, sqlalchemy.exc.OperationalError):
        return handle_database_busy(error)
    if isinstance(error, sqlalchemy.exc.DataError):
        return handle_unstorable_value(error)
    log.exception("unhandled error on %s %s", request.method, request.endpoint)
    db.session.rollback()
    return handle_http_exception(InternalServerError())


@bp.app_context_processor
def _feed_helpers() -> dict[str, Any]:
    return {"active_calendar_feed": services.active_feed}


# --- Shared by the public pages ---------------------------------------------------------------


def _language(invitation: Invitation) -> str:
    """The invitee's language, unless they chose another on the page."""
    chosen = request.args.get("lang", "")
    return chosen if chosen in LANGUAGES else language_of(invitation.contact)


def _language_links(language: str) -> list[dict[str, str]]:
    """The same page in the other languages."""
    here = {**(request.view_args or {})}
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": url_for(request.endpoint or "", **here, lang=code),
        }
        for code in LANGUAGES
        if code != language
    ]


def _public_page(template: str, language: str, status: int = 200, **context: Any) -> Any:
    return render_template(
        template,
        _=translator(language),
        language=language,
        language_links=_language_links(language),
        **context,
    ), status


def _link_not_working() -> Any:
    """One polite page for every refused link, in the three languages, revealing nothing."""
    return render_template(
        "rsvp/link_not_working.html",
        translations=[(code, translator(code)) for code in LANGUAGES],
        organiser=default_organiser(),
    ), 404


def _kept_language() -> dict[str, str]:
    chosen = request.args.get("lang", "")
    return {"lang": chosen} if chosen in LANGUAGES else {}


# --- The invitee's answer ---------------------------------------------------------------------


def _record_from_link(invitation: Invitation, form: AnswerForm) -> None:
    try:
        services.record_answer(invitation, form.data_for_service(), AnswerChannel.LINK)
    except ConflictError:
        # Staff recorded an answer at that very moment: the invitee's own word comes last.
        db.session.rollback()
        services.record_answer(invitation, form.data_for_service(), AnswerChannel.LINK)


@bp.route(f"/rsvp/{LINK_TOKEN}", methods=["GET", "POST"])
@public
@PERSONAL_LINKS
def answer(token: str) -> ResponseReturnValue:
    """The invitee's page: the meeting and the answer form. GET and HEAD record nothing (mail
    scanners open links); a POST records."""
    invitation = load_invitation(token, "rsvp")
    if invitation is None:
        return _link_not_working()
    language = _language(invitation)
    _ = translator(language)
    posted = request.method == "POST"
    form = answer_form(AnswerForm, invitation, language, posted)
    is_open = services.answer_open(invitation.meeting)
    status = 200
    if posted and form.validate_on_submit():
        if form.more.data:
            form.add_rows()
            form.translate(_)
        elif not is_open:
            status = 403
        else:
            try:
                _record_from_link(invitation, form)
            except ValidationError as error:
                db.session.rollback()
                form.show_errors(error, _)
                status = 422
            else:
                confirmed = confirmation_address(invitation.contact) is not None
                flash(
                    _("Thank you. Your answer was recorded; a confirmation is on its way by email.")
                    if confirmed
                    else _("Thank you. Your answer was recorded."),
                    "success",
                )
                return redirect(url_for(".answer", token=token, **_kept_language()))
    return _answer_page(invitation, form, language, is_open, status)


def _answer_page(
    invitation: Invitation, form: AnswerForm, language: str, is_open: bool, status: int
) -> Any:
    meeting = invitation.meeting
    answered = invitation.answered_at
    return _public_page(
        "rsvp/answer.html",
        language,
        status,
        invitation=invitation,
        contact=invitation.contact,
        meeting=meeting,
        fields=meeting_fields(meeting, language),
        form=form,
        errors=form.error_list(translator(language)),
        is_open=is_open,
        decided=invitation.sponsorship in services.DECIDED,
        answered_on=long_date(answered.astimezone(meeting.zone).date(), language)
        if answered
        else "",
        max_delegates=services.MAX_DELEGATES,
        more_action=request.full_path.rstrip("?") + "#delegation",
        unsubscribe_path=url_for(
            ".unsubscribe", token=make_token(invitation, "unsubscribe"), **_kept_language()
        ),
    )


# --- Unsubscribing ----------------------------------------------------------------------------


def _one_click() -> bool:
    """An RFC 8058 one-click request: a POST whose body is List-Unsubscribe=One-Click."""
    return request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"


@bp.route(f"/unsubscribe/{LINK_TOKEN}", methods=["GET", "POST"])
@public
@csrf.exempt  # only the one-click POST, which mail clients send without a form; see below
@PERSONAL_LINKS
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask before stopping emails (GET records nothing); the page's form or a mail client's
    one-click POST stops them."""
    if request.method == "POST" and not _one_click():
        csrf.protect()  # the page's own form carries a CSRF token like every other form
    invitation = load_invitation(token, "unsubscribe")
    if invitation is None:
        return _link_not_working()
    language = _language(invitation)
    form = ConfirmForm()
    if request.method == "POST":
        services.unsubscribe(invitation)
        if not _one_click():
            return redirect(url_for(".unsubscribe", token=token, **_kept_language()))
    return _public_page(
        "rsvp/unsubscribe.html",
        language,
        invitation=invitation,
        contact=invitation.contact,
        organiser=invitation.meeting.organiser_email,
        form=form,
    )


# --- The invitee page for staff ---------------------------------------------------------------


def _found(meeting_id: int, invitation_id: int) -> Invitation:
    invitation = services.get_invitation(meeting_id, invitation_id)
    if invitation is None:
        abort(404)
    return invitation


@bp.route(f"/meetings/{INVITATION}", methods=["GET", "POST"])
@staff_required
def invitation(meeting_id: int, invitation_id: int) -> ResponseReturnValue:
    """One invitee: answer, delegation, sponsorship, delivery history; record an answer given
    by phone, letter, email or in person."""
    record = _found(meeting_id, invitation_id)
    english = translator("en")
    posted = request.method == "POST"
    form = answer_form(RecordAnswerForm, record, "en", posted)
    assert isinstance(form, RecordAnswerForm)
    conflict, status = None, 200
    if posted and form.validate_on_submit():
        if form.more.data:
            form.add_rows()
        else:
            try:
                services.record_answer(
                    record,
                    form.data_for_service(),
                    form.channel_value(),
                    form_version(form.version.data),
                    confirm=bool(form.send_confirmation.data),
                )
            except ValidationError as error:
                db.session.rollback()
                form.show_errors(error, english)
                status = 422
            except ConflictError as error:
                db.session.rollback()
                conflict = readable_changes(error.their_changes, FIELD_LABELS)
                form.version.data = str(error.record.version)
                status = 409
            else:
                flash(f"The answer of {record.contact.display_name} was recorded.", "success")
                return redirect(
                    url_for(".invitation", meeting_id=meeting_id, invitation_id=invitation_id)
                )
    return render_template(
        "rsvp/invitation.html",
        invitation=record,
        meeting=record.meeting,
        contact=record.contact,
        form=form,
        conflict=conflict,
        history=services.delivery_history(record),
        mailing_label=services.mailing_label,
        eml_links="mail.message_file" in current_app.view_functions,
        revoke_form=ConfirmForm(),
        decided=record.sponsorship in services.DECIDED,
        errors=form.error_list(english),
        language=LANGUAGE_NAMES[language_of(record.contact)],
        max_delegates=services.MAX_DELEGATES,
        _=english,
    ), status


@bp.route(f"/meetings/{INVITATION}/revoke-links", methods=["POST"])
@staff_required
def invitation_revoke_links(meeting_id: int, invitation_id: int) -> ResponseReturnValue:
    """Stop the personal links sent so far; later messages carry new ones."""
    record = _found(meeting_id, invitation_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_links(record)
        flash(
            "The personal links sent so far no longer work. Messages sent from now on carry new "
            "links.",
            "success",
        )
    return redirect(url_for(".invitation", meeting_id=meeting_id, invitation_id=invitation_id))


for _rule, _view, _methods in feeds.ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
