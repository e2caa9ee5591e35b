"""/api/v1/contacts: list, read, create, update (with the record's version) and archive."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate

from outreach.api.auth import BEARER_SECURITY, token_blueprint
from outreach.api.schemas import (
    ConflictSchema,
    ErrorSchema,
    PageArgsSchema,
    invalid,
    page_schema,
    versioned_patch,
)
from outreach.contacts import services
from outreach.contacts.services import ContactData, ContactFilters, PostingData
from outreach.directory.errors import ValidationError
from outreach.directory.models import LANGUAGES, Contact, OrganisationKind
from outreach.directory.search import fold
from outreach.reference.models import CcmStatus

blp = token_blueprint("contacts_api", __name__, "Contacts: people, their postings and expertise")

MAX_ITEMS = 50


class PostingSchema(Schema):
    """A position a contact holds or held at an organisation."""

    id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    organisation = fields.String(required=True)
    position = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    focal_point = fields.Boolean()
    current = fields.Boolean()


class ContactSchema(Schema):
    """A contact as the API gives it; `notes` only to ISU staff."""

    id = fields.Integer(required=True)
    honorific = fields.String()
    first_name = fields.String()
    last_name = fields.String(required=True)
    emails = fields.List(fields.String())
    phones = fields.List(fields.String(), metadata={"description": "E.164"})
    preferred_language = fields.String()
    do_not_email = fields.Boolean()
    do_not_email_reason = fields.String()
    do_not_email_since = fields.Date(allow_none=True)
    tags = fields.List(fields.String())
    areas = fields.List(fields.String(), metadata={"description": "Thematic area slugs"})
    keywords = fields.List(fields.String())
    postings = fields.List(fields.Nested(PostingSchema))
    notes = fields.String(metadata={"description": "Staff only; never sent to coordinators."})
    archived = fields.Boolean()
    erased = fields.Boolean()
    merged_into_id = fields.Integer(allow_none=True)
    version = fields.Integer(required=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


ContactPageSchema = page_schema(ContactSchema, "ContactPage")


class ContactListArgsSchema(PageArgsSchema):
    """The filters of the contacts list."""

    q = fields.String(validate=validate.Length(max=100))
    status = fields.String(validate=validate.OneOf([s.value for s in CcmStatus]))
    region = fields.String(validate=validate.Length(max=60))
    kind = fields.String(validate=validate.OneOf([k.value for k in OrganisationKind]))
    tag = fields.String(validate=validate.Length(max=60))
    language = fields.String(validate=validate.OneOf(list(LANGUAGES)))
    area = fields.String(validate=validate.Length(max=60))
    do_not_email = fields.Boolean()
    include_archived = fields.Boolean(load_default=False)
    sort = fields.String(
        load_default="last_name", validate=validate.OneOf(list(services.CONTACT_SORTS))
    )
    descending = fields.Boolean(load_default=False)


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _texts(max_length: int) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(max=max_length)),
        validate=validate.Length(max=MAX_ITEMS),
    )


class PostingInSchema(Schema):
    """The first posting of a new contact."""

    class Meta:
        unknown = EXCLUDE

    organisation_id = fields.Integer(
        required=True, validate=validate.Range(min=1, max=services.MAX_ID)
    )
    position = _text(200, load_default="")
    start_date = fields.Date(load_default=None, allow_none=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    focal_point = fields.Boolean(load_default=False)


class ContactInSchema(Schema):
    """The values of a contact a client may set; anything else sent is ignored."""

    class Meta:
        unknown = EXCLUDE

    honorific = _text(40)
    first_name = _text(200)
    last_name = _text(200, required=True)
    emails = _texts(254)
    phones = _texts(40)
    preferred_language = fields.String(validate=validate.OneOf(list(LANGUAGES)))
    do_not_email = fields.Boolean()
    do_not_email_reason = _text(300)
    notes = _text(20000)
    tags = _texts(60)
    areas = _texts(60)
    keywords = _texts(80)


class ContactCreateSchema(ContactInSchema):
    """A new contact, with an optional first posting."""

    posting = fields.Nested(PostingInSchema, load_default=None, allow_none=True)


class ContactPatchSchema(ContactInSchema):
    """Changes to a contact, based on the version the client read."""

    last_name = _text(200)
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=services.MAX_ID))


def contact_json(contact: Contact, include_notes: bool) -> dict[str, Any]:
    """The API's view of a contact; notes only when the reader may see them."""
    body: dict[str, Any] = {
        "id": contact.id,
        "honorific": contact.honorific,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": [e.address for e in contact.emails],
        "phones": [p.number for p in contact.phones],
        "preferred_language": contact.preferred_language,
        "do_not_email": contact.do_not_email,
        "do_not_email_reason": contact.do_not_email_reason,
        "do_not_email_since": contact.do_not_email_since,
        "tags": [t.name for t in contact.tags],
        "areas": [a.slug for a in contact.areas],
        "keywords": [k.name for k in contact.keywords],
        "postings": [
            {
                "id": p.id,
                "organisation_id": p.organisation_id,
                "organisation": p.organisation.name,
                "position": p.position,
                "start_date": p.start_date,
                "end_date": p.end_date,
                "focal_point": p.focal_point,
                "current": p.is_current,
            }
            for p in contact.postings
        ],
        "archived": contact.archived_at is not None,
        "erased": contact.erased_at is not None,
        "merged_into_id": contact.merged_into_id,
        "version": contact.version,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }
    if include_notes:
        body["notes"] = contact.notes
    return body


