"""/api/v1/interactions and /api/v1/followups: the outreach log and the follow-ups, with the
same visibility as the pages (coordinators never get a confidential interaction; follow-ups
are staff work, so coordinators are refused them altogether)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_login import current_user
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
    text_arg,
    versioned_patch,
)
from outreach.auth.models import Role, User
from outreach.directory.errors import ValidationError
from outreach.extensions import db
from outreach.interactions import services
from outreach.interactions.models import FollowUp, Interaction, InteractionKind, Sensitivity
from outreach.reference.models import State, ThematicArea

blp = token_blueprint(
    "interactions_api",
    __name__,
    "Interactions (the outreach log) and follow-ups. Confidential interactions are for staff "
    "only; follow-ups are staff work and answer 403 to coordinators.",
)

KINDS = [kind.value for kind in InteractionKind]
MAX_ID = 2**31 - 1
STAFF_ONLY = "Staff only: coordinators never get a confidential interaction."


def _text(limit: int, **options: Any) -> fields.String:
    return fields.String(validate=[validate.Length(max=limit), NO_NUL], **options)


def _id(**options: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **options)


def _ids(description: str) -> fields.List:
    return fields.List(
        _id(), validate=validate.Length(max=200), metadata={"description": description}
    )


# --- Interactions ---


NAMED = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
NAMED_LIST = {"type": "array", "items": NAMED}


def _named(records: Any, attribute: str = "display_name") -> list[dict[str, Any]]:
    return [{"id": r.id, "name": getattr(r, attribute)} for r in records]


class InteractionSchema(Schema):
    """An interaction as the API sends it."""

    id = fields.Integer(required=True)
    kind = fields.Enum(InteractionKind, by_value=True, required=True)
    occurred_on = fields.Date(required=True)
    occurred_at_time = fields.Time(allow_none=True)
    subject = fields.String(required=True)
    summary = fields.String(metadata={"description": "Markdown"})
    outcome = fields.String()
    sensitivity = fields.Enum(Sensitivity, by_value=True, metadata={"description": STAFF_ONLY})
    states = fields.Function(
        lambda i: [s.iso3 for s in i.states],
        metadata={"type": "array", "items": {"type": "string"}, "description": "ISO3 codes"},
    )
    organisations = fields.Function(lambda i: _named(i.organisations), metadata=NAMED_LIST)
    contacts = fields.Function(lambda i: _named(i.contacts), metadata=NAMED_LIST)
    staff = fields.Function(lambda i: _named(i.staff), metadata=NAMED_LIST)
    areas = fields.Function(
        lambda i: [a.slug for a in i.areas],
        metadata={"type": "array", "items": {"type": "string"}, "description": "Area slugs"},
    )
    dialogues = fields.Function(
        lambda i: _named(services.readable_dialogues(i, current_user), "title"),
        metadata={
            **NAMED_LIST,
            "description": "The linked dialogues the reader may see",
        },
    )
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a PATCH to change the record"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FollowUpInlineSchema(Schema):
    """A follow-up logged with the interaction."""

    class Meta:
        unknown = EXCLUDE

    description = _text(2000, required=True)
    owner_id = _id(load_default=None, allow_none=True, metadata={"description": "Default: you"})
    due_on = fields.Date(required=True)


class InteractionInputSchema(Schema):
    """The values a client may set; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    occurred_on = fields.Date(required=True)
    occurred_at_time = fields.Time(allow_none=True)
    subject = fields.String(required=True, validate=[validate.Length(min=1, max=300), NO_NUL])
    summary = _text(50000, allow_none=True, metadata={"description": "Markdown"})
    outcome = _text(20000, allow_none=True)
    confidential = fields.Boolean(metadata={"description": "Seen by ISU staff only"})
    states = fields.List(
        fields.String(validate=[validate.Length(max=3), NO_NUL]),
        validate=validate.Length(max=200),
        metadata={"description": "ISO3 codes"},
    )
    organisation_ids = _ids("Organisations involved")
    contact_ids = _ids("People involved")
    staff_ids = _ids("ISU staff present (user ids)")
    areas = fields.List(
        fields.String(validate=[validate.Length(max=60), NO_NUL]),
        validate=validate.Length(max=20),
        metadata={"description": "Thematic area slugs"},
    )
    dialogue_ids = _ids("Dialogues the interaction is part of")
    followup = fields.Nested(
        FollowUpInlineSchema,
        allow_none=True,
        metadata={"description": "A follow-up logged with it (on creation only)"},
    )


