"""/api/v1/engagements: the engagement stage of each signatory and State not party, its history,
moves to another stage and deposits of instruments (staff)."""

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
    conflict_response,
    error_answers,
    page_schema,
    text_arg,
)
from outreach.directory import services as directory
from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db
from outreach.reference.models import CcmStatus, ConsentType, State
from outreach.universalization import services
from outreach.universalization.models import Stage, StageEvent

blp = token_blueprint(
    "universalization_api",
    __name__,
    "Universalization: engagement stages of signatories and States not party",
)

STAGES = [stage.value for stage in Stage]
STATUSES = [status.value for status in CcmStatus]
MAX_VERSION = 2**31 - 1
VERSION_HELP = "The engagement's version when you read it; 0 when no stage was recorded yet"


class EngagementSchema(Schema):
    """A State's engagement stage, since when and for how long."""

    iso3 = fields.String(required=True, metadata={"description": "ISO 3166 alpha-3 code"})
    name = fields.String(required=True)
    region = fields.String(allow_none=True, metadata={"description": "UN M49 region"})
    ccm_status = fields.Enum(CcmStatus, by_value=True, required=True)
    stage = fields.Enum(
        Stage, by_value=True, allow_none=True, metadata={"description": "null for a State Party"}
    )
    stage_label = fields.String(allow_none=True)
    recorded = fields.Boolean(
        required=True, metadata={"description": "false: no stage recorded yet (no contact)"}
    )
    since = fields.Date(allow_none=True, metadata={"description": "The day it reached its stage"})
    days_in_stage = fields.Integer(allow_none=True)
    version = fields.Integer(required=True, metadata={"description": VERSION_HELP})


class StageEventSchema(Schema):
    """One move from a stage to another."""

    at = fields.DateTime(required=True, metadata={"description": "When it was recorded (UTC)"})
    old_stage = fields.Enum(Stage, by_value=True, allow_none=True)
    new_stage = fields.Enum(Stage, by_value=True, required=True)
    since = fields.Date(required=True)
    note = fields.String()
    by = fields.Function(
        lambda e: e.user.display_name if e.user else e.actor_label,
        metadata={"type": "string", "description": "Who recorded it"},
    )


class EngagementDetailSchema(EngagementSchema):
    """A State's engagement with its treaty dates and the history of its stages, newest first."""

    movable = fields.Boolean(
        required=True, metadata={"description": "Whether its stage can be moved (not a Party)"}
    )
    consent_date = fields.Date(allow_none=True)
    entry_into_force_date = fields.Date(allow_none=True)
    history = fields.List(fields.Nested(StageEventSchema), required=True)


class EngagementListArgsSchema(PageArgsSchema):
    """The filters of the engagements list."""

    class Meta:
        unknown = EXCLUDE

    stage = fields.String(validate=validate.OneOf(STAGES))
    region = text_arg(60)
    ccm_status = fields.String(validate=validate.OneOf(STATUSES))


def _version_field(required: bool) -> fields.Integer:
    return fields.Integer(
        required=required,
        validate=validate.Range(min=0, max=MAX_VERSION),
        metadata={"description": VERSION_HELP},
    )


def _note_field() -> fields.String:
    return fields.String(load_default="", validate=[validate.Length(max=services.NOTE_MAX), NO_NUL])


class MoveSchema(Schema):
    """A move to another stage; "instrument_deposited" goes through the deposits operation."""

    class Meta:
        unknown = EXCLUDE

    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    since = fields.Date(load_default=None, metadata={"description": "Today when left out"})
    note = _note_field()
    version = _version_field(required=True)


class DepositSchema(Schema):
    """A deposited instrument: the State becomes a State Party (entry into force, Article 17)."""

    class Meta:
        unknown = EXCLUDE

    consent_date = fields.Date(required=True)
    consent_type = fields.String(
        required=True,
        validate=validate.OneOf([kind.value for kind in ConsentType]),
        metadata={"description": "accession for a State that never signed"},
    )
    source = fields.String(
        required=True, validate=[validate.Length(min=1, max=services.SOURCE_MAX), NO_NUL]
    )
    note = _note_field()
    version = _version_field(required=False)


EngagementPageSchema = page_schema(EngagementSchema, "EngagementPage")

ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read.",
    "404": "No such State.",
    "422": "Invalid values, with a message per field.",
}


_alt_responses = error_answers(blp, ERROR_ANSWERS)


