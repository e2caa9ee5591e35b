"""Message templates (subject and Markdown body with merge fields, per purpose, meeting kind and
language), their rendering in a sandbox, and the renderers the delivery worker calls to build
invitations, updates, cancellations and tests with their calendar files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import nh3
import sqlalchemy as sa
from flask import current_app, render_template
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.versions import changes_since, check_version, commit_or_conflict
from outreach.extensions import db
from outreach.invitations.defaults import TEMPLATE_PURPOSES, default_text
from outreach.invitations.merge import (
    FIELD_HELP,
    LANGUAGES,
    language_of,
    meeting_fields,
    merge_fields,
)
from outreach.invitations.models import Invitation, MessageTemplate
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import OutgoingEmail, renderer
from outreach.meetings.calendar import Attendee, CalendarEvent, invitation_ics
from outreach.meetings.models import Meeting, MeetingKind, MeetingStatus

ORGANISER_NAME = "CCM Implementation Support Unit"
PURPOSE_LABELS = {"invite": "Invitation", "update": "Update", "cancel": "Cancellation"}
LANGUAGE_LABELS = {"en": "English", "fr": "French", "es": "Spanish"}
# Fields beyond those of merge.py that only some messages know.
EXTRA_FIELDS = {
    "meeting_cancelled": (
        "In cancellations: true when the meeting itself is cancelled, false when only this "
        "person's invitation is withdrawn (use {% if meeting_cancelled %}…{% else %}…{% endif %})"
    ),
}
ALL_FIELDS = {**FIELD_HELP, **EXTRA_FIELDS}
SAMPLE_PERSON = {
    "honorific": "H.E. Ms",
    "first_name": "Jane",
    "last_name": "Example",
    "full_name": "Jane Example",
    "display_name": "H.E. Ms Jane Example",
    "delegation": "",
}
# The words the code adds around a template's text, in each language.
WORDS = {
    "en": {
        "answer": "Answer the invitation",
        "answer_line": "Your personal link to answer:",
        "unsubscribe": "Receive no more emails from the ISU",
        "unsubscribe_line": "To receive no more emails from the ISU:",
        "footer": "Implementation Support Unit, Convention on Cluster Munitions, Geneva",
    },
    "fr": {
        "answer": "Répondre à l'invitation",
        "answer_line": "Votre lien personnel pour répondre :",
        "unsubscribe": "Ne plus recevoir de courriels de l'Unité d'appui à l'application",
        "unsubscribe_line": (
            "Pour ne plus recevoir de courriels de l'Unité d'appui à l'application :"
        ),
        "footer": (
            "Unité d'appui à l'application, Convention sur les armes à sous-munitions, Genève"
        ),
    },
    "es": {
        "answer": "Responder a la invitación",
        "answer_line": "Su enlace personal para responder:",
        "unsubscribe": "No recibir más correos de la Dependencia de Apoyo a la Aplicación",
        "unsubscribe_line": (
            "Para no recibir más correos de la Dependencia de Apoyo a la Aplicación:"
        ),
        "footer": "Dependencia de Apoyo a la Aplicación, Convención sobre Municiones en Racimo, "
        "Ginebra",
    },
}
TEST_NOTE = (
    "This is a test sent from Outreach: the personal links in it are examples and lead nowhere."
)


class MessageEnvironment(ImmutableSandboxedEnvironment):
    """A sandbox for templates staff write: no attribute tricks, no arithmetic that could make
    a huge number or string."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"the operator {operator} is not available in messages")


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(value: Any) -> Any:
    """A merge value as literal Markdown text: every punctuation mark escaped, one line."""
    if value is None or isinstance(value, bool):
        return value
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


_plain = MessageEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
_literal = MessageEnvironment(undefined=StrictUndefined, finalize=escape_markdown)
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


