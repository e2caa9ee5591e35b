"""Schemas shared by the API endpoints: pagination, error bodies and edit conflicts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from flask import Response, jsonify
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from outreach.directory.errors import ConflictError, ValidationError
from outreach.extensions import db


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


class ChangeSchema(Schema):
    """One change someone else made since the version a client sent."""

    who = fields.String()
    at = fields.DateTime()
    field = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class ConflictSchema(ErrorSchema):
    """409: the record changed since the version the client sent; nothing was saved."""

    version = fields.Integer(metadata={"description": "The record's current version"})
    changes = fields.List(fields.Nested(ChangeSchema))


def conflict_response(conflict: ConflictError, message: str) -> Response:
    """The 409 answer to a change based on an old version, listing the changes made since."""
    response = jsonify(
        {
            "code": 409,
            "status": "Conflict",
            "message": message,
            "version": conflict.record.version,
            "changes": ChangeSchema(many=True).dump(conflict.their_changes),
        }
    )
    response.status_code = 409
    return response


def invalid(errors: Mapping[str, str]) -> NoReturn:
    """422 with the service's message for each field, like a request that failed its schema;
    nothing of the change is kept."""
    db.session.rollback()
    abort(422, messages={"json": {name: [message] for name, message in errors.items()}})


def versioned_patch(
    save: Callable[[], object], conflict: str, renamed: Mapping[str, str] | None = None
) -> Response | None:
    """Run `save`, a change based on the version the client read: None once saved; the 409
    answer listing the changes made since when the record moved on (`conflict` says so); a 422
    for refused values, the service's field names `renamed` to the API's where they differ."""
    try:
        save()
    except ValidationError as error:
        names = renamed or {}
        invalid({names.get(name, name): message for name, message in error.errors.items()})
    except ConflictError as error:
        return conflict_response(error, conflict)
    return None


NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Remove the invisible NUL character.")


def text_arg(max_length: int) -> fields.String:
    """A text query argument: bounded, and without NUL characters (PostgreSQL refuses them)."""
    return fields.String(validate=[validate.Length(max=max_length), NO_NUL])


def error_answers(
    blp: Any, answers: dict[str, str]
) -> Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]]:
    """A decorator factory: `@alt("401", "403")` documents those error answers of an
    operation, each with its description from `answers`."""

    def alt(*codes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            for code in codes:
                view = blp.alt_response(int(code), schema=ErrorSchema, description=answers[code])(
                    view
                )
            return view

        return decorate

    return alt
