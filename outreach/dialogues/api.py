"""/api/v1/dialogues: list (filtered, paged), read with its history, open, and change with the
record's version. Coordinators read the dialogues of their areas only, like on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import (
    NO_NUL,
    ConflictSchema,
    PageArgsSchema,
    error_answers,
    invalid,
    page_schema,
    text_arg,
    versioned_patch,
)
from outreach.dialogues import services
from outreach.dialogues.models import Dialogue, DialogueEvent, DialogueStatus
from outreach.organisations.services import state_by_iso3

blp = token_blueprint(
    "dialogues_api",
    __name__,
    "Dialogues: the ISU's dialogue with each State on each thematic area, and its history",
)

STATUSES = [status.value for status in DialogueStatus]
MAX_ID = 2**31 - 1


class DialogueEventSchema(Schema):
    """A change of a dialogue's status."""

    at = fields.DateTime(required=True)
    who = fields.String(required=True)
    old_status = fields.String(allow_none=True, validate=validate.OneOf(STATUSES))
    new_status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    note = fields.String(required=True)


class DialogueSchema(Schema):
    """A dialogue as the API sends it in a list."""

    id = fields.Integer(required=True)
    state = fields.String(
        required=True, metadata={"description": "ISO 3166 alpha-3 code of the State"}
    )
    state_name = fields.String(required=True)
    area = fields.String(required=True, metadata={"description": "Slug of the thematic area"})
    area_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    position = fields.String(required=True)
    next_step = fields.String(required=True)
    next_step_due = fields.Date(allow_none=True)
    responsible = fields.List(
        fields.Integer(), required=True, metadata={"description": "Ids of the users responsible"}
    )
    last_contact = fields.Date(
        allow_none=True,
        metadata={"description": "Date of the latest linked interaction the caller may see"},
    )
    stale = fields.Boolean(
        required=True,
        metadata={"description": "Open, and no interaction for DIALOGUE_STALE_DAYS days"},
    )
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a PATCH to change the record"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DialogueDetailSchema(DialogueSchema):
    """One dialogue, with the history of its status, newest first."""

    history = fields.List(fields.Nested(DialogueEventSchema), required=True)


DialoguePageSchema = page_schema(DialogueSchema, "DialoguePage")


class DialogueListArgsSchema(PageArgsSchema):
    """The filters of the dialogues list."""

    class Meta:
        unknown = EXCLUDE

    area = text_arg(60)
    status = fields.String(validate=validate.OneOf(STATUSES))
    iso3 = text_arg(3)
    stale = fields.Boolean(metadata={"description": "true: only stale ones; false: none"})


def _text(limit: int, **options: Any) -> fields.String:
    return fields.String(allow_none=True, validate=[validate.Length(max=limit), NO_NUL], **options)


class DialogueOpenSchema(Schema):
    """Which dialogue to open: a State and a thematic area."""

    class Meta:
        unknown = EXCLUDE

    iso3 = fields.String(
        required=True,
        validate=[validate.Length(equal=3), NO_NUL],
        metadata={"description": "ISO 3166 alpha-3 code of the State"},
    )
    area = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=60), NO_NUL],
        metadata={"description": "Slug of the thematic area, e.g. universalization"},
    )