# --- Templates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateText:
    """The subject and body in force for one purpose, meeting kind and language."""

    purpose: str
    meeting_kind: str | None
    language: str
    subject: str
    body: str
    # Where the text comes from: "kind" (its own), "general" (every kind), "built-in".
    source: str
    stored: MessageTemplate | None  # the stored row of exactly this slot, if any


def check_slot(purpose: str, meeting_kind: str | None, language: str) -> None:
    """Refuse an unknown purpose, meeting kind or language."""
    if purpose not in TEMPLATE_PURPOSES:
        raise ValidationError({"purpose": "Choose invitation, update or cancellation."})
    if meeting_kind is not None and meeting_kind not in {k.value for k in MeetingKind}:
        raise ValidationError({"meeting_kind": "Choose a kind of meeting from the list."})
    if language not in LANGUAGES:
        raise ValidationError({"language": "Choose English, French or Spanish."})


def _stored(purpose: str, meeting_kind: str | None, language: str) -> MessageTemplate | None:
    kind = (
        MessageTemplate.meeting_kind.is_(None)
        if meeting_kind is None
        else MessageTemplate.meeting_kind == meeting_kind
    )
    return db.session.scalar(
        sa.select(MessageTemplate).where(
            MessageTemplate.purpose == purpose, MessageTemplate.language == language, kind
        )
    )


def template_text(purpose: str, meeting_kind: str | None, language: str) -> TemplateText:
    """The text in force: the kind's own, else the general one, else the shipped default."""
    check_slot(purpose, meeting_kind, language)
    own = _stored(purpose, meeting_kind, language)
    found, source = own, "kind" if meeting_kind else "general"
    if found is None and meeting_kind is not None:
        found, source = _stored(purpose, None, language), "general"
    if found is not None:
        return TemplateText(purpose, meeting_kind, language, found.subject, found.body, source, own)
    subject, body = default_text(purpose, language)
    return TemplateText(purpose, meeting_kind, language, subject, body, "built-in", own)


def all_template_texts(meeting_kind: str | None) -> list[TemplateText]:
    """Every purpose and language for one meeting kind (None: every kind), in two queries."""
    rows = db.session.scalars(
        sa.select(MessageTemplate).where(
            sa.or_(
                MessageTemplate.meeting_kind.is_(None),
                MessageTemplate.meeting_kind == (meeting_kind or ""),
            )
        )
    )
    stored = {(r.purpose, r.meeting_kind, r.language): r for r in rows}
    texts = []
    for purpose in TEMPLATE_PURPOSES:
        for language in LANGUAGES:
            own = stored.get((purpose, meeting_kind, language))
            general = stored.get((purpose, None, language))
            found = own or general
            if found is not None:
                source = "kind" if own is not None and meeting_kind else "general"
                subject, body = found.subject, found.body
            else:
                source = "built-in"
                subject, body = default_text(purpose, language)
            texts.append(TemplateText(purpose, meeting_kind, language, subject, body, source, own))
    return texts


def sample_fields(meeting: Meeting | None, language: str) -> dict[str, Any]:
    """Fields of an example invitee, for checking a template and for previews without one."""
    base = current_app.config["OUTREACH_BASE_URL"].rstrip("/")
    values: dict[str, Any] = {
        **SAMPLE_PERSON,
        "meeting_title": "Fourteenth Meeting of States Parties",
        "meeting_code": "14MSP",
        "dates": "14–17 September 2027",
        "times": "10:00–18:00 (Central European Summer Time)",
        "venue": "Palais des Nations, Geneva",
        "online_link": "https://meet.example/14msp",
        "rsvp_deadline": "31 August 2027",
    }
    if meeting is not None:
        values.update(meeting_fields(meeting, language))
    values["rsvp_link"] = f"{base}/rsvp/example-personal-link"
    values["unsubscribe_link"] = f"{base}/unsubscribe/example-personal-link"
    values["meeting_cancelled"] = meeting is not None and meeting.status is MeetingStatus.CANCELLED
    return values


