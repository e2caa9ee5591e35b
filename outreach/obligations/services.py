"""Obligations: deadlines in force, extension requests, and the Article 7 reports due."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy.orm import contains_eager, selectinload

from outreach.directory.errors import ValidationError
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.obligations.models import (
    Article7Report,
    ExtensionRequest,
    ExtensionStatus,
    Obligation,
    ObligationStatus,
    ReportKind,
)
from outreach.reference.models import CcmStatus, State, ThematicArea

# Article 7(1): the initial report is due within 180 days of entry into force.
INITIAL_REPORT_DAYS = 180
DEFAULT_WINDOW_MONTHS = 24


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def window_end(today: dt.date | None = None, months: int = DEFAULT_WINDOW_MONTHS) -> dt.date:
    """The last day of the 'within N months' window that starts today."""
    return _today(today) + relativedelta(months=months)


@dataclass(frozen=True)
class Deadline:
    """An Article 3 or 4 deadline in force that is not yet met."""

    obligation: Obligation
    due_on: dt.date
    overdue: bool  # the deadline has passed and the obligation is not completed

    @property
    def state(self) -> State:
        return self.obligation.state

    @property
    def area_slug(self) -> str:
        return self.obligation.area_slug


def upcoming_deadlines(
    today: dt.date | None = None, months: int = DEFAULT_WINDOW_MONTHS
) -> list[Deadline]:
    """Art. 3/4 obligations not completed whose deadline in force falls before today + months
    (past ones too, flagged overdue), soonest first; one query (states loaded)."""
    today = _today(today)
    deadline = sa.func.coalesce(Obligation.extended_deadline, Obligation.original_deadline)
    query = (
        sa.select(Obligation)
        .join(Obligation.state)
        .options(contains_eager(Obligation.state))
        .where(
            State.ccm_status == CcmStatus.STATE_PARTY,
            Obligation.status != ObligationStatus.COMPLETED,
            deadline.is_not(None),
            deadline <= window_end(today, months),
        )
        .order_by(deadline, State.name, Obligation.article)
    )
    return [
        Deadline(obligation=o, due_on=o.deadline, overdue=o.deadline < today)
        for o in db.session.scalars(query)
    ]


@dataclass(frozen=True)
class DueReport:
    """An Article 7 report a State Party owes (or has sent), and whether it is late."""

    state: State
    kind: ReportKind
    year: int  # annual: the calendar year covered; initial: the year it was due
    due_on: dt.date
    report: Article7Report | None  # the record of its receipt, if any
    today: dt.date = field(default_factory=dt.date.today, compare=False)

    @property
    def received_on(self) -> dt.date | None:
        return self.report.received_on if self.report is not None else None

    @property
    def overdue(self) -> bool:
        """Due date passed and not received."""
        return self.received_on is None and self.due_on < self.today

    @property
    def label(self) -> str:
        if self.kind == ReportKind.INITIAL:
            return "Initial report"
        return f"Annual report for {self.year}"


def tracked_from() -> int:
    """The first year whose due reports are tracked (ARTICLE7_TRACKED_FROM): the ISU's records
    start then, so earlier reports are not listed as due."""
    return int(current_app.config.get("ARTICLE7_TRACKED_FROM", 2026))


def initial_due_on(entry_into_force: dt.date) -> dt.date:
    """Article 7(1): within 180 days of entry into force."""
    return entry_into_force + dt.timedelta(days=INITIAL_REPORT_DAYS)


def annual_due_on(year: int) -> dt.date:
    """Article 7(2): the annual update covering a calendar year is due on 30 April after it."""
    return dt.date(year + 1, 4, 30)


def due_on_for(state: State, kind: ReportKind, year: int) -> dt.date | None:
    """When this report is due (None if the State has no entry into force)."""
    if kind == ReportKind.ANNUAL:
        return annual_due_on(year)
    if state.entry_into_force_date is None:
        return None
    return initial_due_on(state.entry_into_force_date)


def _computed_reports(state: State, today: dt.date, first_year: int) -> list[tuple]:
    """(kind, year, due_on) of every report due up to today, due in first_year or later."""
    eif = state.entry_into_force_date
    if state.ccm_status != CcmStatus.STATE_PARTY or eif is None:
        return []
    due = []
    initial = initial_due_on(eif)
    if first_year <= initial.year and initial <= today:
        due.append((ReportKind.INITIAL, initial.year, initial))
    # Annual updates start with the year of entry into force, due the following 30 April.
    for year in range(max(eif.year, first_year - 1), today.year):
        due_on = annual_due_on(year)
        if due_on.year >= first_year and due_on <= today:
            due.append((ReportKind.ANNUAL, year, due_on))
    return due


def _due_reports(
    state: State, recorded: list[Article7Report], today: dt.date, first_year: int
) -> list[DueReport]:
    by_key = {(r.kind, r.year): r for r in recorded}
    reports = [
        DueReport(state, kind, year, due_on, by_key.pop((kind, year), None), today)
        for kind, year, due_on in _computed_reports(state, today, first_year)
    ]
    # Reports recorded though not (yet) due, e.g. received before the due date, are listed too.
    reports += [DueReport(state, r.kind, r.year, r.due_on, r, today) for r in by_key.values()]
    reports.sort(key=lambda d: (d.due_on, d.kind == ReportKind.ANNUAL), reverse=True)
    return reports


def expected_reports(state: State, today: dt.date | None = None) -> list[DueReport]:
    """The Article 7 reports due from this State Party up to today (initial: 180 days after
    entry into force; annual: 30 April for the previous calendar year, from the year after
    entry into force), tracked from ARTICLE7_TRACKED_FROM, plus any recorded as received;
    newest first."""
    recorded = list(
        db.session.scalars(sa.select(Article7Report).where(Article7Report.state_id == state.id))
    )
    return _due_reports(state, recorded, _today(today), tracked_from())


def _states_parties(states: Iterable[State] | None) -> list[State]:
    """The States Parties in force among `states`, or all of them (one query) when not given."""
    if states is not None:
        return [
            s
            for s in states
            if s.ccm_status == CcmStatus.STATE_PARTY and s.entry_into_force_date is not None
        ]
    return list(
        db.session.scalars(
            sa.select(State)
            .where(State.ccm_status == CcmStatus.STATE_PARTY)
            .where(State.entry_into_force_date.is_not(None))
        )
    )


def all_expected_reports(
    today: dt.date | None = None, states: Iterable[State] | None = None
) -> list[DueReport]:
    """Every State Party's expected reports, newest first, then by State (two queries); or
    those of the States Parties among `states`, already loaded (one query)."""
    today = _today(today)
    first_year = tracked_from()
    parties = _states_parties(states)
    query = sa.select(Article7Report)
    if states is not None:
        query = query.where(Article7Report.state_id.in_([s.id for s in parties]))
    recorded: dict[int, list[Article7Report]] = {}
    for report in db.session.scalars(query):
        recorded.setdefault(report.state_id, []).append(report)
    reports = []
    for state in parties:
        reports += _due_reports(state, recorded.get(state.id, []), today, first_year)
    reports.sort(key=lambda d: d.state.name)
    reports.sort(key=lambda d: d.due_on, reverse=True)
    return reports


def overdue_reports(
    today: dt.date | None = None, states: Iterable[State] | None = None
) -> list[DueReport]:
    """Every tracked report due and not received, across States Parties (or those among
    `states`, already loaded), oldest due first, in a constant number of queries."""
    late = [r for r in all_expected_reports(today, states) if r.overdue]
    return sorted(late, key=lambda d: (d.due_on, d.state.name))


# --- Seeding from the shipped data -------------------------------------------------------------

OBLIGATIONS_CSV = "ccm_obligations.csv"


def obligation_rows_text() -> str:
    """The shipped CSV file of Article 3 and 4 obligations."""
    data = resources.files("outreach.reference").joinpath(f"data/{OBLIGATIONS_CSV}")
    return data.read_text("utf-8")


def obligation_rows() -> list[dict[str, str]]:
    """The shipped Article 3 and 4 obligations, as text cells."""
    return list(csv.DictReader(io.StringIO(obligation_rows_text())))


def _cell_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def seed_obligations(report: Any = None) -> int:
    """Create the shipped obligations that are missing (by State and article); returns how many.

    An existing row is never touched: once loaded, the ISU corrects and completes it in
    Outreach, and a deployment must not undo that (the shipped extension cells are often blank,
    so a later data file is no more right than what staff entered)."""
    states = {s.iso3: s for s in db.session.scalars(sa.select(State))}
    existing = set(
        db.session.execute(
            sa.select(State.iso3, Obligation.article).join(Obligation.state)
        ).tuples()
    )
    created = 0
    for row in obligation_rows():
        iso3, article = row["iso3"].strip(), int(row["article"])
        state = states.get(iso3)
        if state is None or (iso3, article) in existing:
            continue
        db.session.add(
            Obligation(
                state=state,
                article=article,
                title=row["obligation"].strip()[:200],
                original_deadline=_cell_date(row["original_deadline"]),
                extended_deadline=_cell_date(row["extended_deadline"]),
                status=ObligationStatus(row["status"].strip() or ObligationStatus.UNKNOWN),
                completed_on=_cell_date(row["completion_date"]),
                source=row["source"].strip(),
            )
        )
        existing.add((iso3, article))
        created += 1
    if report is not None and hasattr(report, "obligations_created"):
        report.obligations_created += created
    return created


# --- Reading ------------------------------------------------------------------------------------

OPEN_REQUEST_STATUSES = (ExtensionStatus.SUBMITTED, ExtensionStatus.UNDER_ANALYSIS)


def deadline_in_force() -> sa.ColumnElement[Any]:
    """The deadline in force, in SQL: the extended one, else the original one."""
    return sa.func.coalesce(Obligation.extended_deadline, Obligation.original_deadline)


@dataclass(frozen=True)
class ObligationFilters:
    """What the obligations list is narrowed to."""

    article: int | None = None
    status: ObligationStatus | None = None
    region: str | None = None
    iso3: str | None = None
    due_within_months: int | None = None


def obligations_query(
    filters: ObligationFilters, today: dt.date | None = None
) -> sa.Select[tuple[Obligation]]:
    """Obligations matching the filters, with their State, by State then article."""
    query = (
        sa.select(Obligation)
        .join(Obligation.state)
        .options(contains_eager(Obligation.state), selectinload(Obligation.extension_requests))
        .order_by(State.name, Obligation.article, Obligation.id)
    )
    if filters.article is not None:
        query = query.where(Obligation.article == filters.article)
    if filters.status is not None:
        query = query.where(Obligation.status == filters.status)
    if filters.region:
        query = query.where(State.region == filters.region)
    if filters.iso3:
        query = query.where(State.iso3 == filters.iso3.upper())
    if filters.due_within_months is not None:
        query = query.where(
            Obligation.status != ObligationStatus.COMPLETED,
            deadline_in_force() <= window_end(today, filters.due_within_months),
        )
    return query


def find_obligations(filters: ObligationFilters, today: dt.date | None = None) -> list[Obligation]:
    """Every obligation matching the filters (two queries: rows and extension requests)."""
    return list(db.session.scalars(obligations_query(filters, today)).unique())


def open_request(obligation: Obligation) -> ExtensionRequest | None:
    """The extension request still awaiting a decision, if any."""
    for extension in obligation.extension_requests:
        if extension.status in OPEN_REQUEST_STATUSES:
            return extension
    return None


def get_obligation(obligation_id: int) -> Obligation | None:
    """An obligation with its State and extension requests."""
    return db.session.scalar(
        sa.select(Obligation)
        .where(Obligation.id == obligation_id)
        .options(selectinload(Obligation.state), selectinload(Obligation.extension_requests))
    )


def state_obligations(state: State) -> list[Obligation]:
    """The State's Article 3 and 4 obligations, by article."""
    return list(
        db.session.scalars(
            sa.select(Obligation)
            .where(Obligation.state_id == state.id)
            .options(selectinload(Obligation.extension_requests))
            .order_by(Obligation.article)
        )
    )


