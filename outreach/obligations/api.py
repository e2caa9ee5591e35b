"""/api/v1/obligations and /api/v1/article7-reports: Article 3 and 4 deadlines with their
extension requests, and the Article 7 reports due and received."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import (
    NO_NUL,
    ConflictSchema,
    PageArgsSchema,
    conflict_response,
    error_answers,
    invalid,
    page_schema,
    text_arg,
    versioned_patch,
)
from outreach.directory.errors import ConflictError, ValidationError
from outreach.obligations import services
from outreach.obligations.models import (
    ExtensionStatus,
    Obligation,
    ObligationStatus,
    ReportKind,
)
from outreach.organisations.services import state_by_iso3

blp = token_blueprint(
    "obligations_api",
    __name__,
    "Obligations: Article 3 and 4 deadlines, extension requests and Article 7 reports",
)

STATUSES = [s.value for s in ObligationStatus]
EXTENSION_STATUSES = [s.value for s in ExtensionStatus]
KINDS = [k.value for k in ReportKind]
MAX_ID = 2147483647


class ExtensionRequestSchema(Schema):
    """An extension request and its decision."""

    id = fields.Integer(required=True)
    submitted_on = fields.Date(allow_none=True)
    requested_deadline = fields.Date(allow_none=True)
    status = fields.Enum(ExtensionStatus, by_value=True, required=True)
    decided_at_meeting = fields.String(metadata={"description": "Such as 13MSP or 2RC"})
    decided_on = fields.Date(allow_none=True)
    new_deadline = fields.Date(allow_none=True)
    notes = fields.String()
    version = fields.Integer(required=True)


class ObligationSchema(Schema):
    """An Article 3 or 4 obligation."""

    id = fields.Integer(required=True)
    iso3 = fields.Function(lambda o: o.state.iso3, metadata={"type": "string"})
    state_name = fields.Function(lambda o: o.state.name, metadata={"type": "string"})
    article = fields.Integer(required=True, metadata={"description": "3 or 4"})
    title = fields.String()
    area = fields.String(attribute="area_slug", metadata={"description": "Its dialogue's area"})
    original_deadline = fields.Date(allow_none=True)
    extended_deadline = fields.Date(allow_none=True)
    deadline = fields.Date(allow_none=True, metadata={"description": "The deadline in force"})
    status = fields.Enum(ObligationStatus, by_value=True, required=True)
    completed_on = fields.Date(allow_none=True)
    source = fields.String()
    notes = fields.String()
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a PATCH to change the record"}
    )


class ObligationDetailSchema(ObligationSchema):
    """An obligation with its extension requests, newest first."""

    extension_requests = fields.List(fields.Nested(ExtensionRequestSchema))


class ObligationListArgsSchema(PageArgsSchema):
    """The filters of the obligations list."""

    class Meta:
        unknown = EXCLUDE

    article = fields.Integer(validate=validate.OneOf([3, 4]))
    status = fields.String(validate=validate.OneOf(STATUSES))
    iso3 = text_arg(3)
    region = text_arg(60)
    due_within_months = fields.Integer(
        validate=validate.Range(min=0, max=600),
        metadata={"description": "Not completed, deadline in force within N months or passed"},
    )


def _text(limit: int) -> fields.String:
    return fields.String(allow_none=True, validate=[validate.Length(max=limit), NO_NUL])


class ObligationPatchSchema(Schema):
    """The values to change, with the version the client last read; null clears a value."""

    class Meta:
        unknown = EXCLUDE

    original_deadline = fields.Date(allow_none=True)
    extended_deadline = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    completed_on = fields.Date(allow_none=True)
    source = _text(5000)
    notes = _text(20000)
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The record's version when the client read it"},
    )


class ExtensionInputSchema(Schema):
    """A new extension request; a granted one sets the obligation's extended deadline."""

    class Meta:
        unknown = EXCLUDE

    submitted_on = fields.Date(required=True)
    requested_deadline = fields.Date(allow_none=True)
    status = fields.String(
        load_default=ExtensionStatus.SUBMITTED.value, validate=validate.OneOf(EXTENSION_STATUSES)
    )
    decided_at_meeting = _text(60)
    decided_on = fields.Date(allow_none=True)
    new_deadline = fields.Date(allow_none=True)
    notes = _text(20000)


class ReportSchema(Schema):
    """An Article 7 report due (or recorded), and when it was received."""

    iso3 = fields.Function(lambda r: r.state.iso3, metadata={"type": "string"})
    state_name = fields.Function(lambda r: r.state.name, metadata={"type": "string"})
    kind = fields.Enum(ReportKind, by_value=True, required=True)
    year = fields.Integer(
        metadata={"description": "Annual: the year covered; initial: the year it was due"}
    )
    due_on = fields.Date()
    received_on = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    notes = fields.Function(
        lambda r: r.report.notes if r.report else "", metadata={"type": "string"}
    )
    version = fields.Function(
        lambda r: r.report.version if r.report else None,
        metadata={"type": "integer", "nullable": True},
    )