def _problem(source: str, values: dict[str, Any]) -> str | None:
    """Why a template cannot be filled in with these values, or None."""
    try:
        for environment in (_plain, _literal):
            environment.from_string(source).render(values)
    except SecurityError as error:
        return f"This is not allowed in a message: {error}."
    except TemplateError as error:
        return f"This cannot be filled in: {error}."
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
        return f"This cannot be filled in: {error}."
    return None


def template_errors(subject: str, body: str) -> dict[str, str]:
    """A message per field for a template that is not valid: syntax, unknown merge fields, or
    something the sandbox refuses."""
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Enter a subject."
    elif "\r" in subject or "\n" in subject:
        errors["subject"] = "Keep the subject on one line."
    if not body.strip():
        errors["body"] = "Enter the text of the message."
    for name, source in (("subject", subject), ("body", body)):
        if name in errors:
            continue
        if "\x00" in source:
            errors[name] = "Remove the invisible NUL character."
            continue
        try:
            tree = _plain.parse(source)
        except TemplateSyntaxError as error:
            errors[name] = f"Line {error.lineno}: {error.message}."
            continue
        unknown = sorted(meta.find_undeclared_variables(tree) - set(ALL_FIELDS))
        if unknown:
            names = ", ".join("{{ " + field + " }}" for field in unknown)
            errors[name] = f"Unknown merge field: {names}. The fields are listed beside the form."
            continue
        for cancelled in (False, True):
            problem = _problem(
                source, {**sample_fields(None, "en"), "meeting_cancelled": cancelled}
            )
            if problem:
                errors[name] = problem
                break
    return errors


def save_template(
    purpose: str,
    meeting_kind: str | None,
    language: str,
    subject: str,
    body: str,
    expected_version: int | None,
) -> MessageTemplate:
    """Store the text of one slot, created on first save; a stale form gets a conflict."""
    check_slot(purpose, meeting_kind, language)
    subject = subject.strip()
    body = body.replace("\r\n", "\n").strip() + "\n"
    errors = template_errors(subject, body)
    if len(subject) > 300:
        errors.setdefault("subject", "Keep the subject under 301 characters.")
    if errors:
        raise ValidationError(errors)
    stored = _stored(purpose, meeting_kind, language)
    if stored is None:
        stored = MessageTemplate(
            purpose=purpose, meeting_kind=meeting_kind, language=language, subject="", body=""
        )
        db.session.add(stored)
    else:
        check_version(stored, expected_version or 0)
    stored.subject, stored.body = subject, body
    try:
        commit_or_conflict(stored, expected_version)
    except IntegrityError:
        # Someone saved the first text of this slot at the same moment.
        db.session.rollback()
        current = _stored(purpose, meeting_kind, language)
        raise ConflictError(current, changes_since(current, 0)) from None
    return stored


def delete_template(purpose: str, meeting_kind: str, language: str) -> bool:
    """Drop a kind's own text so the general one applies again; False if there was none."""
    check_slot(purpose, meeting_kind, language)
    stored = _stored(purpose, meeting_kind, language)
    if stored is None:
        return False
    db.session.delete(stored)
    db.session.commit()
    return True


# --- Rendering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMessage:
    """A template filled in for one person: subject, text body and the HTML of the body."""

    subject: str
    text: str
    html: Markup


def _plain_links(text: str) -> str:
    """Markdown links as people read them in a text email: "label <address>" (the brackets
    keep a following full stop out of the address)."""
    return _LINK.sub(
        lambda m: m[2] if m[1] == m[2] else f"{m[1]} <{m[2]}>",
        text,
    )


def render_message(text: TemplateText, values: dict[str, Any]) -> RenderedMessage:
    """Fill a template in. In the HTML every merge value is escaped for Markdown first (a name
    cannot add a link or markup), then the Markdown is rendered and cleaned by nh3 (SECURITY I1)."""
    subject = " ".join(_plain.from_string(text.subject).render(values).split())
    # Bold markers of the text itself mean nothing in a text email; merge values are left alone.
    body = _plain.from_string(_BOLD.sub(r"\1", text.body)).render(values)
    markdown = _literal.from_string(text.body).render(values)
    html = Markup(nh3.clean(_markdown.render(markdown)))  # noqa: S704 (sanitised by nh3)
    return RenderedMessage(subject=subject, text=_plain_links(body).strip() + "\n", html=html)