def dialogue_ids(pairs: Iterable[tuple[int, str]], user: Any) -> dict[tuple[int, str], int]:
    """{(state_id, area slug): dialogue id} of the dialogues the user may see, for these pairs
    (one query)."""
    from outreach.dialogues.models import Dialogue
    from outreach.dialogues.services import visible_dialogues

    pairs = set(pairs)
    if not pairs:
        return {}
    rows = db.session.execute(
        visible_dialogues(user)
        .with_only_columns(Dialogue.id, Dialogue.state_id, ThematicArea.slug)
        .join(ThematicArea, ThematicArea.id == Dialogue.area_id)
        .where(Dialogue.state_id.in_({state_id for state_id, _ in pairs}))
        .where(ThematicArea.slug.in_({slug for _, slug in pairs}))
    )
    return {(row.state_id, row.slug): row.id for row in rows}


# --- Changing -----------------------------------------------------------------------------------

NUL_MESSAGE = "Remove the invisible NUL character from this value."


@dataclass
class ObligationData:
    """The editable values of an obligation."""

    original_deadline: dt.date | None
    extended_deadline: dt.date | None
    status: str
    completed_on: dt.date | None
    source: str = ""
    notes: str = ""


def _refuse_nul(texts: dict[str, str]) -> None:
    errors = {name: NUL_MESSAGE for name, value in texts.items() if "\x00" in (value or "")}
    if errors:
        raise ValidationError(errors)


