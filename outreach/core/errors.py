"""Error pages without stack traces, and JSON errors under /api/."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from outreach.audit.services import encode_for_log
from outreach.core.security import API_PREFIX
from outreach.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    401: ("Sign-in required", "Please sign in to continue."),
    403: ("Not allowed", "Your account does not have access to this page or action."),
    404: ("Not found", "There is nothing at this address. It may have moved or been archived."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than the limit. Send a smaller file."),
    422: ("Invalid input", "Some values were not valid."),
    429: ("Too many requests", "Too many attempts in a short time. Wait a minute, then retry."),
    500: ("Something went wrong", "The error was recorded. Please try again in a moment."),
    503: ("Busy", "The database is busy. Wait a moment, then retry; nothing was lost."),
}


def _wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def _field_errors(error: HTTPException) -> dict[str, Any] | None:
    """Per-field messages from request validation (webargs puts them in error.data)."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if not messages:
        return None
    flat: dict[str, Any] = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
    return flat or messages


def _respond(error: HTTPException) -> Response:
    code = error.code or 500
    title, text = MESSAGES.get(code, (error.name, error.description or ""))
    if isinstance(error, UnstorableValue):
        text = error.description
    if isinstance(error, CSRFError):
        text = "The form had expired or was sent from elsewhere. Reload the page and try again."
    if _wants_json():
        if code == 401:
            text = "A valid bearer token is required (Authorization: Bearer <token>)."
        body: dict[str, Any] = {"code": code, "status": error.name, "message": text}
        errors = _field_errors(error)
        if errors:
            body["errors"] = errors
            body["message"] = "Some fields are not valid."
        elif code not in MESSAGES and error.description:
            body["message"] = error.description
        return make_response(jsonify(body), code)
    if request_ctx.url_adapter is None:
        # The Host is not one of TRUSTED_HOSTS: no URL can be built, so no page with links.
        return Response(f"{title}. {text}\n", status=code, mimetype="text/plain")
    return make_response(
        render_template("errors/error.html", code=code, title=title, text=text), code
    )


def handle_http_exception(error: HTTPException) -> Any:
    """Render an HTTP error for a person or an API client."""
    if error.code is None:  # a routing redirect, not an error
        return error
    response = _respond(error)
    valid_methods = getattr(error, "valid_methods", None)
    if response.status_code == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def handle_database_busy(error: sqlalchemy.exc.OperationalError) -> Any:
    """A locked or unwritable SQLite database becomes a friendly 'busy, retry' page."""
    db.session.rollback()
    log.warning("database unavailable: %s", type(error.orig).__name__)
    return handle_http_exception(ServiceUnavailable())


class UnstorableValue(BadRequest):
    """A value the database refused to store."""

    description = (
        "A value in the request cannot be stored (for example an invisible NUL character). "
        "Remove it and retry."
    )


def handle_unstorable_value(error: sqlalchemy.exc.DataError) -> Any:
    """A value the database cannot store (e.g. a NUL character on PostgreSQL) that no form or
    schema caught: a clear 400, not a 500."""
    db.session.rollback()
    log.warning("value refused by the database: %s", type(error.orig).__name__)
    return handle_http_exception(UnstorableValue())


def handle_unexpected(error: Exception) -> Any:
    """Anything unforeseen: log it, and show a generic page."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    # The path is decoded: %0a in the address would otherwise start a forged log line.
    log.exception("unhandled error on %s %s", request.method, encode_for_log(request.path))
    db.session.rollback()
    return handle_http_exception(InternalServerError())


def init_errors(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(sqlalchemy.exc.OperationalError, handle_database_busy)
    app.register_error_handler(sqlalchemy.exc.DataError, handle_unstorable_value)
    app.register_error_handler(Exception, handle_unexpected)
