"""Organisations are read by every signed-in user and written by ISU staff."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def signed_in(client: Any, auth: Any, staff: Any) -> Any:
    """The test client, signed in as a member of the ISU staff."""
    auth.login(staff.email)
    return client


@pytest.fixture
def as_coordinator(client: Any, auth: Any, coordinator: Any) -> Any:
    """The test client, signed in as a coordinator (read-only, never sees notes)."""
    auth.login(coordinator.email)
    return client