def clean_obligation(
    obligation: Obligation, data: ObligationData, today: dt.date | None = None
) -> dict[str, Any]:
    """Checked values ready to store; raises ValidationError per field."""
    today = _today(today)
    _refuse_nul({"source": data.source, "notes": data.notes, "status": data.status})
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "original_deadline": data.original_deadline,
        "extended_deadline": data.extended_deadline,
        "completed_on": data.completed_on,
        "source": data.source.strip(),
        "notes": data.notes.strip(),
    }
    try:
        status = values["status"] = ObligationStatus(data.status)
    except ValueError:
        errors["status"] = "Choose the status: unknown, in progress or completed."
        status = None
    if (
        data.extended_deadline
        and data.original_deadline
        and data.extended_deadline <= data.original_deadline
    ):
        errors["extended_deadline"] = "An extended deadline comes after the original deadline."
    if data.completed_on and data.completed_on > today:
        errors["completed_on"] = "The completion date cannot be in the future."
    elif status == ObligationStatus.COMPLETED:
        # Rows shipped as completed often have no known date: they keep saving without one,
        # but completing an obligation in Outreach needs the day it was completed.
        if not data.completed_on and obligation.status != ObligationStatus.COMPLETED:
            errors["completed_on"] = "Enter the date the obligation was completed."
    elif data.completed_on and status is not None:
        errors["completed_on"] = "Only a completed obligation has a completion date: set the "
        errors["completed_on"] += "status to completed, or clear the date."
    if errors:
        raise ValidationError(errors)
    return values


