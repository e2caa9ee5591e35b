"""Engagement stages: moving a State from one stage to the next, recording a deposit, the board."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from outreach.audit.services import current_actor
from outreach.directory.errors import ConflictError, ValidationError
from outreach.directory.versions import changes_since, check_version, commit_or_conflict
from outreach.extensions import db
from outreach.reference.models import CcmStatus, ConsentType, State
from outreach.reference.services import record_consent
from outreach.universalization.models import Engagement, Stage, StageEvent

# The States universalization works with: all but the States Parties.
ENGAGED_STATUSES = (CcmStatus.SIGNATORY, CcmStatus.NOT_PARTY, CcmStatus.WITHDRAWN)
# A deposit goes through record_deposit, which also makes the State a State Party.
MOVABLE_STAGES = tuple(stage for stage in Stage if stage != Stage.INSTRUMENT_DEPOSITED)
# How long a State that joined through a deposit recorded here stays on the board.
DEPOSITED_SHOWN_DAYS = 365
# No instrument can predate the Convention's opening for signature (Oslo, 3 December 2008).
OPENED_FOR_SIGNATURE = dt.date(2008, 12, 3)
NOTE_MAX = 2000
SOURCE_MAX = 1000


def engagement_of(state: State) -> Engagement | None:
    """The State's current engagement; None when no stage was ever recorded (no contact)."""
    return db.session.scalar(sa.select(Engagement).where(Engagement.state_id == state.id))


def stage_history(state: State) -> list[StageEvent]:
    """The State's moves from stage to stage, newest first, with who made them."""
    query = (
        sa.select(StageEvent)
        .where(StageEvent.state_id == state.id)
        .options(selectinload(StageEvent.user))
        .order_by(StageEvent.at.desc(), StageEvent.id.desc())
    )
    return list(db.session.scalars(query))


def engagements_by_state(state_ids: Sequence[int]) -> dict[int, Engagement]:
    """The engagements of several States in one query, by State id (for other lists)."""
    if not state_ids:
        return {}
    query = sa.select(Engagement).where(Engagement.state_id.in_(list(state_ids)))
    return {engagement.state_id: engagement for engagement in db.session.scalars(query)}


