"""/api/v1/organisations: list, read, create, change (with the record's version) and archive."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, missing, validate

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import (
    ConflictSchema,
    ErrorSchema,
    PageArgsSchema,
    error_answers,
    invalid,
    page_schema,
    versioned_patch,
)
from outreach.directory.errors import ValidationError
from outreach.directory.models import Organisation, OrganisationKind
from outreach.directory.tags import split_labels
from outreach.organisations import services
from outreach.reference.models import CcmStatus

blp = token_blueprint(
    "organisations_api",
    __name__,
    "Organisations: missions, ministries, authorities, NGOs and international organisations",
)

KINDS = [kind.value for kind in OrganisationKind]
STAFF_ONLY = "Staff only: never sent to coordinators."


class OrganisationSchema(Schema):
    """An organisation as the API sends it."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    acronym = fields.String(allow_none=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    state = fields.Function(
        lambda o: o.state.iso3 if o.state else None,
        allow_none=True,
        metadata={"description": "ISO 3166 alpha-3 code of its State"},
    )
    state_name = fields.Function(lambda o: o.state.name if o.state else None, allow_none=True)
    address = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    tags = fields.Function(
        lambda o: services.tag_names(o.tags),
        metadata={"type": "array", "items": {"type": "string"}},
    )
    notes = fields.String(metadata={"description": STAFF_ONLY})
    archived = fields.Function(lambda o: o.archived_at is not None, metadata={"type": "boolean"})
    archived_at = fields.DateTime(allow_none=True)
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a PATCH to change the record"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """The notes are never even read for a reader who may not see them."""
        if attr == "notes" and not current_user.is_staff:
            return missing
        return super().get_attribute(obj, attr, default)


def _text(limit: int, **options: Any) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=limit), **options)


class OrganisationInputSchema(Schema):
    """The values a client may set; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    acronym = _text(40)
    state = _text(3, metadata={"description": "ISO 3166 alpha-3 code; null for none"})
    address = _text(2000)
    email = _text(254)
    phone = _text(40)
    website = _text(500, metadata={"description": "http:// or https:// only"})
    tags = fields.List(
        fields.String(validate=validate.Length(max=60)),
        allow_none=True,
        validate=validate.Length(max=50),
    )
    notes = _text(20000, metadata={"description": STAFF_ONLY})


class OrganisationPatchSchema(OrganisationInputSchema):
    """The values to change, with the version the client last read."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(validate=validate.Length(min=1, max=300))
    kind = fields.String(validate=validate.OneOf(KINDS))
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The record's version when the client read it"},
    )


class OrganisationListArgsSchema(PageArgsSchema):
    """The filters of the organisations list."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(validate=validate.Length(max=100))
    kind = fields.String(validate=validate.OneOf(KINDS))
    state = fields.String(validate=validate.Length(max=3))
    status = fields.String(validate=validate.OneOf([s.value for s in CcmStatus]))
    region = fields.String(validate=validate.Length(max=60))
    tag = fields.String(validate=validate.Length(max=60))
    include_archived = fields.Boolean(load_default=False)
    sort = fields.String(
        load_default="name", validate=validate.OneOf(list(services.ORGANISATION_SORTS))
    )
    descending = fields.Boolean(load_default=False)


OrganisationPageSchema = page_schema(OrganisationSchema, "OrganisationPage")

# The documented error answers (bodies as ErrorSchema).
ERROR_ANSWERS = {
    "401": "No valid bearer token.",
    "403": "Coordinators may only read.",
    "422": "Invalid values, with a message per field.",
}


def _found(organisation_id: int) -> Organisation:
    organisation = services.get_organisation(
        organisation_id, include_notes=bool(current_user.is_staff)
    )
    if organisation is None:
        abort(404)
    return organisation


def _data(values: dict[str, Any], base: services.OrganisationData) -> services.OrganisationData:
    """The sent values over `base`; null clears a field."""
    merged = vars(base).copy()
    for name in ("name", "kind", "acronym", "address", "email", "phone", "website", "notes"):
        if name in values:
            merged[name] = values[name] or ""
    if "state" in values:
        merged["state_iso3"] = values["state"] or ""
    if "tags" in values:
        merged["tags"] = split_labels("\n".join(values["tags"] or []))
    return services.OrganisationData(**merged)


_alt_responses = error_answers(blp, ERROR_ANSWERS)


@blp.route("/organisations")
class OrganisationCollection(MethodView):
    """Organisations."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(OrganisationListArgsSchema, location="query")
    @blp.response(200, OrganisationPageSchema)
    @_alt_responses("401", "422")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List organisations, filtered like the organisations page."""
        filters = services.OrganisationFilters(
            q=args.get("q"),
            kind=OrganisationKind(args["kind"]) if args.get("kind") else None,
            state_iso3=args.get("state"),
            status=CcmStatus(args["status"]) if args.get("status") else None,
            region=args.get("region"),
            tag=args.get("tag"),
            include_archived=args["include_archived"],
            sort=args["sort"],
            descending=args["descending"],
        )
        page = services.find_organisations(
            filters, args["page"], args["per_page"], include_notes=current_user.is_staff
        )
        return {
            "items": page.items,
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(OrganisationInputSchema)
    @blp.response(201, OrganisationSchema)
    @_alt_responses("401", "403", "422")
    def post(self, values: dict[str, Any]) -> Organisation:
        """Create an organisation (staff)."""
        base = services.OrganisationData(name="", kind="")
        try:
            organisation = services.create_organisation(_data(values, base))
        except ValidationError as error:
            invalid(error.errors)
        return _found(organisation.id)


@blp.route("/organisations/<int(max=2147483647):organisation_id>")
class OrganisationItem(MethodView):
    """One organisation."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, OrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such organisation.")
    @_alt_responses("401")
    def get(self, organisation_id: int) -> Organisation:
        """Read an organisation."""
        return _found(organisation_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(OrganisationPatchSchema)
    @blp.response(200, OrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such organisation.")
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since your version.")
    @_alt_responses("401", "403", "422")
    def patch(self, values: dict[str, Any], organisation_id: int) -> Any:
        """Change some values of an organisation (staff), given the version you read."""
        organisation = _found(organisation_id)
        data = _data(values, services.data_of(organisation))
        conflict = versioned_patch(
            lambda: services.update_organisation(organisation, data, values["version"]),
            "Someone else changed this organisation since your version; nothing was saved.",
        )
        return conflict or _found(organisation_id)

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, OrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such organisation.")
    @_alt_responses("401", "403")
    def delete(self, organisation_id: int) -> Organisation:
        """Archive an organisation (staff); it is kept and can be restored."""
        organisation = _found(organisation_id)
        if organisation.archived_at is None:
            services.set_archived(organisation, True)
        return _found(organisation_id)
