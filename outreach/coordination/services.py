"""The coordinators' view: the dialogues a reader may see, with their last contact, staleness and
related deadlines, and the one-page briefing on a State. Read-only: nothing here writes, except
the audit record of an export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from outreach.audit.services import record
from outreach.dialogues.models import Dialogue, DialogueStatus
from outreach.dialogues.services import (
    is_stale,
    last_contacts,
    stale_before,
    visible_dialogues,
)
from outreach.directory.lists import Page
from outreach.directory.models import Contact, Organisation, OrganisationKind, Posting
from outreach.extensions import db
from outreach.interactions.models import Interaction, interaction_state
from outreach.interactions.services import visible_interactions
from outreach.obligations import services as article_services
from outreach.obligations.models import Obligation, ObligationStatus, ReportKind
from outreach.reference.models import CcmStatus, State, ThematicArea
from outreach.universalization.models import Engagement, Stage

# A filter value of its own: the States a universalization coordinator works on.
NOT_YET_PARTY = "not_yet_party"
NOT_YET_PARTY_STATUSES = (CcmStatus.SIGNATORY, CcmStatus.NOT_PARTY)
DIALOGUE_SORTS = ("state", "area", "last_contact", "next_step")
BRIEFING_INTERACTIONS = 10
# The State's own bodies whose people are its key contacts: the Mission in Geneva first.
KEY_CONTACT_KINDS = (
    OrganisationKind.PERMANENT_MISSION,
    OrganisationKind.MINISTRY,
    OrganisationKind.MINE_ACTION_AUTHORITY,
)
ARTICLE_AREAS = {3: "stockpile-destruction", 4: "clearance"}
TRANSPARENCY = "transparency"
UNIVERSALIZATION = "universalization"


@dataclass(frozen=True)
class DialogueFilters:
    """What a reader asked to see of the dialogues list (values already checked)."""

    area: str | None = None
    region: str | None = None
    ccm_status: str | None = None
    status: DialogueStatus | None = None
    stale_only: bool = False
    sort: str = "state"
    descending: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.area or self.region or self.ccm_status or self.status or self.stale_only)


@dataclass(frozen=True)
class RelatedDeadline:
    """A deadline that matters to a dialogue: an Art. 3 or 4 deadline, or an Art. 7 report."""

    label: str
    due_on: dt.date | None
    overdue: bool = False
    note: str = ""


@dataclass
class DialogueRow:
    """One dialogue as the coordinators' list shows it."""

    dialogue: Dialogue
    last_contact: dt.date | None
    stale: bool
    days_since_contact: int | None
    stage: Stage | None = None
    stage_since: dt.date | None = None
    deadlines: list[RelatedDeadline] = field(default_factory=list)

    @property
    def state(self) -> State:
        return self.dialogue.state

    @property
    def area(self) -> ThematicArea:
        return self.dialogue.area

    @property
    def responsible_names(self) -> list[str]:
        return [user.display_name for user in self.dialogue.responsible]


def reader_areas(user: Any) -> list[ThematicArea]:
    """The areas a reader may filter by: all of them for staff, their own for a coordinator."""
    if getattr(user, "is_staff", False):
        return list(db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position)))
    return list(getattr(user, "areas", None) or [])


def _stage_for(state: State, stage: Stage | None) -> Stage | None:
    """The engagement stage shown for a State: "No contact" when none was ever recorded, and
    none at all for a State that is (or was) a party."""
    if stage is not None:
        return stage
    return Stage.NO_CONTACT if state.ccm_status in NOT_YET_PARTY_STATUSES else None


def _stale_condition(last_contact: sa.ColumnElement[Any], today: dt.date) -> Any:
    return sa.and_(
        Dialogue.status != DialogueStatus.CONCLUDED,
        sa.or_(last_contact.is_(None), last_contact < stale_before(today)),
    )


def _filtered(query: sa.Select[Any], filters: DialogueFilters, last: Any, today: dt.date) -> Any:
    if filters.area:
        query = query.where(ThematicArea.slug == filters.area)
    if filters.region:
        query = query.where(State.region == filters.region)
    if filters.ccm_status == NOT_YET_PARTY:
        query = query.where(State.ccm_status.in_(NOT_YET_PARTY_STATUSES))
    elif filters.ccm_status:
        query = query.where(State.ccm_status == CcmStatus(filters.ccm_status))
    if filters.status:
        query = query.where(Dialogue.status == filters.status)
    if filters.stale_only:
        query = query.where(_stale_condition(last.c.last_contact, today))
    return query


def _ordered(query: sa.Select[Any], filters: DialogueFilters, last: Any) -> sa.Select[Any]:
    columns = {
        "state": State.name,
        "area": ThematicArea.position,
        "last_contact": last.c.last_contact,
        "next_step": Dialogue.next_step_due,
    }
    column = columns.get(filters.sort, State.name)
    if filters.sort == "last_contact" and not filters.descending:
        # Oldest contact first means a dialogue never contacted at all comes before any other.
        order = column.asc().nulls_first()
    else:
        order = (column.desc() if filters.descending else column.asc()).nulls_last()
    return query.order_by(order, State.name, ThematicArea.position, Dialogue.id)


