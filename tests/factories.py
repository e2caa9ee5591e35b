"""Plain functions that make records for tests."""

from __future__ import annotations

from typing import Any

from outreach.audit.services import acting_as
from outreach.auth import services as accounts
from outreach.auth.models import User

PASSWORD = "correct horse battery staple 42"


def make_user(
    email: str = "user@isu.example",
    role: str = "staff",
    name: str = "",
    areas: list[str] | None = None,
    password: str = PASSWORD,
    **_overrides: Any,
) -> User:
    """A user account with a known password."""
    with acting_as("test"):
        return accounts.create_user(email, role, password, name=name, area_slugs=areas or [])


def api_headers(email: str) -> dict[str, str]:
    """The Authorization header of a fresh personal API token of this user."""
    with acting_as("test"):
        token = accounts.issue_api_token(email)
    return {"Authorization": f"Bearer {token}"}
