"""Schemas shared by the API endpoints: pagination and error bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageArgsSchema(Schema):
    """page and per_page of a list request."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list response: items, total, page, per_page."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        },
        name=name,
    )


class ErrorSchema(Schema):
    """A JSON error: code, status, message, and a message per invalid field."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict(keys=fields.String())