class InteractionPatchSchema(InteractionInputSchema):
    """The values to change, with the version the client last read."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=validate.OneOf(KINDS))
    occurred_on = fields.Date()
    subject = fields.String(validate=[validate.Length(min=1, max=300), NO_NUL])
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The record's version when the client read it"},
    )


class InteractionListArgsSchema(PageArgsSchema):
    """The filters of the interactions list."""

    class Meta:
        unknown = EXCLUDE

    q = text_arg(100)
    kind = fields.String(validate=validate.OneOf(KINDS))
    state = text_arg(3)
    area = text_arg(60)
    dialogue = _id()
    date_from = fields.Date()
    date_to = fields.Date()
    sensitivity = fields.String(
        validate=validate.OneOf([s.value for s in Sensitivity]),
        metadata={"description": "Staff only; ignored for coordinators"},
    )


InteractionPageSchema = page_schema(InteractionSchema, "InteractionPage")

ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read (and may not read follow-ups).",
    "422": "Invalid values, with a message per field.",
}


_alt_responses = error_answers(blp, ERROR_ANSWERS)


def _found(interaction_id: int) -> Interaction:
    interaction = services.get_interaction(interaction_id, current_user)
    if interaction is None:
        abort(404)
    return interaction


def _state_ids(codes: list[str], field: str = "states") -> list[int]:
    wanted = {c.strip().upper() for c in codes}
    rows = db.session.execute(sa.select(State.id, State.iso3).where(State.iso3.in_(wanted)))
    found = {row.iso3: row.id for row in rows}
    unknown = sorted(wanted - set(found))
    if unknown:
        invalid({field: f"Unknown State code: {', '.join(unknown)}."})
    return list(found.values())


def _area_ids(slugs: list[str]) -> list[int]:
    wanted = set(slugs)
    rows = db.session.execute(
        sa.select(ThematicArea.id, ThematicArea.slug).where(ThematicArea.slug.in_(wanted))
    )
    found = {row.slug: row.id for row in rows}
    unknown = sorted(wanted - set(found))
    if unknown:
        invalid({"areas": f"Unknown thematic area: {', '.join(unknown)}."})
    return list(found.values())


def _naive(value: dt.time | None) -> dt.time | None:
    """The time of day as given; a time zone offset is not kept (the column has none)."""
    return value.replace(tzinfo=None) if value is not None else None


def _interaction_data(
    values: dict[str, Any], base: services.InteractionData
) -> services.InteractionData:
    """The sent values over `base`; null clears a text."""
    merged = vars(base).copy()
    for name in ("kind", "occurred_on", "subject", "summary", "outcome", "confidential"):
        if name in values:
            merged[name] = values[name] if values[name] is not None else ""
    if "occurred_at_time" in values:
        merged["occurred_at_time"] = _naive(values["occurred_at_time"])
    for name in ("organisation_ids", "contact_ids", "staff_ids", "dialogue_ids"):
        if name in values:
            merged[name] = values[name]
    if "states" in values:
        merged["state_ids"] = _state_ids(values["states"])
    if "areas" in values:
        merged["area_ids"] = _area_ids(values["areas"])
    return services.InteractionData(**merged)


def _filters(args: dict[str, Any]) -> services.InteractionFilters:
    sensitivity = args.get("sensitivity") if current_user.is_staff else None
    return services.InteractionFilters(
        q=(args.get("q") or "").strip() or None,
        kind=InteractionKind(args["kind"]) if args.get("kind") else None,
        state_iso3=(args.get("state") or "").upper() or None,
        area_slug=args.get("area") or None,
        dialogue_id=args.get("dialogue"),
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        sensitivity=Sensitivity(sensitivity) if sensitivity else None,
    )


# The API names the follow-up of an interaction as one field.
INTERACTION_ERRORS = {
    "followup_description": "followup",
    "followup_owner": "followup",
    "followup_due_on": "followup",
}


def _interaction_errors(error: ValidationError) -> dict[str, str]:
    return {INTERACTION_ERRORS.get(k, k): v for k, v in error.errors.items()}


@blp.route("/interactions")
class InteractionCollection(MethodView):
    """Interactions."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(InteractionListArgsSchema, location="query")
    @blp.response(200, InteractionPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the interactions you may see, newest first, filtered like the list page."""
        page = services.find_interactions(
            _filters(args), current_user, args["page"], args["per_page"]
        )
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(InteractionInputSchema)
    @blp.response(201, InteractionSchema)
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> Interaction:
        """Log an interaction, optionally with a follow-up (staff)."""
        data = _interaction_data(values, services.InteractionData(created_by_id=current_user.id))
        if values.get("followup"):
            followup = values["followup"]
            data.followup = services.FollowUpData(
                description=followup["description"],
                owner_id=followup.get("owner_id") or current_user.id,
                due_on=followup["due_on"],
            )
            _check_owner(data.followup.owner_id, "followup")
        try:
            interaction = services.log_interaction(data)
        except ValidationError as error:
            invalid(_interaction_errors(error))
        return _found(interaction.id)


@blp.route("/interactions/<int(max=2147483647):interaction_id>")
class InteractionItem(MethodView):
    """One interaction."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, InteractionSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such interaction for you.")
    @_alt_responses("401")
    def get(self, interaction_id: int) -> Interaction:
        """Read an interaction (a confidential one is not found for coordinators)."""
        return _found(interaction_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(InteractionPatchSchema)
    @blp.response(200, InteractionSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such interaction.")
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "422")
    def patch(self, values: dict[str, Any], interaction_id: int) -> Any:
        """Change some values of an interaction (staff), given the version you read."""
        interaction = _found(interaction_id)
        data = _interaction_data(values, services.data_of(interaction))
        conflict = versioned_patch(
            lambda: services.update_interaction(interaction, data, values["version"]),
            "Someone else changed this interaction since your version; nothing was saved.",
            INTERACTION_ERRORS,
        )
        return conflict or _found(interaction_id)


# --- Follow-ups ---


class FollowUpSchema(Schema):
    """A follow-up as the API sends it."""

    id = fields.Integer(required=True)
    description = fields.String(required=True)
    owner = fields.Function(
        lambda f: {"id": f.owner.id, "name": f.owner.display_name},
        metadata={**NAMED, "description": "Who follows up"},
    )
    due_on = fields.Date(required=True)
    done = fields.Function(lambda f: f.done_at is not None, metadata={"type": "boolean"})
    done_at = fields.DateTime(allow_none=True)
    interaction = fields.Function(
        lambda f: (
            {"id": f.interaction.id, "subject": f.interaction.subject} if f.interaction else None
        ),
        allow_none=True,
        metadata={
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "subject": {"type": "string"}},
            "description": "The interaction it is about",
        },
    )
    dialogue = fields.Function(
        lambda f: {"id": f.dialogue.id, "name": f.dialogue.title} if f.dialogue else None,
        allow_none=True,
        metadata={**NAMED, "nullable": True, "description": "The dialogue it is about"},
    )
    state = fields.Function(
        lambda f: f.state.iso3 if f.state else None,
        allow_none=True,
        metadata={"type": "string", "description": "ISO3 code of the State it is about"},
    )
    created_at = fields.DateTime()


