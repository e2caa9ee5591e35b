"""Who may use a route: every route is for signed-in users unless marked otherwise."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as open to anonymous visitors (sign-in, public status, RSVP, feeds)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def any_signed_in_user_may_post(view: F) -> F:
    """Let coordinators (read-only elsewhere) use this state-changing route, e.g. sign-out."""
    view.coordinator_may_post = True  # type: ignore[attr-defined]
    return view


def _only_users_who(attribute: str) -> Callable[[F], F]:
    """A decorator answering 403 unless the signed-in user has the given true attribute."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated or not getattr(current_user, attribute):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = _only_users_who("is_staff")
staff_required.__doc__ = "Only ISU staff and administrators may use this view."
admin_required = _only_users_who("is_admin")
admin_required.__doc__ = "Only administrators may use this view."