def _rows_query(
    user: Any, filters: DialogueFilters, today: dt.date, state: State | None = None
) -> sa.Select[Any]:
    last = last_contacts(user)
    query = (
        visible_dialogues(user)
        .join(State, State.id == Dialogue.state_id)
        .join(ThematicArea, ThematicArea.id == Dialogue.area_id)
        .outerjoin(last, last.c.dialogue_id == Dialogue.id)
        .outerjoin(Engagement, Engagement.state_id == Dialogue.state_id)
        .add_columns(last.c.last_contact, Engagement.stage, Engagement.since)
        .options(
            contains_eager(Dialogue.state),
            contains_eager(Dialogue.area),
            selectinload(Dialogue.responsible),
        )
    )
    if state is not None:
        query = query.where(Dialogue.state_id == state.id)
    return _ordered(_filtered(query, filters, last, today), filters, last)


def _row(
    dialogue: Dialogue, last_contact: Any, stage: Any, since: Any, today: dt.date
) -> DialogueRow:
    stale = is_stale(dialogue, last_contact, today)
    universalization = dialogue.area.slug == UNIVERSALIZATION
    return DialogueRow(
        dialogue=dialogue,
        last_contact=last_contact,
        stale=stale,
        days_since_contact=(today - last_contact).days if last_contact else None,
        stage=_stage_for(dialogue.state, stage) if universalization else None,
        stage_since=since if universalization else None,
    )


def _obligation_deadline(obligation: Obligation, today: dt.date) -> RelatedDeadline:
    label = f"Art. {obligation.article} deadline"
    if obligation.status == ObligationStatus.COMPLETED:
        done = obligation.completed_on.strftime("%-d %b %Y") if obligation.completed_on else ""
        return RelatedDeadline(label, obligation.deadline, note=f"completed {done}".strip())
    deadline = obligation.deadline
    note = "extended" if obligation.extended_deadline else ""
    return RelatedDeadline(label, deadline, overdue=bool(deadline and deadline < today), note=note)


def next_report(
    state: State, received: Iterable[tuple[ReportKind, int]], today: dt.date
) -> RelatedDeadline | None:
    """The next Article 7 report a State Party will owe (not yet due, not yet received)."""
    entry = state.entry_into_force_date
    if state.ccm_status != CcmStatus.STATE_PARTY or entry is None:
        return None
    got = set(received)
    initial = article_services.initial_due_on(entry)
    candidates = [("initial report", (ReportKind.INITIAL, initial.year), initial)]
    for year in range(max(entry.year, today.year - 1), today.year + 1):
        annual = article_services.annual_due_on(year)
        candidates.append((f"annual report for {year}", (ReportKind.ANNUAL, year), annual))
    upcoming = [(due, label) for label, key, due in candidates if due >= today and key not in got]
    if not upcoming:
        return None
    due, label = min(upcoming)
    return RelatedDeadline(f"Art. 7 {label}", due)


def _report_deadlines(
    state: State, reports: list[article_services.DueReport], today: dt.date
) -> list[RelatedDeadline]:
    """The overdue Article 7 reports, else the next one due."""
    overdue = sorted((r for r in reports if r.overdue), key=lambda r: r.due_on)
    if overdue:
        return [RelatedDeadline(f"Art. 7 {r.label.lower()}", r.due_on, True) for r in overdue]
    upcoming = next_report(state, [(r.kind, r.year) for r in reports if r.received_on], today)
    return [upcoming] if upcoming else []


def _add_deadlines(rows: list[DialogueRow], today: dt.date) -> None:
    """Attach each dialogue's related deadlines, in two queries whatever the number of rows."""
    if not rows:
        return
    state_ids = sorted({row.state.id for row in rows})
    by_area = {
        (o.state_id, ARTICLE_AREAS[o.article]): o
        for o in db.session.scalars(sa.select(Obligation).where(Obligation.state_id.in_(state_ids)))
    }
    # Only the States of the rows on transparency owe the reports shown: theirs are enough.
    transparency = {row.state for row in rows if row.area.slug == TRANSPARENCY}
    reports: dict[int, list[article_services.DueReport]] = {}
    for report in article_services.all_expected_reports(today, transparency):
        reports.setdefault(report.state.id, []).append(report)
    for row in rows:
        obligation = by_area.get((row.state.id, row.area.slug))
        if obligation is not None:
            row.deadlines.append(_obligation_deadline(obligation, today))
        elif row.area.slug == TRANSPARENCY:
            due = reports.get(row.state.id, [])
            row.deadlines.extend(_report_deadlines(row.state, due, today))


def _load_rows(query: sa.Select[Any], today: dt.date) -> list[DialogueRow]:
    result = db.session.execute(query)
    rows = [_row(d, last, stage, since, today) for d, last, stage, since in result]
    _add_deadlines(rows, today)
    return rows


def dialogue_rows(
    user: Any, filters: DialogueFilters, today: dt.date | None = None, state: State | None = None
) -> list[DialogueRow]:
    """The dialogues the reader may see, filtered and sorted, with what the list shows; a
    constant number of queries whatever the number of dialogues."""
    today = today or dt.date.today()
    return _load_rows(_rows_query(user, filters, today, state), today)


