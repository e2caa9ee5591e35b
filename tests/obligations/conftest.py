"""Helpers of the obligations tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.obligations import services
from outreach.obligations.models import Obligation
from outreach.reference.models import State

TODAY = dt.date(2026, 6, 15)


def state(iso3: str) -> State:
    """A seeded State."""
    return db.session.scalar(sa.select(State).where(State.iso3 == iso3))


def obligation(iso3: str, article: int) -> Obligation:
    """A seeded obligation."""
    return db.session.scalar(
        sa.select(Obligation)
        .join(Obligation.state)
        .where(State.iso3 == iso3, Obligation.article == article)
    )


def set_values(record: Any, **values: Any) -> Any:
    """Change a record's values directly and commit."""
    with acting_as("test"):
        for name, value in values.items():
            setattr(record, name, value)
        db.session.commit()
    return record


def record_report(iso3: str, kind: str, year: int, received_on: dt.date) -> Any:
    """Record a report received, through the service."""
    with acting_as("test"):
        return services.record_report(
            state(iso3), services.ReportData(kind, year, received_on), today=TODAY
        )