class FollowUpListArgsSchema(PageArgsSchema):
    """Whose follow-ups, and which."""

    class Meta:
        unknown = EXCLUDE

    owner = fields.String(
        load_default="me",
        validate=validate.OneOf(["me", "all"]),
        metadata={"description": "me (default) or all: the whole team's"},
    )
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "done", "all"]))


class FollowUpInputSchema(Schema):
    """A new follow-up; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    description = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NO_NUL])
    owner_id = _id(allow_none=True, metadata={"description": "An active staff user; default: you"})
    due_on = fields.Date(required=True)
    interaction_id = _id(allow_none=True, metadata={"description": "The interaction it is about"})
    dialogue_id = _id(allow_none=True, metadata={"description": "The dialogue it is about"})
    state = fields.String(
        allow_none=True,
        validate=[validate.Length(max=3), NO_NUL],
        metadata={"description": "ISO3 code of the State it is about"},
    )


class FollowUpPatchSchema(Schema):
    """What may change in a follow-up."""

    class Meta:
        unknown = EXCLUDE

    description = fields.String(validate=[validate.Length(min=1, max=2000), NO_NUL])
    owner_id = _id(metadata={"description": "An active staff user"})
    due_on = fields.Date()
    done = fields.Boolean(metadata={"description": "true marks it done, false opens it again"})


FollowUpPageSchema = page_schema(FollowUpSchema, "FollowUpPage")

FOLLOWUP_ERRORS = {
    "followup_description": "description",
    "followup_owner": "owner_id",
    "followup_due_on": "due_on",
    "state_id": "state",
}


def _staff_only() -> None:
    """Follow-ups are the ISU's own work: coordinators may not read them either."""
    if not current_user.is_staff:
        abort(403, message="Follow-ups are for ISU staff.")


