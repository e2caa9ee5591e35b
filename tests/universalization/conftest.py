"""Helpers of the universalization tests: a State by code, a stage move made as a test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.reference.models import State
from outreach.universalization import services


def state(iso3: str) -> State:
    """A seeded State by its code."""
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def move(iso3: str, stage: str, since: dt.date | None = None, note: str = "", user: Any = None):
    """Move a State to a stage through the service."""
    with acting_as("test"):
        return services.move_stage(state(iso3), stage, since, note, user)