class DialoguePatchSchema(Schema):
    """The values to change, with the version the client last read."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(STATUSES))
    status_note = _text(
        services.NOTE_MAX, metadata={"description": "Why the status changes (its history)"}
    )
    position = _text(services.POSITION_MAX)
    next_step = _text(services.NEXT_STEP_MAX)
    next_step_due = fields.Date(allow_none=True)
    responsible = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        allow_none=True,
        validate=validate.Length(max=50),
        metadata={"description": "Ids of users responsible: staff, or coordinators of the area"},
    )
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The record's version when the client read it"},
    )


ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read.",
    "404": "No such dialogue, or not in the caller's thematic areas.",
    "422": "Invalid values, with a message per field.",
}


_alt_responses = error_answers(blp, ERROR_ANSWERS)


def _event(event: DialogueEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "who": event.user.display_name if event.user else event.actor_label,
        "old_status": event.old_status.value if event.old_status else None,
        "new_status": event.new_status.value,
        "note": event.note,
    }


def _item(
    dialogue: Dialogue, last_contact: dt.date | None, stale: bool, history: bool = False
) -> dict[str, Any]:
    """A dialogue as the schemas read it."""
    item = {
        "id": dialogue.id,
        "state": dialogue.state.iso3,
        "state_name": dialogue.state.name,
        "area": dialogue.area.slug,
        "area_name": dialogue.area.name,
        "status": dialogue.status.value,
        "position": dialogue.position or "",
        "next_step": dialogue.next_step or "",
        "next_step_due": dialogue.next_step_due,
        "responsible": [user.id for user in dialogue.responsible],
        "last_contact": last_contact,
        "stale": stale,
        "version": dialogue.version,
        "created_at": dialogue.created_at,
        "updated_at": dialogue.updated_at,
    }
    if history:
        item["history"] = [_event(event) for event in dialogue.events]
    return item


def _found(dialogue_id: int) -> Dialogue:
    dialogue = services.get_dialogue(dialogue_id, current_user)
    if dialogue is None:
        abort(404, message="No such dialogue.")
    return dialogue


def _detail(dialogue_id: int) -> dict[str, Any]:
    dialogue = _found(dialogue_id)
    last_contact = services.last_contact_of(dialogue, current_user)
    return _item(dialogue, last_contact, services.is_stale(dialogue, last_contact), history=True)


@blp.route("/dialogues")
class DialogueCollection(MethodView):
    """Dialogues."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(DialogueListArgsSchema, location="query")
    @blp.response(200, DialoguePageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the dialogues the caller may read, by State then area."""
        status = args.get("status")
        filters = services.DialogueFilters(
            area_slug=(args.get("area") or "").strip() or None,
            status=DialogueStatus(status) if status else None,
            iso3=(args.get("iso3") or "").strip() or None,
            stale=args.get("stale"),
        )
        rows, total = services.find_dialogues(current_user, filters, args["page"], args["per_page"])
        return {
            "items": [_item(r.dialogue, r.last_contact, r.stale) for r in rows],
            "total": total,
            "page": args["page"],
            "per_page": args["per_page"],
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(DialogueOpenSchema)
    @blp.response(201, DialogueDetailSchema, description="The dialogue was opened.")
    @blp.alt_response(
        200, schema=DialogueDetailSchema, description="It existed already: here it is, unchanged."
    )
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> Any:
        """Open the dialogue with a State on a thematic area (staff). Opening one that exists
        changes nothing and answers 200 with it, so a client may simply open to find it."""
        state = state_by_iso3(values["iso3"])
        area = services.area_by_slug(values["area"].strip())
        errors = {}
        if state is None:
            errors["iso3"] = "No State has this code."
        if area is None:
            errors["area"] = "No thematic area has this slug."
        if errors:
            invalid(errors)
        dialogue, created = services.open_dialogue(state, area, current_user)
        return _detail(dialogue.id), 201 if created else 200


@blp.route("/dialogues/<int(max=2147483647):dialogue_id>")
class DialogueItem(MethodView):
    """One dialogue."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, DialogueDetailSchema)
    @_alt_responses("401", "404")
    def get(self, dialogue_id: int) -> dict[str, Any]:
        """Read a dialogue, with the history of its status."""
        return _detail(dialogue_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(DialoguePatchSchema)
    @blp.response(200, DialogueDetailSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "404", "422")
    def patch(self, values: dict[str, Any], dialogue_id: int) -> Any:
        """Change some values of a dialogue (staff), given the version you read; a new status
        is added to its history with `status_note`."""
        dialogue = _found(dialogue_id)
        data = services.data_of(dialogue)
        for name in ("status", "position", "next_step", "status_note"):
            if name in values:
                setattr(data, name, values[name] or "")
        if "next_step_due" in values:
            data.next_step_due = values["next_step_due"]
        if "responsible" in values:
            data.responsible_ids = values["responsible"] or []
        conflict = versioned_patch(
            lambda: services.update_dialogue(dialogue, data, values["version"], current_user),
            "Someone else changed this dialogue since your version; nothing was saved.",
        )
        return conflict or _detail(dialogue_id)
