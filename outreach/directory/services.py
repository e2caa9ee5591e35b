"""Finding States: filters, sorting and counts shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from outreach.audit.services import record
from outreach.directory.search import matches
from outreach.extensions import db
from outreach.reference.models import CcmStatus, State

# By status means from States Parties to withdrawn, as the statuses are listed everywhere else,
# not in the alphabetical order of their stored codes.
STATUS_ORDER = sa.case(
    {status.value: position for position, status in enumerate(CcmStatus)},
    value=State.ccm_status,
)

STATE_SORTS = {
    "name": State.name,
    "status": STATUS_ORDER,
    "region": State.region,
    "signature": State.signature_date,
    "consent": State.consent_date,
    "entry_into_force": State.entry_into_force_date,
}


@dataclass(frozen=True)
class StateFilters:
    """What a reader asked to see of the States list."""

    status: CcmStatus | None = None
    region: str | None = None
    q: str | None = None
    sort: str = "name"
    descending: bool = False


def states_query(filters: StateFilters) -> sa.Select[tuple[State]]:
    """The States matching the filters, in the requested order (sort keys from an allowlist)."""
    query = sa.select(State)
    if filters.status:
        query = query.where(State.ccm_status == filters.status)
    if filters.region:
        query = query.where(State.region == filters.region)
    found = matches(State.search_text, filters.q)
    if found is not None:
        query = query.where(found)
    column = STATE_SORTS.get(filters.sort, State.name)
    order = column.desc() if filters.descending else column.asc()
    return query.order_by(order.nulls_last(), State.name)


def find_states(filters: StateFilters) -> list[State]:
    """The States matching the filters."""
    return list(db.session.scalars(states_query(filters)))


def status_counts() -> dict[CcmStatus, int]:
    """How many States hold each CCM status."""
    rows = db.session.execute(
        sa.select(State.ccm_status, sa.func.count()).group_by(State.ccm_status)
    )
    counts = {status: 0 for status in CcmStatus}
    counts.update({status: count for status, count in rows})
    return counts


def regions() -> list[str]:
    """The M49 regions that States belong to."""
    query = (
        sa.select(State.region).where(State.region.is_not(None)).distinct().order_by(State.region)
    )
    return list(db.session.scalars(query))


def get_state(iso3: str) -> State | None:
    """One State by its ISO 3166 alpha-3 code, with its status history."""
    query = (
        sa.select(State)
        .where(State.iso3 == iso3.upper())
        .options(selectinload(State.status_events))
    )
    return db.session.scalar(query)


STATE_EXPORT_HEADERS = (
    "ISO3",
    "Name",
    "CCM status",
    "Region",
    "Sub-region",
    "Signature",
    "Consent to be bound",
    "Type of instrument",
    "Entry into force",
    "Withdrawal",
    "Source",
)


def export_states(filters: StateFilters, file_format: str) -> tuple[tuple[str, ...], list[list]]:
    """The headers and rows of the filtered States list, with the export recorded."""
    states = find_states(filters)
    rows = [
        [
            s.iso3,
            s.name,
            s.ccm_status.label,
            s.region,
            s.intermediate_region or s.sub_region,
            s.signature_date,
            s.consent_date,
            s.consent_type.value if s.consent_type else "",
            s.entry_into_force_date,
            s.withdrawal_date,
            s.source,
        ]
        for s in states
    ]
    record("export", record_type="State", detail=f"{len(rows)} States as {file_format}")
    db.session.commit()
    return STATE_EXPORT_HEADERS, rows