def meeting_event(
    meeting: Meeting, *, sequence: int, uid: str | None = None, note: str = ""
) -> CalendarEvent:
    """The meeting as calendars see it, with the given SEQUENCE."""
    if meeting.starts_at is None or meeting.ends_at is None:
        raise ValueError("the meeting has no dates yet")
    place = ", ".join(part for part in (meeting.venue, meeting.room) if part)
    description = "\n\n".join(part for part in (meeting.description.strip(), note) if part)
    return CalendarEvent(
        uid=uid or meeting.uid,
        sequence=sequence,
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=place or (meeting.online_url or ""),
        description=description,
        url=meeting.online_url or "",
        organiser_name=ORGANISER_NAME,
        organiser_email=meeting.organiser_email,
        status="CONFIRMED",
    )


@dataclass(frozen=True)
class _Parts:
    """What an email of a meeting is made of before it becomes an OutgoingEmail."""

    meeting: Meeting
    purpose: str
    language: str
    values: dict[str, Any]
    attendee: Attendee
    sequence: int
    uid: str | None = None
    subject_prefix: str = ""
    unsubscribe: bool = True
    note: str = ""


def _email(parts: _Parts) -> OutgoingEmail:
    meeting, language = parts.meeting, parts.language
    words = WORDS.get(language, WORDS["en"])
    text = template_text(parts.purpose, meeting.kind.value, language)
    rendered = render_message(text, parts.values)
    answer = parts.values["rsvp_link"] if parts.purpose != "cancel" else ""
    unsubscribe = parts.values["unsubscribe_link"] if parts.unsubscribe else ""
    lines = [rendered.text]
    if answer and answer not in rendered.text:
        lines.append(f"{words['answer_line']} {answer}\n")
    if unsubscribe:
        lines.append(f"{words['unsubscribe_line']} {unsubscribe}\n")
    if parts.note:
        lines.insert(0, parts.note + "\n")
    html = render_template(
        "mail/invitation.html",
        language=language,
        subject=rendered.subject,
        body=rendered.html,
        answer_link=answer,
        unsubscribe_link=unsubscribe,
        words=words,
        note=parts.note,
    )
    method = "CANCEL" if parts.purpose == "cancel" else "REQUEST"
    note = f"{words['answer_line']} {answer}" if answer else ""
    event = meeting_event(meeting, sequence=parts.sequence, uid=parts.uid, note=note)
    ics = invitation_ics(event, parts.attendee, method=method)
    return OutgoingEmail(
        subject=parts.subject_prefix + rendered.subject,
        text="\n".join(lines),
        html=html,
        calendar=ics,
        calendar_method=method,
        unsubscribe_url=unsubscribe or None,
        sender=meeting.organiser_email,
        sender_name=ORGANISER_NAME,
    )


class ObsoleteMessage(RuntimeError):
    """The message no longer makes sense (meeting cancelled, invitee removed): not sent."""


def cancel_sequence(meeting: Meeting, mailing_sequence: int | None) -> int:
    """The SEQUENCE of a CANCEL: above every REQUEST the person may have had."""
    return max(meeting.sequence, mailing_sequence or 0)