def _check_owner(owner_id: int | None, field: str) -> None:
    """An owner must be an active staff member or administrator."""
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active or owner.role not in (Role.STAFF, Role.ADMIN):
        invalid({field: "Choose an active ISU staff member."})


def _followup(followup_id: int) -> FollowUp:
    followup = services.get_followup(followup_id, current_user)
    if followup is None:
        abort(404)
    return followup


def _followup_invalid(error: ValidationError) -> None:
    invalid({FOLLOWUP_ERRORS.get(k, k): v for k, v in error.errors.items()})


@blp.route("/followups")
class FollowUpCollection(MethodView):
    """Follow-ups (staff only)."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(FollowUpListArgsSchema, location="query")
    @blp.response(200, FollowUpPageSchema)
    @_alt_responses("401", "403", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List your follow-ups (or, with owner=all, the team's), soonest due first."""
        _staff_only()
        page = services.find_followups(
            current_user, args["owner"] == "all", args["status"], args["page"], args["per_page"]
        )
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(FollowUpInputSchema)
    @blp.response(201, FollowUpSchema)
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> FollowUp:
        """Add a follow-up about an interaction, a dialogue or a State (staff)."""
        _staff_only()
        owner_id = values.get("owner_id") or current_user.id
        _check_owner(owner_id, "owner_id")
        state_id = _state_ids([values["state"]], "state")[0] if values.get("state") else None
        data = services.FollowUpData(
            description=values["description"],
            owner_id=owner_id,
            due_on=values["due_on"],
            interaction_id=values.get("interaction_id"),
            dialogue_id=values.get("dialogue_id"),
            state_id=state_id,
        )
        try:
            followup = services.create_followup(data, created_by_id=current_user.id)
        except ValidationError as error:
            _followup_invalid(error)
        return _followup(followup.id)


@blp.route("/followups/<int(max=2147483647):followup_id>")
class FollowUpItem(MethodView):
    """One follow-up (staff only)."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, FollowUpSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such follow-up.")
    @_alt_responses("401", "403")
    def get(self, followup_id: int) -> FollowUp:
        """Read a follow-up."""
        _staff_only()
        return _followup(followup_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(FollowUpPatchSchema)
    @blp.response(200, FollowUpSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such follow-up.")
    @_alt_responses("401", "403", "422")
    def patch(self, values: dict[str, Any], followup_id: int) -> FollowUp:
        """Mark a follow-up done or open, or change its description, owner or due date."""
        _staff_only()
        followup = _followup(followup_id)
        if "owner_id" in values:
            _check_owner(values["owner_id"], "owner_id")
        changes = {k: values[k] for k in ("description", "owner_id", "due_on") if k in values}
        try:
            services.update_followup(followup, done=values.get("done"), **changes)
        except ValidationError as error:
            _followup_invalid(error)
        return _followup(followup_id)