class ReportListArgsSchema(PageArgsSchema):
    """The filters of the Article 7 reports list."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(
        validate=validate.Range(min=1990, max=2200), metadata={"description": "The year due"}
    )
    iso3 = text_arg(3)
    overdue = fields.Boolean()


class ReportInputSchema(Schema):
    """A report received; sending one already recorded corrects it (give its version)."""

    class Meta:
        unknown = EXCLUDE

    iso3 = fields.String(required=True, validate=[validate.Length(equal=3), NO_NUL])
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    year = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1990, max=2200),
        metadata={"description": "The year an annual report covers; ignored for the initial one"},
    )
    received_on = fields.Date(required=True)
    notes = _text(20000)
    version = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "When correcting a recorded report: the version you read"},
    )


ObligationPageSchema = page_schema(ObligationSchema, "ObligationPage")
ReportPageSchema = page_schema(ReportSchema, "Article7ReportPage")

ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read.",
    "404": "No such record.",
    "422": "Invalid values, with a message per field.",
}


_alt_responses = error_answers(blp, ERROR_ANSWERS)


def _found(obligation_id: int) -> Obligation:
    obligation = services.get_obligation(obligation_id)
    if obligation is None:
        abort(404)
    return obligation


def _page(items: list[Any], args: dict[str, Any]) -> dict[str, Any]:
    start = (args["page"] - 1) * args["per_page"]
    return {
        "items": items[start : start + args["per_page"]],
        "total": len(items),
        "page": args["page"],
        "per_page": args["per_page"],
    }


@blp.route("/obligations")
class ObligationCollection(MethodView):
    """Article 3 and 4 obligations."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ObligationListArgsSchema, location="query")
    @blp.response(200, ObligationPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List obligations by State, filtered like the obligations page."""
        filters = services.ObligationFilters(
            article=args.get("article"),
            status=ObligationStatus(args["status"]) if args.get("status") else None,
            region=args.get("region"),
            iso3=args.get("iso3"),
            due_within_months=args.get("due_within_months"),
        )
        return _page(services.find_obligations(filters), args)


@blp.route(f"/obligations/<int(max={MAX_ID}):obligation_id>")
class ObligationItem(MethodView):
    """One obligation."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, ObligationDetailSchema)
    @_alt_responses("401", "404")
    def get(self, obligation_id: int) -> Obligation:
        """Read an obligation with its extension requests."""
        return _found(obligation_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ObligationPatchSchema)
    @blp.response(200, ObligationDetailSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "404", "422")
    def patch(self, values: dict[str, Any], obligation_id: int) -> Any:
        """Correct or complete an obligation (staff), given the version you read."""
        obligation = _found(obligation_id)
        current = {
            "original_deadline": obligation.original_deadline,
            "extended_deadline": obligation.extended_deadline,
            "status": obligation.status.value,
            "completed_on": obligation.completed_on,
            "source": obligation.source,
            "notes": obligation.notes,
        }
        current.update({name: value for name, value in values.items() if name in current})
        current["source"] = current["source"] or ""
        current["notes"] = current["notes"] or ""
        data = services.ObligationData(**current)
        conflict = versioned_patch(
            lambda: services.update_obligation(obligation, data, values["version"]),
            "Someone else changed this obligation since your version; nothing was saved.",
        )
        return conflict or _found(obligation_id)


@blp.route(f"/obligations/<int(max={MAX_ID}):obligation_id>/extension-requests")
class ExtensionCollection(MethodView):
    """An obligation's extension requests."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ExtensionInputSchema)
    @blp.response(201, ObligationDetailSchema)
    @_alt_responses("401", "403", "404", "422")
    def post(self, values: dict[str, Any], obligation_id: int) -> Obligation:
        """Record an extension request (staff); a granted one extends the deadline in force.
        Answers the obligation, with the request among its extension requests."""
        obligation = _found(obligation_id)
        data = services.ExtensionData(
            submitted_on=values["submitted_on"],
            requested_deadline=values.get("requested_deadline"),
            status=values["status"],
            decided_at_meeting=values.get("decided_at_meeting") or "",
            decided_on=values.get("decided_on"),
            new_deadline=values.get("new_deadline"),
            notes=values.get("notes") or "",
        )
        try:
            services.add_extension_request(obligation, data)
        except ValidationError as error:
            invalid(error.errors)
        return _found(obligation_id)


@blp.route("/article7-reports")
class ReportCollection(MethodView):
    """Article 7 transparency reports."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ReportListArgsSchema, location="query")
    @blp.response(200, ReportPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The reports due from each State Party up to today (from the tracked year on) and
        any recorded as received, newest due first."""
        reports = services.all_expected_reports()
        if args.get("year") is not None:
            reports = [r for r in reports if r.due_on.year == args["year"]]
        if args.get("iso3"):
            reports = [r for r in reports if r.state.iso3 == args["iso3"].upper()]
        if args.get("overdue") is not None:
            reports = [r for r in reports if r.overdue == args["overdue"]]
        return _page(reports, args)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ReportInputSchema)
    @blp.response(201, ReportSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> Any:
        """Record an Article 7 report received (staff)."""
        state = state_by_iso3(values["iso3"])
        if state is None:
            abort(422, messages={"json": {"iso3": [f"No State has the code {values['iso3']!r}."]}})
        data = services.ReportData(
            kind=values["kind"],
            year=values.get("year"),
            received_on=values["received_on"],
            notes=values.get("notes") or "",
        )
        try:
            report = services.record_report(state, data, values.get("version"))
        except ValidationError as error:
            invalid(error.errors)
        except ConflictError as error:
            return conflict_response(
                error, "Someone else changed this report since your version; nothing was saved."
            )
        today = dt.date.today()
        return services.DueReport(state, report.kind, report.year, report.due_on, report, today)