def _contact_or_404(contact_id: int) -> Contact:
    contact = services.lookup_contact(contact_id, include_notes=current_user.is_staff)
    if contact is None:
        abort(404)
    return contact  # type: ignore[return-value]


def _data(args: dict[str, Any], base: Contact | None = None) -> ContactData:
    """ContactData from a request body, the contact's current values filling what is absent."""
    current: dict[str, Any] = {}
    if base is not None:
        current = {
            "honorific": base.honorific,
            "first_name": base.first_name,
            "last_name": base.last_name,
            "emails": [e.address for e in base.emails],
            "phones": [p.number for p in base.phones],
            "preferred_language": base.preferred_language,
            "do_not_email": base.do_not_email,
            "do_not_email_reason": base.do_not_email_reason,
            "notes": base.notes,
            "tags": [t.name for t in base.tags],
            "areas": [a.slug for a in base.areas],
            "keywords": [k.name for k in base.keywords],
        }
    merged = {**current, **{k: v for k, v in args.items() if v is not None}}
    return ContactData(
        last_name=merged.get("last_name", ""),
        first_name=merged.get("first_name", ""),
        honorific=merged.get("honorific", ""),
        emails=list(merged.get("emails", [])),
        phones=list(merged.get("phones", [])),
        preferred_language=merged.get("preferred_language", "en"),
        do_not_email=bool(merged.get("do_not_email", False)),
        do_not_email_reason=merged.get("do_not_email_reason", ""),
        notes=merged.get("notes", ""),
        tags=list(merged.get("tags", [])),
        area_slugs=list(merged.get("areas", [])),
        keywords=list(merged.get("keywords", [])),
    )


@blp.route("/contacts")
class ContactCollection(MethodView):
    """Contacts, with the filters of the contacts page."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ContactListArgsSchema, location="query")
    @blp.response(200, ContactPageSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid bearer token.")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List contacts, filtered, searched, sorted and paged like the contacts page."""
        clean = services.clean_query_text
        filters = ContactFilters(
            q=clean(args.get("q")),
            status=args.get("status"),
            region=clean(args.get("region"), 60),
            kind=args.get("kind"),
            tag=fold(clean(args.get("tag"), 60)) or None,
            language=args.get("language"),
            area=clean(args.get("area"), 60),
            do_not_email=args.get("do_not_email"),
            include_archived=args["include_archived"],
            sort=args["sort"],
            descending=args["descending"],
        )
        staff = current_user.is_staff
        page = services.find_contacts(filters, args["page"], args["per_page"], staff)
        return {
            "items": [contact_json(c, staff) for c in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ContactCreateSchema)
    @blp.response(201, ContactSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="Coordinators may only read.")
    @blp.alt_response(422, schema=ErrorSchema, description="A message per invalid field.")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Create a contact (ISU staff), with an optional first posting."""
        posting = args.get("posting")
        try:
            contact = services.create_contact(
                _data(args), PostingData(**posting) if posting else None
            )
        except ValidationError as error:
            invalid(error.errors)
        return contact_json(services.lookup_contact(contact.id), include_notes=True)  # type: ignore[arg-type]


@blp.route("/contacts/<int:contact_id>")
class ContactItem(MethodView):
    """One contact."""

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(200, ContactSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such contact.")
    def get(self, contact_id: int) -> dict[str, Any]:
        """One contact with its postings and expertise."""
        return contact_json(_contact_or_404(contact_id), current_user.is_staff)

    @blp.doc(security=BEARER_SECURITY)
    @blp.arguments(ContactPatchSchema)
    @blp.response(200, ContactSchema)
    @blp.alt_response(409, schema=ConflictSchema, description="Changed since that version.")
    @blp.alt_response(422, schema=ErrorSchema, description="A message per invalid field.")
    def patch(self, args: dict[str, Any], contact_id: int) -> Any:
        """Change some values of a contact; `version` is the one the client last read."""
        contact = _contact_or_404(contact_id)
        version = args.pop("version")
        conflict = versioned_patch(
            lambda: services.save_contact(contact, _data(args, contact), version),
            "The contact changed since that version; nothing was saved.",
        )
        return conflict or contact_json(_contact_or_404(contact_id), include_notes=True)

    @blp.doc(security=BEARER_SECURITY)
    @blp.response(204)
    @blp.alt_response(404, schema=ErrorSchema, description="No such contact.")
    def delete(self, contact_id: int) -> None:
        """Archive a contact (contacts are never deleted; erasure is a separate action)."""
        contact = _contact_or_404(contact_id)
        if contact.archived_at is None:
            services.set_contact_archived(contact, True)
