"""Dialogues: who may see which, opening one, changing its status, and when it was last active."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from outreach.audit.services import current_actor, record
from outreach.auth.models import Role, User, user_area
from outreach.db import utcnow
from outreach.dialogues.models import Dialogue, DialogueEvent, DialogueStatus
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, paginate
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.interactions.models import FollowUp, Interaction, interaction_dialogue
from outreach.interactions.services import visible_interactions
from outreach.reference.models import State, ThematicArea
from outreach.universalization.models import Engagement


def _is_staff(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)


def visible_dialogues(user: Any) -> sa.Select[tuple[Dialogue]]:
    """Every dialogue the user may read: staff see all, a coordinator those of their areas.
    Every dialogue list, page, export and API starts from this query."""
    query = sa.select(Dialogue)
    if not _is_staff(user):
        area_ids = [area.id for area in getattr(user, "areas", None) or []]
        query = query.where(Dialogue.area_id.in_(area_ids))
    return query


def last_contacts(user: Any) -> sa.Subquery:
    """(dialogue_id, last_contact): the date of each dialogue's latest interaction the user may
    see, so that a confidential interaction does not even show through its date."""
    visible = visible_interactions(user).with_only_columns(Interaction.id).subquery()
    link = interaction_dialogue.c
    return (
        sa.select(
            link.dialogue_id.label("dialogue_id"),
            sa.func.max(Interaction.occurred_on).label("last_contact"),
        )
        .join(Interaction, Interaction.id == link.interaction_id)
        .where(Interaction.id.in_(sa.select(visible.c.id)))
        .group_by(link.dialogue_id)
        .subquery()
    )


def stale_days() -> int:
    """After how many days without an interaction a dialogue is stale (DIALOGUE_STALE_DAYS)."""
    return int(current_app.config.get("DIALOGUE_STALE_DAYS", 90))


def stale_before(today: dt.date | None = None) -> dt.date:
    """A dialogue whose last contact is before this day (or that has none) is stale."""
    return (today or dt.date.today()) - dt.timedelta(days=stale_days())


def is_stale(
    dialogue: Dialogue, last_contact: dt.date | None, today: dt.date | None = None
) -> bool:
    """Stale: an open dialogue with no interaction for N days (concluded ones never are)."""
    if dialogue.status == DialogueStatus.CONCLUDED:
        return False
    return last_contact is None or last_contact < stale_before(today)


def dialogue_for(state: State, area: ThematicArea) -> Dialogue | None:
    """The dialogue with this State on this area, if there is one."""
    return db.session.scalar(
        sa.select(Dialogue).where(Dialogue.state_id == state.id, Dialogue.area_id == area.id)
    )


def area_by_slug(slug: str) -> ThematicArea | None:
    """A thematic area from its slug."""
    return db.session.scalar(sa.select(ThematicArea).where(ThematicArea.slug == slug))


def ensure_dialogue(state: State, area: ThematicArea, user: Any = None) -> tuple[Dialogue, bool]:
    """The State's dialogue on the area, added (not started) if there is none; the caller
    commits. Returns the dialogue and whether it was just added."""
    existing = dialogue_for(state, area)
    if existing is not None:
        return existing, False
    dialogue = Dialogue(state=state, area=area, created_by_id=getattr(user, "id", None))
    db.session.add(dialogue)
    record_status(dialogue, DialogueStatus.NOT_STARTED, "Dialogue opened.", user, old=None)
    return dialogue, True


def open_dialogue(state: State, area: ThematicArea, user: Any = None) -> tuple[Dialogue, bool]:
    """The State's dialogue on the area, created (not started) if there is none; commits.
    Returns the dialogue and whether it was just created."""
    dialogue, created = ensure_dialogue(state, area, user)
    if created:
        db.session.commit()
    return dialogue, created


def record_status(
    dialogue: Dialogue,
    status: DialogueStatus,
    note: str,
    user: Any = None,
    *,
    old: DialogueStatus | None | str = "current",
) -> DialogueEvent:
    """Set the dialogue's status and add the change to its history (the caller commits)."""
    previous = dialogue.status if old == "current" else old
    user_id, label, _ip = current_actor()
    dialogue.status = status
    event = DialogueEvent(
        old_status=previous,
        new_status=status,
        note=note.strip(),
        user_id=getattr(user, "id", None) or user_id,
        actor_label=label,
    )
    dialogue.events.append(event)
    return event


# Reading a dialogue: its page, its linked interactions and follow-ups, the State's dialogues,
# and the filtered list of the API. Each reader sees what visible_dialogues and
# visible_interactions allow, nothing more.

DIALOGUE_INTERACTIONS_PER_PAGE = 10
POSITION_MAX = 5000
NEXT_STEP_MAX = 500
NOTE_MAX = 2000
# A next step is dated between the Convention's adoption year and ten years from now.
EARLIEST_NEXT_STEP = dt.date(2008, 1, 1)
NEXT_STEP_HORIZON_DAYS = 3653


