"""/api/v1/meetings/<id>/audience, …/send and /api/v1/invitations: the same services as the
pages. Staff only, reads included: invitees' answers and addresses are not for coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

import sqlalchemy as sa
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError
from sqlalchemy.orm import selectinload

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import NO_NUL, ErrorSchema, PageArgsSchema, error_answers, page_schema
from outreach.directory.errors import ValidationError
from outreach.directory.lists import paginate
from outreach.directory.models import Contact, OrganisationKind
from outreach.extensions import db
from outreach.invitations import audience, sending
from outreach.invitations.merge import language_of
from outreach.invitations.models import Invitation
from outreach.mail.models import OutboxMessage
from outreach.meetings.models import Meeting
from outreach.meetings.services import get_meeting
from outreach.reference.models import CcmStatus

blp = token_blueprint("invitations_api", __name__, "Invitations: audiences, sending, answers")

ID = validate.Range(min=1, max=2**31 - 1)
STATUSES = [status.value for status in CcmStatus]
ORGANISATION_KINDS = [kind.value for kind in OrganisationKind]
ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Staff only: coordinators may not read or change invitations.",
    "404": "No such meeting or invitation.",
    "409": "Someone else changed the audience at the same moment; nothing was saved.",
    "422": "Invalid values, with a message per field.",
}
_alt = error_answers(blp, ERROR_ANSWERS)


@blp.before_request
def _staff_only() -> None:
    """Invitees' addresses and answers are staff business (the token was checked before)."""
    if not current_user.is_staff:
        abort(403, message=ERROR_ANSWERS["403"])


def _text(limit: int) -> fields.String:
    return fields.String(load_default="", validate=[validate.Length(max=limit), NO_NUL])


# --- Schemas ----------------------------------------------------------------------------------


class AudienceRowSchema(Schema):
    """One person in a meeting's audience."""

    invitation_id = fields.Integer(required=True)
    contact_id = fields.Integer(required=True)
    name = fields.String(required=True)
    delegation = fields.String(
        allow_none=True, metadata={"description": "ISO3 code of the State they represent"}
    )
    added_as = fields.String()
    language = fields.String(metadata={"description": "Language of their messages"})
    address = fields.String(allow_none=True, metadata={"description": "Where messages go"})
    left_out = fields.String(
        allow_none=True,
        metadata={"description": "Why nothing is sent to them: " + ", ".join(audience.LeftOut)},
    )
    left_out_label = fields.String(allow_none=True)
    sent = fields.Boolean(metadata={"description": "Whether the invitation was sent"})
    removed = fields.Boolean()
    answer = fields.String()


class PreviewSchema(Schema):
    """Who will receive the meeting's messages, and who is left out and why."""

    included = fields.List(fields.Nested(AudienceRowSchema), required=True)
    left_out = fields.List(fields.Nested(AudienceRowSchema), required=True)
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    not_yet_sent = fields.Integer(metadata={"description": "Sent with the next send"})


class SegmentSchema(Schema):
    """Contacts chosen by what they are; every criterion given must hold."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="", validate=validate.OneOf(["", *STATUSES]))
    region = _text(60)
    kind = fields.String(load_default="", validate=validate.OneOf(["", *ORGANISATION_KINDS]))
    tag = _text(60)
    area = _text(60)
    keyword = _text(80)
    focal_points = fields.Boolean(load_default=False)


class MissionsSchema(Schema):
    """States whose Permanent Mission is invited as one delegation through its focal points."""

    class Meta:
        unknown = EXCLUDE

    states = fields.List(
        fields.String(validate=[validate.Length(equal=3), NO_NUL]),
        load_default=list,
        validate=validate.Length(max=250),
    )
    status = fields.String(
        load_default="",
        validate=validate.OneOf(["", *STATUSES]),
        metadata={"description": "Every State of this CCM status"},
    )


class AudienceAddSchema(Schema):
    """Exactly one way of adding people."""

    class Meta:
        unknown = EXCLUDE

    contact_ids = fields.List(
        fields.Integer(validate=ID), validate=validate.Length(min=1, max=2000)
    )
    segment = fields.Nested(SegmentSchema)
    missions = fields.Nested(MissionsSchema)

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_kwargs: Any) -> None:
        given = [name for name in ("contact_ids", "segment", "missions") if name in data]
        if len(given) != 1:
            raise SchemaError("Give exactly one of contact_ids, segment or missions.", "_schema")


class AddReportSchema(Schema):
    """What adding people did."""

    added = fields.Integer(required=True)
    already = fields.Integer(required=True)
    refused = fields.List(
        fields.String(),
        metadata={"description": "Removed after being sent the invitation: not added again"},
    )
    without_focal_point = fields.List(
        fields.String(), metadata={"description": "States whose mission has no focal point"}
    )
    message = fields.String()


class RemovalSchema(Schema):
    """What removing someone did."""

    outcome = fields.String(
        metadata={
            "description": "deleted (never sent anything), removed (nothing had reached them) "
            "or cancelled (a CANCEL is on its way)"
        }
    )


class SendReportSchema(Schema):
    """What a send did; sending again sends nothing more."""

    sent = fields.Integer(required=True)
    left_out = fields.Integer(required=True)
    raced = fields.Boolean()
    message = fields.String()


class DelegateSchema(Schema):
    """A member of the invitee's delegation."""

    name = fields.String()
    title = fields.String()
    email = fields.String()
    attended = fields.Boolean(allow_none=True)


