"""Helpers of the interaction tests."""

from __future__ import annotations

import sqlalchemy as sa

from outreach.extensions import db
from outreach.reference.models import State, ThematicArea


def state(iso3: str) -> State:
    """A seeded State by its code."""
    return db.session.scalars(sa.select(State).where(State.iso3 == iso3)).one()


def area(slug: str) -> ThematicArea:
    """A seeded thematic area by its slug."""
    return db.session.scalars(sa.select(ThematicArea).where(ThematicArea.slug == slug)).one()