def _invitee_email(message: OutboxMessage, purpose: str) -> OutgoingEmail:
    invitation = db.session.get(Invitation, message.invitation_id or 0)
    if invitation is None:
        raise ObsoleteMessage("the invitation no longer exists")
    meeting = invitation.meeting
    if purpose != "cancel" and (
        meeting.status is MeetingStatus.CANCELLED or invitation.removed_at is not None
    ):
        raise ObsoleteMessage("the meeting was cancelled or the invitee removed since")
    values: dict[str, Any] = {
        **merge_fields(invitation, message.language),
        "meeting_cancelled": meeting.status is MeetingStatus.CANCELLED,
    }
    removed = invitation.removed_at is not None
    sequence = (
        cancel_sequence(meeting, message.mailing.sequence)
        if purpose == "cancel"
        else meeting.sequence
    )
    return _email(
        _Parts(
            meeting=meeting,
            purpose=purpose,
            language=message.language,
            values=values,
            attendee=Attendee(invitation.contact.full_name, message.to_address),
            sequence=sequence,
            # A removed invitee's links no longer open anything: no unsubscribe link to offer.
            unsubscribe=not removed,
        )
    )


@renderer(MailPurpose.INVITE)
def render_invitation(message: OutboxMessage) -> OutgoingEmail:
    """An invitation with its REQUEST calendar file."""
    return _invitee_email(message, "invite")


@renderer(MailPurpose.UPDATE)
def render_update(message: OutboxMessage) -> OutgoingEmail:
    """An update with the REQUEST at the meeting's current, higher SEQUENCE."""
    return _invitee_email(message, "update")


@renderer(MailPurpose.CANCEL)
def render_cancellation(message: OutboxMessage) -> OutgoingEmail:
    """A cancellation with its CANCEL calendar file."""
    return _invitee_email(message, "cancel")


def test_variant(purpose: str, invitation_id: int | None) -> str:
    """How a test mailing records which message it tests and for whom ("invite:12")."""
    return f"{purpose}:{invitation_id or 0}"


def values_for(meeting: Meeting, invitation: Invitation | None, language: str) -> dict[str, Any]:
    """The merge values of an invitee of the meeting, or of an example person."""
    if invitation is None:
        return sample_fields(meeting, language)
    return {
        **merge_fields(invitation, language),
        "meeting_cancelled": meeting.status is MeetingStatus.CANCELLED,
    }


@renderer(MailPurpose.TEST)
def render_test(message: OutboxMessage) -> OutgoingEmail:
    """A test sent to a staff member: the message as an invitee would get it, with example
    links, and the staff member as the calendar's attendee."""
    mailing = message.mailing
    purpose, _, invitation_id = mailing.variant.partition(":")
    meeting = mailing.meeting
    if meeting is None or purpose not in TEMPLATE_PURPOSES:
        raise ObsoleteMessage("a test needs a meeting and a message")
    invitation = db.session.get(Invitation, int(invitation_id or 0))
    if invitation is not None and invitation.meeting_id != meeting.id:
        invitation = None
    values = values_for(meeting, invitation, message.language)
    # Links that work would let a test reader answer or unsubscribe for the invitee.
    sample = sample_fields(meeting, message.language)
    values.update(rsvp_link=sample["rsvp_link"], unsubscribe_link=sample["unsubscribe_link"])
    cancelled = meeting.status is MeetingStatus.CANCELLED
    sequence = meeting.sequence + (1 if purpose == "cancel" and not cancelled else 0)
    return _email(
        _Parts(
            meeting=meeting,
            purpose=purpose,
            language=message.language,
            values=values,
            attendee=Attendee(message.to_name, message.to_address),
            sequence=sequence,
            # Its own UID: accepting a test must not touch the real meeting in a calendar.
            uid=f"test-{message.id}-{meeting.uid}",
            subject_prefix="[Test] ",
            unsubscribe=False,
            note=TEST_NOTE,
        )
    )


def preview_message(
    meeting: Meeting, invitation: Invitation | None, purpose: str, language: str | None = None
) -> tuple[RenderedMessage, str]:
    """The message an invitee (or an example person) would get now, and its language."""
    language = language or (language_of(invitation.contact) if invitation else "en")
    text = template_text(purpose, meeting.kind.value, language)
    return render_message(text, values_for(meeting, invitation, language)), language