def time_in_stage(since: dt.date | None, today: dt.date | None = None) -> str:
    """How long a State has been in its stage, as people say it: "12 days", "3 months"."""
    if since is None:
        return ""
    today = today or dt.date.today()
    days = (today - since).days
    if days < 1:
        return "less than a day"
    if days < 14:
        return _plural(days, "day")
    if days < 61:
        return _plural(days // 7, "week")
    months = (today.year - since.year) * 12 + today.month - since.month
    months -= today.day < since.day
    if months < 24:
        return _plural(months, "month")
    return _plural(months // 12, "year")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _clean_text(value: str | None, limit: int, name: str, errors: dict[str, str]) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        errors[name] = f"Keep this under {limit + 1} characters."
    return text


def _clean_since(since: dt.date | None, today: dt.date, current: Engagement | None) -> dt.date:
    since = since or today
    if since > today:
        raise ValidationError({"since": "The date cannot be in the future."})
    if current is not None and since < current.since:
        raise ValidationError(
            {
                "since": f"The current stage began on {current.since:%-d %b %Y}: "
                "give that date or a later one."
            }
        )
    return since


def _check_expected(engagement: Engagement | None, expected_version: int | None) -> None:
    """Refuse a change based on an older reading; version 0 means "no stage recorded yet"."""
    if expected_version is None:
        return
    if engagement is None:
        if expected_version != 0:
            raise ValidationError({"version": "No stage is recorded yet: send version 0."})
        return
    if expected_version == 0:
        raise ConflictError(engagement, changes_since(engagement, 0))
    check_version(engagement, expected_version)


def _stage(value: Stage | str | None) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise ValidationError({"stage": "Choose a stage."}) from None


def _set_stage(
    state: State, engagement: Engagement | None, stage: Stage, since: dt.date, note: str, user: Any
) -> Engagement:
    """Change (or create) the engagement and record the move, without committing."""
    old_stage = engagement.stage if engagement is not None else None
    if engagement is None:
        engagement = Engagement(state_id=state.id, stage=stage, since=since)
        db.session.add(engagement)
    else:
        engagement.stage = stage
        engagement.since = since
    _user_id, label, _ip = current_actor()
    db.session.add(
        StageEvent(
            state_id=state.id,
            old_stage=old_stage,
            new_stage=stage,
            since=since,
            note=note,
            user_id=getattr(user, "id", None),
            actor_label=getattr(user, "email", None) or label,
        )
    )
    return engagement


def _prepare_move(
    state: State,
    stage: Stage | str | None,
    since: dt.date | None,
    note: str | None,
    user: Any,
    expected_version: int | None,
    today: dt.date | None,
) -> Engagement:
    if state.ccm_status == CcmStatus.STATE_PARTY:
        raise ValidationError(
            {
                "stage": f"{state.name} is a State Party: only signatories, States not party and "
                "withdrawn States have an engagement stage."
            }
        )
    engagement = engagement_of(state)
    _check_expected(engagement, expected_version)
    chosen = _stage(stage)
    if chosen == Stage.INSTRUMENT_DEPOSITED:
        raise ValidationError(
            {
                "stage": "Record the deposit of the instrument instead: it also makes the State a "
                "State Party."
            }
        )
    current = engagement.stage if engagement is not None else Stage.NO_CONTACT
    if chosen == current:
        raise ValidationError({"stage": f"{state.name} is already at “{chosen.label}”."})
    errors: dict[str, str] = {}
    text = _clean_text(note, NOTE_MAX, "note", errors)
    if errors:
        raise ValidationError(errors)
    day = _clean_since(since, today or dt.date.today(), engagement)
    return _set_stage(state, engagement, chosen, day, text, user)


def move_stage(
    state: State,
    stage: Stage | str | None,
    since: dt.date | None = None,
    note: str | None = "",
    user: Any = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Engagement:
    """Move a signatory, State not party or withdrawn State to another stage, with its history."""
    engagement = _prepare_move(state, stage, since, note, user, expected_version, today)
    _commit(engagement, expected_version)
    return engagement


def _commit(engagement: Engagement, expected_version: int | None) -> None:
    """Commit; a lost race (another move in between) becomes a ConflictError."""
    state_id = engagement.state_id
    try:
        commit_or_conflict(engagement, expected_version)
    except IntegrityError:
        # Someone else recorded the State's first stage at the same time.
        db.session.rollback()
        current = db.session.scalar(sa.select(Engagement).where(Engagement.state_id == state_id))
        raise ConflictError(current, changes_since(current, 0)) from None


def _consent_field(message: str) -> str:
    """Which field of the deposit form a refusal of record_consent is about."""
    lowered = message.lower()
    if "accession" in lowered:
        return "consent_type"
    if "source" in lowered:
        return "source"
    return "consent_date"


@dataclass
class Deposit:
    """A deposited instrument as plain values, from a form or a request."""

    consent_date: dt.date | None = None
    consent_type: str = ""
    source: str = ""
    note: str = ""


def _clean_deposit(state: State, deposit: Deposit, today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if state.ccm_status == CcmStatus.STATE_PARTY:
        raise ValidationError({"consent_date": f"{state.name} is already a State Party."})
    if deposit.consent_date is None:
        errors["consent_date"] = "Give the date of the deposit."
    elif deposit.consent_date > today:
        errors["consent_date"] = "The date cannot be in the future."
    elif deposit.consent_date < OPENED_FOR_SIGNATURE:
        errors["consent_date"] = "The Convention was opened for signature on 3 December 2008."
    if deposit.consent_type not in {kind.value for kind in ConsentType}:
        errors["consent_type"] = "Choose the type of instrument."
    elif deposit.consent_type != ConsentType.ACCESSION and state.signature_date is None:
        errors["consent_type"] = (
            f"{state.name} has not signed the Convention: it joins by accession."
        )
    source = _clean_text(deposit.source, SOURCE_MAX, "source", errors)
    if not source and "source" not in errors:
        errors["source"] = "Give the source of the deposit (e.g. the depositary notification)."
    note = _clean_text(deposit.note, NOTE_MAX, "note", errors)
    if errors:
        raise ValidationError(errors)
    return {"consent_date": deposit.consent_date, "source": source, "note": note}


def record_deposit(
    state: State,
    deposit: Deposit,
    user: Any = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Engagement:
    """Record a deposited instrument: the State moves to "Instrument deposited" and becomes a
    State Party (entry into force per Article 17), both in one transaction."""
    today = today or dt.date.today()
    values = _clean_deposit(state, deposit, today)
    engagement = engagement_of(state)
    _check_expected(engagement, expected_version)
    consent_date: dt.date = values["consent_date"]
    note = values["note"] or f"{deposit.consent_type.capitalize()} deposited."
    engagement = _set_stage(state, engagement, Stage.INSTRUMENT_DEPOSITED, consent_date, note, user)
    state_id = state.id
    try:
        # record_consent updates the State, writes its StatusEvents and commits the stage too.
        record_consent(state, consent_date, deposit.consent_type, values["source"])
    except ValueError as error:
        db.session.rollback()
        raise ValidationError({_consent_field(str(error)): str(error)}) from None
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        current = db.session.scalar(sa.select(Engagement).where(Engagement.state_id == state_id))
        if current is None:
            raise ValidationError(
                {"consent_date": "The deposit was not saved: try again."}
            ) from None
        raise ConflictError(current, changes_since(current, expected_version or 0)) from None
    return engagement


@dataclass(frozen=True)
class BoardEntry:
    """One State on the board: its stage, since when, and whether a stage was ever recorded."""

    state: State
    stage: Stage
    since: dt.date | None
    recorded: bool
    days: int | None
    time_in_stage: str
    version: int


@dataclass(frozen=True)
class BoardColumn:
    """The States in one stage."""

    stage: Stage
    entries: list[BoardEntry]


@dataclass(frozen=True)
class BoardFilters:
    """What the board shows: a region, a CCM status, a stage (None = all)."""

    region: str | None = None
    status: CcmStatus | None = None
    stage: Stage | None = None


def _board_query(filters: BoardFilters, today: dt.date) -> sa.Select[Any]:
    recent = today - dt.timedelta(days=DEPOSITED_SHOWN_DAYS)
    query = (
        sa.select(State, Engagement)
        .outerjoin(Engagement, Engagement.state_id == State.id)
        .where(
            sa.or_(
                State.ccm_status.in_(ENGAGED_STATUSES),
                # States Parties that joined through a deposit recorded here, for a year.
                sa.and_(
                    State.ccm_status == CcmStatus.STATE_PARTY,
                    Engagement.stage == Stage.INSTRUMENT_DEPOSITED,
                    Engagement.since >= recent,
                ),
            )
        )
        .order_by(State.name, State.id)
    )
    if filters.region:
        query = query.where(State.region == filters.region)
    if filters.status:
        query = query.where(State.ccm_status == filters.status)
    if filters.stage == Stage.NO_CONTACT:
        query = query.where(sa.or_(Engagement.id.is_(None), Engagement.stage == Stage.NO_CONTACT))
    elif filters.stage:
        query = query.where(Engagement.stage == filters.stage)
    return query


def board_entries(filters: BoardFilters, today: dt.date | None = None) -> list[BoardEntry]:
    """Every State on the board (one query), by name."""
    today = today or dt.date.today()
    entries = []
    for state, engagement in db.session.execute(_board_query(filters, today)):
        since = engagement.since if engagement is not None else None
        entries.append(
            BoardEntry(
                state=state,
                stage=engagement.stage if engagement is not None else Stage.NO_CONTACT,
                since=since,
                recorded=engagement is not None,
                days=(today - since).days if since else None,
                time_in_stage=time_in_stage(since, today),
                version=engagement.version if engagement is not None else 0,
            )
        )
    return entries


def board(filters: BoardFilters, today: dt.date | None = None) -> list[BoardColumn]:
    """The board: one column per stage, in order, each with its States by name."""
    entries = board_entries(filters, today)
    return [
        BoardColumn(stage=stage, entries=[e for e in entries if e.stage == stage])
        for stage in Stage
    ]
