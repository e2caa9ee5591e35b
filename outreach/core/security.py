"""Deny-by-default access, idle timeouts and the security headers of every response."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import current_user, logout_user

from outreach.db import READ_METHODS, utcnow
from outreach.extensions import login_manager

API_PREFIX = "/api/"


def csp_nonce() -> str:
    """The nonce of this response's Content-Security-Policy, for the rare inline script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _view_flag(name: str) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, name, False))


def _check_access() -> None:
    """Send anonymous visitors to sign-in, and keep coordinators read-only."""
    if request.endpoint is None or request.endpoint == "static" or _view_flag("is_public"):
        return
    if request.path.startswith(API_PREFIX):
        return  # the API authenticates with bearer tokens (outreach.api.auth)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if _idle_too_long():
        logout_user()
        session.clear()
        return login_manager.unauthorized()
    if (
        not current_user.is_staff
        and request.method not in READ_METHODS
        and not _view_flag("coordinator_may_post")
    ):
        abort(403)
    return None


def _idle_too_long() -> bool:
    """True when the session has been idle longer than allowed; otherwise note this visit."""
    now = int(utcnow().timestamp())
    last_seen = session.get("seen")
    limit = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    if isinstance(last_seen, int) and now - last_seen > limit:
        return True
    if not isinstance(last_seen, int) or now - last_seen > 30:
        session["seen"] = now
    return False


def _set_headers(response: Response) -> Response:
    """Apply the baseline headers; pages may have set a stricter value already."""
    nonce = csp_nonce()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    """Register the access check, the headers and the template helpers."""
    app.before_request(_check_access)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
