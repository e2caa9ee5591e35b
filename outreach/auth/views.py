"""Sign-in, sign-out and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from outreach.audit.services import history_of
from outreach.auth import services
from outreach.auth.forms import LoginForm, PasswordChangeForm
from outreach.core.access import any_signed_in_user_may_post, public
from outreach.extensions import limiter, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(token: str):  # type: ignore[no-untyped-def]
    return services.load_session_user(token)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Follow only same-site paths after sign-in (no scheme, no host, no //)."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("core.home")
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return url_for("core.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute", methods=["POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form and sign the user in."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data))
    error, status, headers = None, 200, {}  # 401 wrong credentials, 429 throttled
    if form.validate_on_submit():
        try:
            signed_in = services.authenticate(
                form.email.data or "",
                form.password.data or "",
                request.remote_addr,
                request.headers.get("User-Agent", ""),
                replaces_token=current_user.get_id() if current_user.is_authenticated else None,
            )
        except services.ThrottledError as throttled:
            error, status = str(throttled), 429
            headers["Retry-After"] = str(throttled.retry_after_seconds)
        except services.AccountError as failure:
            error, status = str(failure), 401
        else:
            session.clear()  # a fresh session at sign-in: nothing set before survives
            login_user(signed_in.user)
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form, error=error), status, headers


@bp.route("/logout", methods=["POST"])
@any_signed_in_user_may_post
def logout() -> Response:
    """End the session on the server and in the browser."""
    services.end_session(current_user)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@any_signed_in_user_may_post
def account() -> str | Response:
    """The user's own account: role, areas, password change, recent sign-ins."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except services.AccountError as failure:
            field = getattr(form, failure.field or "", None)
            if field is not None:
                field.errors = [*field.errors, str(failure)]
        else:
            flash("Your password was changed. Your other sessions were signed out.", "success")
            return redirect(url_for("auth.account"))
    events = history_of("User", current_user.id, limit=20)
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form, events=events), status