def get_dialogue(dialogue_id: int, user: Any) -> Dialogue | None:
    """One dialogue with its State, area, people and history, if the user may read it."""
    query = (
        visible_dialogues(user)
        .where(Dialogue.id == dialogue_id)
        .options(
            joinedload(Dialogue.state),
            joinedload(Dialogue.area),
            selectinload(Dialogue.responsible).selectinload(User.areas),
            selectinload(Dialogue.events).joinedload(DialogueEvent.user),
        )
    )
    return db.session.scalars(query).unique().first()


def last_contact_of(dialogue: Dialogue, user: Any) -> dt.date | None:
    """The date of the dialogue's latest interaction the user may see."""
    contacts = last_contacts(user)
    return db.session.scalar(
        sa.select(contacts.c.last_contact).where(contacts.c.dialogue_id == dialogue.id)
    )


def linked_interactions(dialogue: Dialogue, user: Any, page: int = 1) -> Page:
    """The interactions linked to the dialogue that the user may see, newest first."""
    linked = sa.select(interaction_dialogue.c.interaction_id).where(
        interaction_dialogue.c.dialogue_id == dialogue.id
    )
    query = (
        visible_interactions(user)
        .where(Interaction.id.in_(linked))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    )
    return paginate(query, max(1, page), DIALOGUE_INTERACTIONS_PER_PAGE)