def update_obligation(
    obligation: Obligation,
    data: ObligationData,
    expected_version: int | None,
    today: dt.date | None = None,
) -> Obligation:
    """Save changes unless someone else saved the obligation since `expected_version`."""
    check_version(obligation, expected_version)
    for name, value in clean_obligation(obligation, data, today).items():
        setattr(obligation, name, value)
    commit_or_conflict(obligation, expected_version)
    return obligation


@dataclass
class ExtensionData:
    """The editable values of an extension request."""

    submitted_on: dt.date | None
    requested_deadline: dt.date | None
    status: str
    decided_at_meeting: str = ""
    decided_on: dt.date | None = None
    new_deadline: dt.date | None = None
    notes: str = ""


DECIDED = (ExtensionStatus.GRANTED, ExtensionStatus.REFUSED)


def _deadline_before(obligation: Obligation, extension: ExtensionRequest | None) -> dt.date | None:
    """The deadline a new one must come after: the one in force, unless this very request set
    it (then the one it extended)."""
    sets_it = (
        extension is not None
        and extension.status == ExtensionStatus.GRANTED
        and extension.new_deadline is not None
        and extension.new_deadline == obligation.extended_deadline
    )
    if not sets_it:
        return obligation.deadline
    earlier = [
        e.new_deadline
        for e in obligation.extension_requests
        if e is not extension and e.status == ExtensionStatus.GRANTED and e.new_deadline
    ]
    return max([d for d in [obligation.original_deadline, *earlier] if d], default=None)