def _entry(entry: services.BoardEntry) -> dict[str, Any]:
    return {
        "iso3": entry.state.iso3,
        "name": entry.state.name,
        "region": entry.state.region,
        "ccm_status": entry.state.ccm_status,
        "stage": entry.stage,
        "stage_label": entry.stage.label,
        "recorded": entry.recorded,
        "since": entry.since,
        "days_in_stage": entry.days,
        "version": entry.version,
    }


def _state(iso3: str) -> State:
    # Only a code can name a State (a NUL byte would fail on PostgreSQL).
    state = directory.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
    if state is None:
        abort(404, message="No such State.")
    return state


def _detail(state: State) -> dict[str, Any]:
    engagement = services.engagement_of(state)
    movable = state.ccm_status in services.ENGAGED_STATUSES
    stage = engagement.stage if engagement else Stage.NO_CONTACT if movable else None
    since = engagement.since if engagement else None
    history: list[StageEvent] = services.stage_history(state)
    return {
        "iso3": state.iso3,
        "name": state.name,
        "region": state.region,
        "ccm_status": state.ccm_status,
        "stage": stage,
        "stage_label": stage.label if stage else None,
        "recorded": engagement is not None,
        "since": since,
        "days_in_stage": (dt.date.today() - since).days if since else None,
        "version": engagement.version if engagement else 0,
        "movable": movable,
        "consent_date": state.consent_date,
        "entry_into_force_date": state.entry_into_force_date,
        "history": history,
    }


def _invalid(error: ValidationError) -> None:
    db.session.rollback()
    abort(422, messages={"json": {name: [message] for name, message in error.errors.items()}})


def _conflict(error: ConflictError) -> Any:
    return conflict_response(
        error, "Someone else moved this State since your version; nothing was saved."
    )


@blp.route("/engagements")
class EngagementCollection(MethodView):
    """Engagement stages."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(EngagementListArgsSchema, location="query")
    @blp.response(200, EngagementPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the signatories, States not party and withdrawn States with their stage (and
        the States Parties that joined through a deposit recorded here, for a year), by name."""
        filters = services.BoardFilters(
            region=args.get("region") or None,
            status=CcmStatus(args["ccm_status"]) if args.get("ccm_status") else None,
            stage=Stage(args["stage"]) if args.get("stage") else None,
        )
        entries = services.board_entries(filters)
        start = (args["page"] - 1) * args["per_page"]
        return {
            "items": [_entry(e) for e in entries[start : start + args["per_page"]]],
            "total": len(entries),
            "page": args["page"],
            "per_page": args["per_page"],
        }


@blp.route("/engagements/<iso3>")
class EngagementItem(MethodView):
    """One State's engagement."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, EngagementDetailSchema)
    @_alt_responses("401", "404")
    def get(self, iso3: str) -> dict[str, Any]:
        """Read a State's stage and its history."""
        return _detail(_state(iso3))


@blp.route("/engagements/<iso3>/moves")
class EngagementMoves(MethodView):
    """Moves of a State to another stage."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(MoveSchema)
    @blp.response(201, EngagementDetailSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Moved since your version.")
    @_alt_responses("401", "403", "404", "422")
    def post(self, values: dict[str, Any], iso3: str) -> Any:
        """Move a signatory, State not party or withdrawn State to another stage (staff)."""
        state = _state(iso3)
        try:
            services.move_stage(
                state,
                values["stage"],
                values.get("since"),
                values.get("note", ""),
                current_user,
                expected_version=values["version"],
            )
        except ValidationError as error:
            _invalid(error)
        except ConflictError as error:
            return _conflict(error)
        return _detail(state)


@blp.route("/engagements/<iso3>/deposits")
class EngagementDeposits(MethodView):
    """Deposits of an instrument of ratification, acceptance, approval or accession."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(DepositSchema)
    @blp.response(201, EngagementDetailSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Moved since your version.")
    @_alt_responses("401", "403", "404", "422")
    def post(self, values: dict[str, Any], iso3: str) -> Any:
        """Record a deposit (staff): the State moves to "instrument_deposited" and becomes a
        State Party, in force on the first day of the sixth month after the deposit."""
        state = _state(iso3)
        deposit = services.Deposit(
            consent_date=values["consent_date"],
            consent_type=values["consent_type"],
            source=values["source"],
            note=values.get("note", ""),
        )
        try:
            services.record_deposit(
                state, deposit, current_user, expected_version=values.get("version")
            )
        except ValidationError as error:
            _invalid(error)
        except ConflictError as error:
            return _conflict(error)
        return _detail(state)