def open_followups(dialogue: Dialogue, user: Any) -> list[FollowUp]:
    """The dialogue's follow-ups not done yet, soonest first; one attached to an interaction
    the user may not see is left out with it."""
    visible_ids = visible_interactions(user).with_only_columns(Interaction.id)
    query = (
        sa.select(FollowUp)
        .where(
            FollowUp.dialogue_id == dialogue.id,
            FollowUp.done_at.is_(None),
            sa.or_(FollowUp.interaction_id.is_(None), FollowUp.interaction_id.in_(visible_ids)),
        )
        .options(selectinload(FollowUp.owner))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    return list(db.session.scalars(query))


def engagement_of(state: State) -> Engagement | None:
    """The State's universalization engagement stage; none means no contact yet."""
    return db.session.scalar(sa.select(Engagement).where(Engagement.state_id == state.id))


def split_responsible(dialogue: Dialogue) -> tuple[list[User], list[User]]:
    """The people responsible, as (coordinators, ISU staff)."""
    coordinators = [u for u in dialogue.responsible if u.role == Role.COORDINATOR]
    staff = [u for u in dialogue.responsible if u.role != Role.COORDINATOR]
    return coordinators, staff


@dataclass(frozen=True)
class DialogueRow:
    """A dialogue in a list, with the last contact its reader may see and whether it is stale."""

    dialogue: Dialogue
    last_contact: dt.date | None
    stale: bool


def _rows(results: Any, today: dt.date | None = None) -> list[DialogueRow]:
    return [
        DialogueRow(dialogue, last_contact, is_stale(dialogue, last_contact, today))
        for dialogue, last_contact in results
    ]


def state_dialogues(state: State, user: Any) -> list[DialogueRow]:
    """The State's dialogues the user may read, in the areas' order (one query)."""
    contacts = last_contacts(user)
    query = (
        visible_dialogues(user)
        .add_columns(contacts.c.last_contact)
        .outerjoin(contacts, contacts.c.dialogue_id == Dialogue.id)
        .join(ThematicArea, ThematicArea.id == Dialogue.area_id)
        .where(Dialogue.state_id == state.id)
        .options(contains_eager(Dialogue.area))
        .order_by(ThematicArea.position)
    )
    return _rows(db.session.execute(query).all())


def areas_without_dialogue(state: State) -> list[ThematicArea]:
    """The thematic areas on which the State has no dialogue yet."""
    opened = sa.select(Dialogue.area_id).where(Dialogue.state_id == state.id)
    query = (
        sa.select(ThematicArea)
        .where(ThematicArea.id.not_in(opened))
        .order_by(ThematicArea.position)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class DialogueFilters:
    """What a reader asked to see of the dialogues."""

    area_slug: str | None = None
    status: DialogueStatus | None = None
    iso3: str | None = None
    stale: bool | None = None


def find_dialogues(
    user: Any, filters: DialogueFilters, page: int, per_page: int, today: dt.date | None = None
) -> tuple[list[DialogueRow], int]:
    """One page of the dialogues the user may read matching the filters (by State, then
    area), and how many match in all."""
    contacts = last_contacts(user)
    query = (
        visible_dialogues(user)
        .add_columns(contacts.c.last_contact)
        .outerjoin(contacts, contacts.c.dialogue_id == Dialogue.id)
        .join(State, State.id == Dialogue.state_id)
        .join(ThematicArea, ThematicArea.id == Dialogue.area_id)
    )
    if filters.area_slug:
        query = query.where(ThematicArea.slug == filters.area_slug)
    if filters.status:
        query = query.where(Dialogue.status == filters.status)
    if filters.iso3:
        query = query.where(State.iso3 == filters.iso3.strip().upper())
    if filters.stale is not None:
        stale = sa.and_(
            Dialogue.status != DialogueStatus.CONCLUDED,
            sa.or_(
                contacts.c.last_contact.is_(None),
                contacts.c.last_contact < stale_before(today),
            ),
        )
        query = query.where(stale if filters.stale else sa.not_(stale))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = (
        query.options(
            contains_eager(Dialogue.state),
            contains_eager(Dialogue.area),
            selectinload(Dialogue.responsible),
        )
        .order_by(State.name, ThematicArea.position, Dialogue.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return _rows(db.session.execute(query).all(), today), total


# Changing a dialogue.


@dataclass
class DialogueData:
    """A dialogue's editable values, as plain values from a form or a request."""

    status: str = DialogueStatus.NOT_STARTED.value
    position: str = ""
    next_step: str = ""
    next_step_due: dt.date | None = None
    responsible_ids: Sequence[int] = ()
    status_note: str = ""


def data_of(dialogue: Dialogue) -> DialogueData:
    """The dialogue's current values, as a form or a partial update starts from them."""
    return DialogueData(
        status=dialogue.status.value,
        position=dialogue.position or "",
        next_step=dialogue.next_step or "",
        next_step_due=dialogue.next_step_due,
        responsible_ids=[u.id for u in dialogue.responsible],
    )


def responsible_candidates(area: ThematicArea, keep: Sequence[User] = ()) -> list[User]:
    """Who may be made responsible for a dialogue on the area: active ISU staff and admins,
    and the active coordinators of that area; those in `keep` (already responsible) stay
    choosable, so that saving something else never fails on them."""
    of_area = sa.select(user_area.c.user_id).where(user_area.c.area_id == area.id)
    query = (
        sa.select(User)
        .where(
            User.active.is_(True),
            sa.or_(
                User.role.in_([Role.ADMIN, Role.STAFF]),
                sa.and_(User.role == Role.COORDINATOR, User.id.in_(of_area)),
            ),
        )
        .order_by(User.role, User.name, User.email)
    )
    found = list(db.session.scalars(query))
    return found + [user for user in keep if user not in found]


def _text(value: str | None, name: str, limit: int, errors: dict[str, str]) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        errors[name] = "Remove the invisible NUL character from this value."
    elif len(text) > limit:
        errors[name] = f"Keep this under {limit + 1} characters."
    return text


def _clean(dialogue: Dialogue, data: DialogueData, today: dt.date) -> dict[str, Any]:
    """Checked values ready to store; raises ValidationError with a message per field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "position": _text(data.position, "position", POSITION_MAX, errors),
        "next_step": _text(data.next_step, "next_step", NEXT_STEP_MAX, errors),
        "status_note": _text(data.status_note, "status_note", NOTE_MAX, errors),
    }
    try:
        values["status"] = DialogueStatus(data.status)
    except ValueError:
        errors["status"] = "Choose the dialogue's status."
    due = data.next_step_due
    latest = today + dt.timedelta(days=NEXT_STEP_HORIZON_DAYS)
    if due is not None and not EARLIEST_NEXT_STEP <= due <= latest:
        errors["next_step_due"] = (
            f"Give a date between {EARLIEST_NEXT_STEP.isoformat()} and {latest.isoformat()}."
        )
    values["next_step_due"] = due
    if due is not None and not values["next_step"] and "next_step" not in errors:
        errors["next_step"] = "Say what the next step is, or clear its date."
    candidates = {u.id: u for u in responsible_candidates(dialogue.area, dialogue.responsible)}
    wanted = list(dict.fromkeys(int(i) for i in data.responsible_ids))
    if any(i not in candidates for i in wanted):
        errors["responsible"] = (
            "Choose ISU staff, or coordinators of this dialogue's area, among the active users."
        )
    values["responsible"] = [candidates[i] for i in wanted if i in candidates]
    if errors:
        raise ValidationError(errors)
    return values


def update_dialogue(
    dialogue: Dialogue,
    data: DialogueData,
    expected_version: int | None,
    user: Any = None,
    today: dt.date | None = None,
) -> Dialogue:
    """Save the dialogue's values unless someone else saved it since `expected_version`; a new
    status goes into its history with the note. Commits once."""
    check_version(dialogue, expected_version)
    values = _clean(dialogue, data, today or dt.date.today())
    before = {u.id for u in dialogue.responsible}
    after = [u.id for u in values["responsible"]]
    # One save, one update: no query in between may flush a half-changed dialogue.
    with db.session.no_autoflush:
        if values["status"] != dialogue.status:
            record_status(dialogue, values["status"], values["status_note"], user)
        for name in ("position", "next_step", "next_step_due"):
            setattr(dialogue, name, values[name])
        if set(after) != before:
            dialogue.responsible = values["responsible"]
            # People are not a column: a new time gives the dialogue a new version, so that a
            # form opened before is refused rather than silently putting the old people back.
            dialogue.updated_at = utcnow()
            record(
                "responsible",
                record_type=Dialogue.__name__,
                record_id=dialogue.id,
                detail=f"responsible user ids: {sorted(before)} -> {sorted(after)}",
            )
    commit_or_conflict(dialogue, expected_version)
    return dialogue
