"""/api/v1/meetings: list, read, create, change (with the record's version) and cancel."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import (
    NO_NUL,
    ConflictSchema,
    ErrorSchema,
    PageArgsSchema,
    error_answers,
    invalid,
    page_schema,
    versioned_patch,
)
from outreach.directory.errors import ValidationError
from outreach.meetings import services
from outreach.meetings.models import Meeting, MeetingKind, MeetingStatus

blp = token_blueprint("meetings_api", __name__, "Meetings: formal and informal, with their times")

KINDS = [kind.value for kind in MeetingKind]
EDITABLE_STATUSES = [MeetingStatus.DRAFT.value, MeetingStatus.SCHEDULED.value]


def _local(name: str) -> fields.Function:
    return fields.Function(
        lambda m: getattr(m, name).isoformat() if getattr(m, name) else None,
        allow_none=True,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with the offset of the meeting's zone",
        },
    )


class MeetingSchema(Schema):
    """A meeting as the API sends it."""

    id = fields.Integer(required=True)
    kind = fields.Enum(MeetingKind, by_value=True, required=True)
    code = fields.String(allow_none=True)
    title = fields.String(required=True)
    starts_at = _local("starts_local")
    ends_at = _local("ends_local")
    timezone = fields.String(required=True, metadata={"description": "IANA time zone name"})
    venue = fields.String()
    room = fields.String()
    online_url = fields.String(allow_none=True)
    description = fields.String()
    organiser_email = fields.String()
    rsvp_deadline = fields.Date(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    public = fields.Boolean()
    status = fields.Enum(MeetingStatus, by_value=True, required=True)
    uid = fields.String(metadata={"description": "iCalendar UID, stable for the meeting's life"})
    sequence = fields.Integer(metadata={"description": "iCalendar SEQUENCE"})
    president_state = fields.Function(
        lambda m: m.president_state.iso3 if m.president_state else None, allow_none=True
    )
    source = fields.String()
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a PATCH to change the record"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def _text(limit: int, **options: Any) -> fields.String:
    return fields.String(allow_none=True, validate=[validate.Length(max=limit), NO_NUL], **options)


class MeetingInputSchema(Schema):
    """The values a client may set; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, validate=[validate.Length(min=1, max=300), NO_NUL])
    code = _text(30)
    starts_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "ISO 8601 with an offset"}
    )
    ends_at = fields.AwareDateTime(allow_none=True, metadata={"description": "After starts_at"})
    timezone = _text(64, metadata={"description": "IANA name; Europe/Zurich when not given"})
    venue = _text(300)
    room = _text(120)
    online_url = _text(500, metadata={"description": "http:// or https:// only"})
    description = _text(20000)
    organiser_email = _text(254, metadata={"description": "The configured sender when empty"})
    rsvp_deadline = fields.Date(allow_none=True)
    capacity = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000))
    public = fields.Boolean()
    status = fields.String(validate=validate.OneOf(EDITABLE_STATUSES))


class MeetingPatchSchema(MeetingInputSchema):
    """The values to change, with the version the client last read."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=validate.OneOf(KINDS))
    title = fields.String(validate=[validate.Length(min=1, max=300), NO_NUL])
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The record's version when the client read it"},
    )


class VersionSchema(Schema):
    """The version the client last read (optional for a cancellation)."""

    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class MeetingListArgsSchema(PageArgsSchema):
    """The filters of the meetings list."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=validate.OneOf(KINDS))
    year = fields.Integer(validate=validate.Range(min=1990, max=2200))


MeetingPageSchema = page_schema(MeetingSchema, "MeetingPage")

ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read.",
    "422": "Invalid values, with a message per field.",
}
_alt_responses = error_answers(blp, ERROR_ANSWERS)
CONFLICT = "Someone else changed this meeting since your version; nothing was saved."


def _found(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _data(values: dict[str, Any], base: services.MeetingData) -> services.MeetingData:
    """The sent values over `base`; null clears a field."""
    merged = vars(base).copy()
    texts = ("kind", "title", "code", "venue", "room", "online_url", "description")
    for name in (*texts, "organiser_email", "status"):
        if name in values:
            merged[name] = values[name] or ""
    if values.get("timezone"):
        merged["timezone"] = values["timezone"]
    for name, target in (("starts_at", "starts"), ("ends_at", "ends")):
        if name in values:
            merged[target] = values[name]
    for name in ("rsvp_deadline", "capacity"):
        if name in values:
            merged[name] = values[name]
    if "public" in values:
        merged["public"] = bool(values["public"])
    return services.MeetingData(**merged)


@blp.route("/meetings")
class MeetingCollection(MethodView):
    """Meetings."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(MeetingListArgsSchema, location="query")
    @blp.response(200, MeetingPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List meetings, newest first (undated drafts first)."""
        filters = services.MeetingFilters(
            kind=MeetingKind(args["kind"]) if args.get("kind") else None, year=args.get("year")
        )
        page = services.find_meetings(filters, args["page"], args["per_page"])
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(MeetingInputSchema)
    @blp.response(201, MeetingSchema)
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> Meeting:
        """Create a meeting (staff)."""
        try:
            meeting = services.create_meeting(
                _data(values, services.MeetingData(kind="", title=""))
            )
        except ValidationError as error:
            invalid(error.errors)
        return _found(meeting.id)


@blp.route("/meetings/<int(max=2147483647):meeting_id>")
class MeetingItem(MethodView):
    """One meeting."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, MeetingSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such meeting.")
    @_alt_responses("401")
    def get(self, meeting_id: int) -> Meeting:
        """Read a meeting."""
        return _found(meeting_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(MeetingPatchSchema)
    @blp.response(200, MeetingSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such meeting.")
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "422")
    def patch(self, values: dict[str, Any], meeting_id: int) -> Any:
        """Change some values of a meeting (staff), given the version you read; a change of time,
        place or online link of a scheduled meeting moves its sequence on."""
        meeting = _found(meeting_id)
        conflict = versioned_patch(
            lambda: services.update_meeting(
                meeting, _data(values, services.data_of(meeting)), values["version"]
            ),
            CONFLICT,
        )
        return conflict or _found(meeting_id)


@blp.route("/meetings/<int(max=2147483647):meeting_id>/cancel")
class MeetingCancel(MethodView):
    """Cancelling a meeting."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(VersionSchema)
    @blp.response(200, MeetingSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such meeting.")
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any], meeting_id: int) -> Any:
        """Cancel a meeting (staff): status cancelled, sequence one higher."""
        meeting = _found(meeting_id)
        conflict = versioned_patch(
            lambda: services.cancel_meeting(meeting, values.get("version")), CONFLICT
        )
        return conflict or _found(meeting_id)
