"""Bearer-token authentication of API requests."""

from __future__ import annotations

from flask import Response, abort, g, request
from flask_smorest import Blueprint

from outreach.auth.models import User
from outreach.auth.services import user_for_api_token
from outreach.db import READ_METHODS
from outreach.extensions import csrf

BEARER_SECURITY = [{"bearerAuth": []}]


def _bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_api_token(token.strip())


def _authenticate() -> None:
    """Refuse a request without a valid token; coordinators may only read."""
    user = _bearer_user()
    if user is None:
        abort(401)
    g._login_user = user  # Flask-Login's current_user, for this request only (no cookie)
    if not user.is_staff and request.method not in READ_METHODS:
        abort(403)


def _challenge(response: Response) -> Response:
    """Tell a client refused for want of a valid token how to authenticate (RFC 6750)."""
    if response.status_code == 401:
        challenge = 'Bearer realm="Outreach API"'
        if request.headers.get("Authorization"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response


def token_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint whose every route needs a bearer token (CSRF does not apply: no cookies)."""
    blp = Blueprint(name, import_name, url_prefix="/api/v1", description=description)
    blp.before_request(_authenticate)
    blp.after_request(_challenge)
    csrf.exempt(blp)
    return blp


def public_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A blueprint open to anyone, for public facts."""
    blp = Blueprint(name, import_name, url_prefix="/api/v1/public", description=description)
    csrf.exempt(blp)
    return blp
