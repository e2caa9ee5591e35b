"""/api/v1/states and /api/v1/states/{iso3} (bearer token), and /api/v1/public/states (open to
the CCM website)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from outreach.api.auth import BEARER_SECURITY, public_blueprint, token_blueprint
from outreach.api.schemas import ErrorSchema, PageArgsSchema, page_schema, text_arg
from outreach.directory import services
from outreach.directory.services import STATE_SORTS, StateFilters
from outreach.extensions import db
from outreach.organisations.services import state_directory
from outreach.reference.models import CcmStatus, ConsentType
from outreach.reference.services import manifest

blp = token_blueprint("states", __name__, "States and their treaty status")
public_blp = public_blueprint("public_states", __name__, "Public treaty status of every State")


class PublicStateSchema(Schema):
    """The public treaty facts of a State."""

    iso3 = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(allow_none=True)
    ccm_status = fields.Enum(CcmStatus, by_value=True, required=True)
    signature_date = fields.Date(allow_none=True)
    consent_date = fields.Date(allow_none=True)
    consent_type = fields.Enum(ConsentType, by_value=True, allow_none=True)
    entry_into_force_date = fields.Date(allow_none=True)
    withdrawal_date = fields.Date(allow_none=True)


class StateSchema(PublicStateSchema):
    """A State as signed-in users see it."""

    iso2 = fields.String(allow_none=True)
    m49_code = fields.String(allow_none=True)
    sub_region = fields.String(allow_none=True)
    intermediate_region = fields.String(allow_none=True)
    source = fields.String()


class StateListArgsSchema(PageArgsSchema):
    """The filters of the States list."""

    status = fields.String(validate=validate.OneOf([s.value for s in CcmStatus]))
    region = text_arg(60)
    q = text_arg(100)
    sort = fields.String(load_default="name", validate=validate.OneOf(list(STATE_SORTS)))
    descending = fields.Boolean(load_default=False)


class StateOrganisationSchema(Schema):
    """An organisation of the State, by id and name (GET /api/v1/organisations/{id} for more)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class StateDetailSchema(StateSchema):
    """A State with its treaty facts and its organisations (archived ones left out)."""

    organisations = fields.List(fields.Nested(StateOrganisationSchema), required=True)


StatePageSchema = page_schema(StateSchema, "StatePage")
PublicStatePageSchema = page_schema(PublicStateSchema, "PublicStatePage")


class PublicStateListSchema(PublicStatePageSchema):  # type: ignore[misc,valid-type]
    """Every State, with the date the facts are current to."""

    as_of = fields.String(required=True)


@blp.route("/states")
class StateCollection(MethodView):
    """States with their treaty status."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(StateListArgsSchema, location="query")
    @blp.response(200, StatePageSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid bearer token.")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List States, filtered like the States page."""
        filters = StateFilters(
            status=CcmStatus(args["status"]) if args.get("status") else None,
            region=args.get("region"),
            q=args.get("q"),
            sort=args["sort"],
            descending=args["descending"],
        )
        page = db.paginate(
            services.states_query(filters),
            page=args["page"],
            per_page=args["per_page"],
            error_out=False,
        )
        return {
            "items": page.items,
            "total": page.total,
            "page": args["page"],
            "per_page": args["per_page"],
        }


@blp.route("/states/<iso3>")
class StateItem(MethodView):
    """One State."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, StateDetailSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid bearer token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No State has this code.")
    def get(self, iso3: str) -> dict[str, Any]:
        """Read a State by its ISO 3166 alpha-3 code, with its organisations."""
        state = services.get_state(iso3) if len(iso3) == 3 and iso3.isalpha() else None
        if state is None:
            abort(404)
        directory = state_directory(state)
        organisations = [*directory.missions, *directory.others]
        return {
            **{name: getattr(state, name) for name in StateSchema().fields},
            "organisations": [
                {"id": o.id, "name": o.name, "kind": o.kind.value} for o in organisations
            ],
        }


@public_blp.route("/states")
class PublicStateCollection(MethodView):
    """Every State's treaty status, for the CCM website."""

    @public_blp.response(200, PublicStateListSchema)
    def get(self) -> Any:
        """List all 197 States with their status and dates (no sign-in)."""
        states = services.find_states(StateFilters())
        return {
            "as_of": manifest()["as_of"],
            "items": states,
            "total": len(states),
            "page": 1,
            "per_page": len(states),
        }


@public_blp.after_request
def _cacheable(response: Response) -> Response:
    """Public facts may be cached and read from any site."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