def dialogue_page(
    user: Any, filters: DialogueFilters, page: int, per_page: int, today: dt.date | None = None
) -> Page:
    """One page of `dialogue_rows`, and how many dialogues match in all."""
    today = today or dt.date.today()
    query = _rows_query(user, filters, today)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = _load_rows(query.limit(per_page).offset((page - 1) * per_page), today)
    return Page(items=rows, total=total or 0, page=page, per_page=per_page)


EXPORT_HEADERS = (
    "State",
    "ISO3",
    "Region",
    "CCM status",
    "Area",
    "Dialogue status",
    "Engagement stage",
    "Last contact",
    "Days since last contact",
    "Stale",
    "Next step",
    "Next step due",
    "Responsible",
    "Related deadlines",
)


def deadline_text(deadline: RelatedDeadline) -> str:
    """A related deadline in words, for a cell of an export."""
    details = [deadline.due_on.isoformat() if deadline.due_on else "no date"]
    if deadline.overdue:
        details.append("overdue")
    if deadline.note:
        details.append(deadline.note)
    return f"{deadline.label}: {', '.join(details)}"


def export_rows(user: Any, filters: DialogueFilters, file_format: str) -> list[list[Any]]:
    """The rows of the filtered list for a download (no summary, no note, no position), with
    the export recorded in the audit trail."""
    rows = dialogue_rows(user, filters)
    table = [
        [
            row.state.name,
            row.state.iso3,
            row.state.region,
            row.state.ccm_status.label,
            row.area.name,
            row.dialogue.status.label,
            row.stage.label if row.stage else "",
            row.last_contact,
            row.days_since_contact,
            "stale" if row.stale else "",
            row.dialogue.next_step,
            row.dialogue.next_step_due,
            "; ".join(row.responsible_names),
            "; ".join(deadline_text(d) for d in row.deadlines),
        ]
        for row in rows
    ]
    record("export", record_type="Dialogue", detail=f"{len(table)} dialogues as {file_format}")
    db.session.commit()
    return table


@dataclass
class Briefing:
    """Everything the one-page country briefing shows, as the reader may see it."""

    state: State
    stage: Stage | None
    stage_since: dt.date | None
    obligations: list[Obligation]
    reports: list[article_services.DueReport]
    next_report: RelatedDeadline | None
    dialogues: list[DialogueRow]
    interactions: list[Interaction]
    contacts: list[Posting]


def recent_interactions(state: State, user: Any, limit: int = BRIEFING_INTERACTIONS) -> list[Any]:
    """The State's latest interactions the reader may see, newest first."""
    link = interaction_state.c
    query = (
        visible_interactions(user)
        .join(interaction_state, link.interaction_id == Interaction.id)
        .where(link.state_id == state.id)
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def key_contacts(state: State, today: dt.date) -> list[Posting]:
    """People now posted at the State's Permanent Mission and capital bodies, Mission first."""
    kind_order = sa.case(
        {kind.value: position for position, kind in enumerate(KEY_CONTACT_KINDS)},
        value=Organisation.kind,
    )
    query = (
        sa.select(Posting)
        .join(Posting.organisation)
        .join(Posting.contact)
        .where(
            Organisation.state_id == state.id,
            Organisation.kind.in_(KEY_CONTACT_KINDS),
            Organisation.archived_at.is_(None),
            Contact.archived_at.is_(None),
            Contact.erased_at.is_(None),
            Contact.merged_into_id.is_(None),
            sa.or_(Posting.start_date.is_(None), Posting.start_date <= today),
            sa.or_(Posting.end_date.is_(None), Posting.end_date >= today),
        )
        .options(
            contains_eager(Posting.organisation),
            contains_eager(Posting.contact).selectinload(Contact.emails),
        )
        .order_by(
            kind_order,
            Organisation.name,
            Posting.focal_point.desc(),
            Contact.last_name,
            Contact.first_name,
            Posting.id,
        )
    )
    return list(db.session.scalars(query).unique())


def briefing(state: State, user: Any, today: dt.date | None = None) -> Briefing:
    """The briefing on one State for this reader: confidential interactions never appear, and
    a coordinator sees the dialogues of their own areas only."""
    today = today or dt.date.today()
    engagement = db.session.scalar(sa.select(Engagement).where(Engagement.state_id == state.id))
    obligations = list(
        db.session.scalars(
            sa.select(Obligation)
            .where(Obligation.state_id == state.id)
            .options(selectinload(Obligation.extension_requests))
            .order_by(Obligation.article)
        )
    )
    reports = article_services.expected_reports(state, today)
    return Briefing(
        state=state,
        stage=_stage_for(state, engagement.stage if engagement else None),
        stage_since=engagement.since if engagement else None,
        obligations=obligations,
        reports=reports,
        next_report=next_report(state, [(r.kind, r.year) for r in reports if r.received_on], today),
        dialogues=dialogue_rows(user, DialogueFilters(sort="area"), today, state=state),
        interactions=recent_interactions(state, user),
        contacts=key_contacts(state, today),
    )