class MessageSchema(Schema):
    """One message of the outbox to the invitee."""

    id = fields.Integer()
    purpose = fields.Function(lambda m: m.mailing.purpose.value)
    status = fields.Function(lambda m: m.status.value)
    attempts = fields.Integer()
    last_code = fields.Integer(allow_none=True)
    last_error = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


@dataclass(frozen=True)
class InvitationState:
    """An invitation with the messages of the outbox sent (or to be sent) to the invitee."""

    invitation: Invitation
    messages: list[OutboxMessage]

    @property
    def delivery(self) -> audience.Delivery:
        return audience.delivery_of(self.invitation)

    @property
    def latest_status(self) -> str | None:
        return self.messages[-1].status.value if self.messages else None


def _of(name: str, field: type[fields.Field] = fields.String, **options: Any) -> fields.Field:
    return field(attribute=f"invitation.{name}", **options)


class InvitationSchema(Schema):
    """An invitation: who, to what, each message's delivery, and the answer."""

    id = _of("id", fields.Integer, required=True)
    meeting_id = _of("meeting_id", fields.Integer, required=True)
    contact_id = _of("contact_id", fields.Integer, required=True)
    name = fields.Function(lambda s: s.invitation.contact.full_name)
    delegation = fields.Function(
        lambda s: s.invitation.delegation_state.iso3 if s.invitation.delegation_state else None,
        allow_none=True,
        metadata={"description": "ISO3 code of the State they represent"},
    )
    added_as = _of("added_as")
    language = fields.Function(lambda s: language_of(s.invitation.contact))
    address = fields.Function(lambda s: s.delivery.address, allow_none=True)
    left_out = fields.Function(
        lambda s: s.delivery.reason.value if s.delivery.reason else None, allow_none=True
    )
    sent_sequence = _of("sent_sequence", fields.Integer, allow_none=True)
    removed_at = _of("removed_at", fields.DateTime, allow_none=True)
    delivery = fields.Function(
        lambda s: s.latest_status,
        allow_none=True,
        metadata={"description": "Status of the latest message (null: none yet)"},
    )
    answer = fields.Function(lambda s: s.invitation.answer.value)
    answered_at = _of("answered_at", fields.DateTime, allow_none=True)
    answered_via = fields.Function(
        lambda s: s.invitation.answered_via.value if s.invitation.answered_via else None,
        allow_none=True,
    )
    comments = _of("comments")
    sponsorship = fields.Function(lambda s: s.invitation.sponsorship.value)
    sponsorship_note = _of("sponsorship_note")
    attended = _of("attended", fields.Boolean, allow_none=True)
    delegates = fields.List(fields.Nested(DelegateSchema), attribute="invitation.delegates")
    messages = fields.List(fields.Nested(MessageSchema))
    version = _of("version", fields.Integer)


class InvitationListArgsSchema(PageArgsSchema):
    """The invitations of one meeting (or of all)."""

    class Meta:
        unknown = EXCLUDE

    meeting = fields.Integer(validate=ID, metadata={"description": "A meeting's id"})


InvitationPageSchema = page_schema(InvitationSchema, "InvitationPage")


# --- Helpers --------------------------------------------------------------------------------------


def _meeting(meeting_id: int) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting is None:
        abort(404, message="No such meeting.")
    return meeting


def _invalid(error: ValidationError) -> NoReturn:
    db.session.rollback()
    abort(422, messages={"json": {name: [message] for name, message in error.errors.items()}})


def _row(row: audience.PreviewRow) -> dict[str, Any]:
    invitation, delivery = row.invitation, row.delivery
    return {
        "invitation_id": invitation.id,
        "contact_id": invitation.contact_id,
        "name": row.contact.full_name,
        "delegation": invitation.delegation_state.iso3 if invitation.delegation_state else None,
        "added_as": invitation.added_as,
        "language": row.language,
        "address": delivery.address,
        "left_out": delivery.reason.value if delivery.reason else None,
        "left_out_label": delivery.reason.label if delivery.reason else None,
        "sent": invitation.sent_sequence is not None,
        "removed": invitation.removed_at is not None,
        "answer": invitation.answer.value,
    }


def _states(invitations: list[Invitation]) -> list[InvitationState]:
    """The invitations with their messages, in one more query."""
    found: dict[int, list[OutboxMessage]] = {inv.id: [] for inv in invitations}
    if found:
        for message in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.invitation_id.in_(found))
            .options(selectinload(OutboxMessage.mailing))
            .order_by(OutboxMessage.id)
        ):
            found[message.invitation_id].append(message)  # type: ignore[index]
    return [InvitationState(inv, found[inv.id]) for inv in invitations]


