"""What the dashboard and the public status page show: counts, consents per year, the States for
the map and the list, and the staff's panels (follow-ups, stale dialogues, deadlines, reports)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.dialogues.services import last_contacts, stale_before, visible_dialogues
from outreach.extensions import db
from outreach.interactions.models import FollowUp
from outreach.interactions.services import (
    followup_counts,
    most_overdue_followups,
    visible_followup_condition,
)
from outreach.reference.models import CcmStatus, ConsentType, State

STALE_SHOWN = 10
DEADLINES_SHOWN = 10
FOLLOWUPS_SHOWN = 10
REPORTS_SHOWN = 10

# The public list's columns, in the page, the CSV and the same order as the public API.
PUBLIC_COLUMNS = (
    "ISO3",
    "State",
    "Region",
    "CCM status",
    "Signature",
    "Consent to be bound",
    "Type of instrument",
    "Entry into force",
    "Withdrawal",
)


def all_states(status: CcmStatus | None = None) -> list[State]:
    """Every State (or those of one status) by name, with nothing but its public facts."""
    query = sa.select(State).order_by(State.name)
    if status is not None:
        query = query.where(State.ccm_status == status)
    return list(db.session.scalars(query))


def counts_of(states: list[State]) -> dict[CcmStatus, int]:
    """How many of these States hold each status, every status listed."""
    found = Counter(state.ccm_status for state in states)
    return {status: found[status] for status in CcmStatus}


@dataclass
class YearOfConsents:
    """The instruments deposited in one year, by type."""

    year: int
    by_type: dict[ConsentType, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def consents_by_year(states: list[State]) -> list[YearOfConsents]:
    """Ratifications, acceptances, approvals and accessions per year, from the first deposit to
    the last, years without any included (a chart needs the gaps)."""
    dated = [s for s in states if s.consent_date is not None]
    if not dated:
        return []
    years = {}
    first = min(s.consent_date.year for s in dated)  # type: ignore[union-attr]
    last = max(s.consent_date.year for s in dated)  # type: ignore[union-attr]
    for year in range(first, last + 1):
        years[year] = YearOfConsents(year, {kind: 0 for kind in ConsentType})
    for state in dated:
        kind = state.consent_type or ConsentType.RATIFICATION
        years[state.consent_date.year].by_type[kind] += 1  # type: ignore[union-attr]
    return list(years.values())


def public_rows(states: list[State]) -> list[list[Any]]:
    """The public facts of each State, as the CSV has them."""
    return [
        [
            s.iso3,
            s.name,
            s.region or "",
            s.ccm_status.label,
            s.signature_date,
            s.consent_date,
            s.consent_type.value.capitalize() if s.consent_type else "",
            s.entry_into_force_date,
            s.withdrawal_date,
        ]
        for s in states
    ]


@dataclass
class StaleDialogue:
    """A dialogue with no recent contact, and its last one (None: never)."""

    dialogue: Dialogue
    last_contact: dt.date | None


def stale_dialogues(user: Any, today: dt.date, limit: int = STALE_SHOWN) -> tuple[int, list]:
    """How many open dialogues the user may see have had no contact the user may see for N
    days, and the `limit` stalest (never contacted first). Two queries: every stale one's last
    contact (the costly part, run once), then the dialogues shown."""
    last = last_contacts(user)
    stale = db.session.execute(
        visible_dialogues(user)
        .outerjoin(last, last.c.dialogue_id == Dialogue.id)
        .where(Dialogue.status != DialogueStatus.CONCLUDED)
        .where(sa.or_(last.c.last_contact.is_(None), last.c.last_contact < stale_before(today)))
        .with_only_columns(Dialogue.id, last.c.last_contact)
        .order_by(
            last.c.last_contact.is_not(None), last.c.last_contact, Dialogue.id
        )  # never contacted first, then the oldest contact
    ).all()
    shown = stale[:limit]
    query = (
        sa.select(Dialogue)
        .where(Dialogue.id.in_([row.id for row in shown]))
        .options(joinedload(Dialogue.state), joinedload(Dialogue.area))
    )
    dialogues = {dialogue.id: dialogue for dialogue in db.session.scalars(query)}
    return len(stale), [StaleDialogue(dialogues[row.id], row.last_contact) for row in shown]


def team_overdue_count(user: Any, today: dt.date) -> int:
    """Open follow-ups of anyone, past their due date (those on interactions the user may see)."""
    query = sa.select(sa.func.count(FollowUp.id)).where(
        FollowUp.done_at.is_(None), FollowUp.due_on < today, visible_followup_condition(user)
    )
    return db.session.scalar(query) or 0


@dataclass
class StaffPanels:
    """The staff dashboard's lists of what needs doing."""

    my_overdue: list[FollowUp]
    my_overdue_total: int
    my_due_this_week: int
    team_overdue: int
    stale_total: int
    stale: list[StaleDialogue]
    deadlines: list[Any]
    deadlines_total: int
    overdue_reports: list[Any]
    overdue_reports_total: int


def staff_panels(user: Any, today: dt.date, states: list[State] | None = None) -> StaffPanels:
    """Everything the staff dashboard lists below the map, in a fixed number of queries;
    `states`, every State already loaded, spares loading the States Parties again."""
    from outreach.obligations.services import overdue_reports, upcoming_deadlines

    overdue_total, due_this_week = followup_counts(user, today)
    stale_total, stale = stale_dialogues(user, today)
    deadlines = upcoming_deadlines(today, months=24)
    reports = overdue_reports(today, states)
    return StaffPanels(
        my_overdue=most_overdue_followups(user, today, FOLLOWUPS_SHOWN),
        my_overdue_total=overdue_total,
        my_due_this_week=due_this_week,
        team_overdue=team_overdue_count(user, today),
        stale_total=stale_total,
        stale=stale,
        deadlines=deadlines[:DEADLINES_SHOWN],
        deadlines_total=len(deadlines),
        overdue_reports=reports[:REPORTS_SHOWN],
        overdue_reports_total=len(reports),
    )