def clean_extension(
    obligation: Obligation,
    data: ExtensionData,
    extension: ExtensionRequest | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Checked values of an extension request; raises ValidationError per field."""
    today = _today(today)
    meeting = " ".join(data.decided_at_meeting.split())
    _refuse_nul({"decided_at_meeting": meeting, "notes": data.notes, "status": data.status})
    errors: dict[str, str] = {}
    try:
        status = ExtensionStatus(data.status)
    except ValueError:
        errors["status"] = "Choose where the request stands."
        status = None
    if data.submitted_on is None:
        errors["submitted_on"] = "Enter the date the request was submitted."
    elif data.submitted_on > today:
        errors["submitted_on"] = "The submission date cannot be in the future."
    if status in DECIDED:
        if not meeting:
            errors["decided_at_meeting"] = "Enter the meeting that decided, such as 13MSP."
        if data.decided_on is None:
            errors["decided_on"] = "Enter the date of the decision."
    if data.decided_on is not None:
        if data.decided_on > today:
            errors["decided_on"] = "The decision date cannot be in the future."
        elif data.submitted_on and data.decided_on < data.submitted_on:
            errors["decided_on"] = "The decision cannot come before the request was submitted."
    current = _deadline_before(obligation, extension)
    if data.requested_deadline and current and data.requested_deadline <= current:
        errors["requested_deadline"] = (
            f"The requested deadline must come after the deadline in force ({current.isoformat()})."
        )
    if status == ExtensionStatus.GRANTED:
        if data.new_deadline is None:
            errors["new_deadline"] = "Enter the new deadline the meeting granted."
        elif current and data.new_deadline <= current:
            errors["new_deadline"] = (
                f"The new deadline must come after the deadline in force ({current.isoformat()})."
            )
    elif data.new_deadline is not None and status is not None:
        errors["new_deadline"] = "Only a granted request has a new deadline: clear it."
    if errors:
        raise ValidationError(errors)
    return {
        "submitted_on": data.submitted_on,
        "requested_deadline": data.requested_deadline,
        "status": status,
        "decided_at_meeting": meeting[:60],
        "decided_on": data.decided_on,
        "new_deadline": data.new_deadline,
        "notes": data.notes.strip(),
    }


def _apply_grant(obligation: Obligation, extension: ExtensionRequest) -> None:
    """A granted request's new deadline becomes the obligation's extended deadline."""
    if extension.status == ExtensionStatus.GRANTED and extension.new_deadline:
        if obligation.extended_deadline != extension.new_deadline:
            obligation.extended_deadline = extension.new_deadline
        if obligation.status == ObligationStatus.UNKNOWN:
            obligation.status = ObligationStatus.IN_PROGRESS


def add_extension_request(
    obligation: Obligation, data: ExtensionData, today: dt.date | None = None
) -> ExtensionRequest:
    """Record an extension request (and, if granted, the obligation's new deadline)."""
    values = clean_extension(obligation, data, None, today)
    extension = ExtensionRequest(**values)
    obligation.extension_requests.append(extension)
    _apply_grant(obligation, extension)
    db.session.commit()
    return extension


def update_extension_request(
    extension: ExtensionRequest,
    data: ExtensionData,
    expected_version: int | None,
    today: dt.date | None = None,
) -> ExtensionRequest:
    """Save an extension request unless someone else saved it since `expected_version`."""
    check_version(extension, expected_version)
    obligation = extension.obligation
    for name, value in clean_extension(obligation, data, extension, today).items():
        setattr(extension, name, value)
    _apply_grant(obligation, extension)
    commit_or_conflict(extension, expected_version)
    return extension


def get_extension_request(obligation: Obligation, request_id: int) -> ExtensionRequest | None:
    """One of the obligation's extension requests."""
    for extension in obligation.extension_requests:
        if extension.id == request_id:
            return extension
    return None


@dataclass
class ReportData:
    """An Article 7 report received: which one, when, and notes."""

    kind: str
    year: int | None
    received_on: dt.date | None
    notes: str = ""


def get_report(state: State, kind: ReportKind, year: int) -> Article7Report | None:
    """The record of this report of the State, if any."""
    return db.session.scalar(
        sa.select(Article7Report).where(
            Article7Report.state_id == state.id,
            Article7Report.kind == kind,
            Article7Report.year == year,
        )
    )


def record_report(
    state: State,
    data: ReportData,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Article7Report:
    """Record (or correct) the receipt of an Article 7 report; returns its record."""
    today = _today(today)
    _refuse_nul({"notes": data.notes, "kind": data.kind})
    errors: dict[str, str] = {}
    try:
        kind = ReportKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose the initial report or an annual report."
        kind = None
    if state.ccm_status != CcmStatus.STATE_PARTY or state.entry_into_force_date is None:
        errors["kind"] = f"{state.name} is not a State Party owing Article 7 reports."
    year = data.year
    if kind == ReportKind.INITIAL and "kind" not in errors:
        year = initial_due_on(state.entry_into_force_date).year  # there is only one
    elif year is None or not 1990 <= year <= today.year:
        errors["year"] = f"Enter the year the report covers, up to {today.year}."
    elif state.entry_into_force_date and year < state.entry_into_force_date.year:
        errors["year"] = (
            f"{state.name}'s first annual report covers {state.entry_into_force_date.year}."
        )
    if data.received_on is None:
        errors["received_on"] = "Enter the date the report was received."
    elif data.received_on > today:
        errors["received_on"] = "The date received cannot be in the future."
    if errors:
        raise ValidationError(errors)
    report = get_report(state, kind, year)
    if report is None:
        report = Article7Report(
            state=state, kind=kind, year=year, due_on=due_on_for(state, kind, year)
        )
        db.session.add(report)
    else:
        check_version(report, expected_version)
    report.received_on = data.received_on
    report.notes = data.notes.strip()
    if report.id is None:
        db.session.commit()
    else:
        commit_or_conflict(report, expected_version)
    return report