INVITATION_LOADS = (
    selectinload(Invitation.contact).selectinload(Contact.emails),
    selectinload(Invitation.delegation_state),
    selectinload(Invitation.delegates),
    selectinload(Invitation.meeting),
)


# --- Routes ---------------------------------------------------------------------------------------

MEETING = "/meetings/<int(max=2147483647):meeting_id>"


@blp.route(f"{MEETING}/audience")
class Audience(MethodView):
    """A meeting's audience."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, AudienceRowSchema(many=True))
    @_alt("401", "403", "404")
    def get(self, meeting_id: int) -> list[dict[str, Any]]:
        """Everyone in the audience (removed people too), by name."""
        meeting = _meeting(meeting_id)
        found = audience.preview(meeting)
        rows = sorted(
            found.included + found.left_out,
            key=lambda r: (r.contact.last_name.lower(), r.contact.first_name.lower(), r.contact.id),
        )
        return [_row(row) for row in rows]

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(AudienceAddSchema)
    @blp.response(200, AddReportSchema)
    @_alt("401", "403", "404", "409", "422")
    def post(self, values: dict[str, Any], meeting_id: int) -> dict[str, Any]:
        """Add contacts by id, a segment, or States' missions as delegations; adding someone
        twice never duplicates them."""
        meeting = _meeting(meeting_id)
        try:
            if "contact_ids" in values:
                report = audience.add_contacts(meeting, values["contact_ids"])
            elif "segment" in values:
                report = audience.add_segment(meeting, audience.Segment(**values["segment"]))
            else:
                missions = values["missions"]
                report = audience.add_missions(
                    meeting,
                    audience.Missions(states=tuple(missions["states"]), status=missions["status"]),
                )
        except ValidationError as error:
            _invalid(error)
        except audience.ConcurrentChange:
            abort(409, message=ERROR_ANSWERS["409"])
        return {**vars(report), "message": report.message()}


@blp.route(f"{MEETING}/audience/<int(max=2147483647):invitation_id>")
class AudienceMember(MethodView):
    """One person in a meeting's audience."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, RemovalSchema)
    @_alt("401", "403", "404", "422")
    def delete(self, meeting_id: int, invitation_id: int) -> dict[str, str]:
        """Take them out of the audience: never sent anything, the invitation is deleted;
        otherwise it is kept as removed and a CANCEL follows if an invitation reached them."""
        meeting = _meeting(meeting_id)
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or invitation.meeting_id != meeting.id:
            abort(404, message="No such invitation.")
        try:
            return {"outcome": sending.remove_invitee(invitation)}
        except ValidationError as error:
            _invalid(error)


@blp.route(f"{MEETING}/audience/preview")
class AudiencePreview(MethodView):
    """Who will receive the messages."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, PreviewSchema)
    @_alt("401", "403", "404")
    def get(self, meeting_id: int) -> dict[str, Any]:
        """Those who will receive the meeting's messages and those left out, with the reason
        (no email address, do not email, erased, archived, hard-bounced, removed)."""
        found = audience.preview(_meeting(meeting_id))
        return {
            "included": [_row(row) for row in found.included],
            "left_out": [_row(row) for row in found.left_out],
            "reasons": {reason.value: count for reason, count in found.reasons},
            "not_yet_sent": len(found.not_yet_sent),
        }


@blp.route(f"{MEETING}/send")
class Send(MethodView):
    """Sending a meeting's invitations."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, SendReportSchema)
    @_alt("401", "403", "404", "422")
    def post(self, meeting_id: int) -> dict[str, Any]:
        """Queue the invitation to everyone eligible not yet sent it; calling again sends
        nothing more (idempotent). 422 when the meeting cannot be sent (draft, cancelled,
        started)."""
        report = sending.send_invitations(_meeting(meeting_id), current_user.id)
        if report.problem:
            abort(422, messages={"json": {"meeting": [report.problem]}}, message=report.problem)
        return {
            "sent": report.sent,
            "left_out": report.left_out,
            "raced": report.raced,
            "message": report.message(),
        }


@blp.route("/invitations")
class Invitations(MethodView):
    """Invitations with their delivery and answer."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(InvitationListArgsSchema, location="query")
    @blp.response(200, InvitationPageSchema)
    @_alt("401", "403", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Invitations, of one meeting when `meeting` is given, oldest first."""
        query = sa.select(Invitation).options(*INVITATION_LOADS).order_by(Invitation.id)
        if args.get("meeting"):
            query = query.where(Invitation.meeting_id == args["meeting"])
        page = paginate(query, args["page"], args["per_page"])
        return {
            "items": _states(list(page.items)),
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }


@blp.route("/invitations/<int(max=2147483647):invitation_id>")
class InvitationItem(MethodView):
    """One invitation."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, InvitationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such invitation.")
    @_alt("401", "403")
    def get(self, invitation_id: int) -> InvitationState:
        """An invitation: delivery of each message, the answer, delegates, sponsorship."""
        invitation = db.session.scalar(
            sa.select(Invitation).where(Invitation.id == invitation_id).options(*INVITATION_LOADS)
        )
        if invitation is None:
            abort(404, message="No such invitation.")
        return _states([invitation])[0]
