"""Logging interactions and follow-ups; who may see which interaction is decided here only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
import sqlalchemy as sa
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, paginate
from outreach.directory.models import Contact, Organisation
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.interactions.models import (
    FollowUp,
    Interaction,
    InteractionKind,
    Sensitivity,
    interaction_contact,
    interaction_organisation,
    interaction_state,
)
from outreach.reference.models import State, ThematicArea

TIMELINE_PER_PAGE = 10
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def visible_interactions(user: Any) -> sa.Select[tuple[Interaction]]:
    """Every interaction the user may read: confidential ones are for staff (and admins) only.
    Every list, timeline, page and API starts from this query."""
    query = sa.select(Interaction)
    if not (user is not None and getattr(user, "is_authenticated", False) and user.is_staff):
        query = query.where(Interaction.sensitivity != Sensitivity.CONFIDENTIAL)
    return query


def _links() -> list[Any]:
    return [
        selectinload(Interaction.states),
        selectinload(Interaction.organisations),
        selectinload(Interaction.contacts),
        selectinload(Interaction.staff),
        selectinload(Interaction.areas),
    ]


def render_summary(text: str) -> Markup:
    """The Markdown summary as HTML: Markdown's own HTML is escaped, then nh3 removes anything
    unsafe that is left (links to scripts, event handlers), so the page may show it as is."""
    return Markup(nh3.clean(_markdown.render(text or "")))  # noqa: S704 (sanitised by nh3)


@dataclass
class FollowUpData:
    """A follow-up as plain values."""

    description: str = ""
    owner_id: int | None = None
    due_on: dt.date | None = None
    interaction_id: int | None = None
    state_id: int | None = None


@dataclass
class InteractionData:
    """An interaction as plain values, from a form or a request."""

    kind: str = "meeting"
    occurred_on: dt.date | None = None
    occurred_at_time: dt.time | None = None
    subject: str = ""
    summary: str = ""
    outcome: str = ""
    confidential: bool = False
    state_ids: Sequence[int] = ()
    organisation_ids: Sequence[int] = ()
    contact_ids: Sequence[int] = ()
    staff_ids: Sequence[int] = ()
    area_ids: Sequence[int] = ()
    created_by_id: int | None = None
    followup: FollowUpData | None = field(default=None)


def _by_ids(model: Any, ids: Sequence[int]) -> list[Any]:
    ids = sorted({int(i) for i in ids if 0 < int(i) <= 2147483647})
    if not ids:
        return []
    found = list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))
    if len(found) != len(ids):
        raise ValidationError({"links": f"Unknown {model.__tablename__.replace('_', ' ')}."})
    return found


def _clean(data: InteractionData) -> dict[str, Any]:
    errors = {}
    subject = (data.subject or "").replace("\x00", "").strip()
    if not subject:
        errors["subject"] = "Give a subject."
    elif len(subject) > 300:
        errors["subject"] = "At most 300 characters."
    if data.kind not in {k.value for k in InteractionKind}:
        errors["kind"] = "Choose a kind."
    if data.occurred_on is None:
        errors["occurred_on"] = "Give the date."
    if errors:
        raise ValidationError(errors)
    return {
        "kind": InteractionKind(data.kind),
        "occurred_on": data.occurred_on,
        "occurred_at_time": data.occurred_at_time,
        "subject": subject,
        "summary": (data.summary or "").replace("\x00", "").strip(),
        "outcome": (data.outcome or "").replace("\x00", "").strip(),
        "sensitivity": Sensitivity.CONFIDENTIAL if data.confidential else Sensitivity.NORMAL,
    }


def _clean_followup(data: FollowUpData) -> dict[str, Any]:
    from outreach.auth.models import User

    errors = {}
    description = (data.description or "").replace("\x00", "").strip()
    if not description:
        errors["followup_description"] = "Describe the follow-up."
    if data.owner_id is None or db.session.get(User, data.owner_id) is None:
        errors["followup_owner"] = "Choose who follows up."
    if data.due_on is None:
        errors["followup_due_on"] = "Give the due date."
    if errors:
        raise ValidationError(errors)
    return {"description": description, "owner_id": data.owner_id, "due_on": data.due_on}


def _apply(interaction: Interaction, data: InteractionData) -> None:
    values = _clean(data)
    links = {
        "states": _by_ids(State, data.state_ids),
        "organisations": _by_ids(Organisation, data.organisation_ids),
        "contacts": _by_ids(Contact, data.contact_ids),
        "areas": _by_ids(ThematicArea, data.area_ids),
    }
    from outreach.auth.models import User

    links["staff"] = _by_ids(User, data.staff_ids)
    for name, value in {**values, **links}.items():
        setattr(interaction, name, value)


def log_interaction(data: InteractionData) -> Interaction:
    """Log an interaction, with its optional follow-up, in one transaction."""
    interaction = Interaction(created_by_id=data.created_by_id)
    _apply(interaction, data)
    followup_values = _clean_followup(data.followup) if data.followup else None
    db.session.add(interaction)
    if followup_values:
        state_id = interaction.states[0].id if len(interaction.states) == 1 else None
        db.session.add(
            FollowUp(
                **followup_values,
                interaction=interaction,
                state_id=state_id,
                created_by_id=data.created_by_id,
            )
        )
    db.session.commit()
    return interaction


def update_interaction(
    interaction: Interaction, data: InteractionData, expected_version: int | None
) -> Interaction:
    """Save changes unless someone else saved the interaction since `expected_version`."""
    check_version(interaction, expected_version)
    _apply(interaction, data)
    commit_or_conflict(interaction, expected_version)
    return interaction


def get_interaction(interaction_id: int, user: Any) -> Interaction | None:
    """One interaction, if the user may see it."""
    query = visible_interactions(user).where(Interaction.id == interaction_id).options(*_links())
    return db.session.scalars(query).first()


def create_followup(data: FollowUpData, created_by_id: int | None = None) -> FollowUp:
    """A follow-up on its own, or linked to an interaction or a State."""
    followup = FollowUp(
        **_clean_followup(data),
        interaction_id=data.interaction_id,
        state_id=data.state_id,
        created_by_id=created_by_id,
    )
    db.session.add(followup)
    db.session.commit()
    return followup


def complete_followup(followup: FollowUp) -> FollowUp:
    """Mark a follow-up done (once)."""
    if followup.done_at is None:
        followup.done_at = utcnow()
        db.session.commit()
    return followup


@dataclass
class MyFollowUps:
    """A user's open follow-ups by urgency."""

    overdue: list[FollowUp]
    this_week: list[FollowUp]
    later: list[FollowUp]


def _visible_followups(user: Any) -> sa.Select[tuple[FollowUp]]:
    """Follow-ups whose interaction (if any) the user may see."""
    visible_ids = visible_interactions(user).with_only_columns(Interaction.id)
    return sa.select(FollowUp).where(
        sa.or_(FollowUp.interaction_id.is_(None), FollowUp.interaction_id.in_(visible_ids))
    )


def my_followups(user: Any, today: dt.date | None = None) -> MyFollowUps:
    """The user's open follow-ups: overdue, due within seven days, later."""
    today = today or dt.date.today()
    week_end = today + dt.timedelta(days=7)
    rows = db.session.scalars(
        _visible_followups(user)
        .where(FollowUp.owner_id == user.id, FollowUp.done_at.is_(None))
        .options(selectinload(FollowUp.interaction), selectinload(FollowUp.state))
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    return MyFollowUps(
        overdue=[f for f in rows if f.due_on < today],
        this_week=[f for f in rows if today <= f.due_on <= week_end],
        later=[f for f in rows if f.due_on > week_end],
    )


def urgent_followup_count(user: Any, today: dt.date | None = None) -> int:
    """How many of the user's open follow-ups are overdue or due within seven days."""
    week_end = (today or dt.date.today()) + dt.timedelta(days=7)
    query = (
        _visible_followups(user)
        .where(
            FollowUp.owner_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on <= week_end
        )
        .with_only_columns(sa.func.count(FollowUp.id))
    )
    return db.session.scalar(query) or 0


TIMELINE_LINKS = {
    "state": (interaction_state, "state_id"),
    "organisation": (interaction_organisation, "organisation_id"),
    "contact": (interaction_contact, "contact_id"),
}


def timeline_for(kind: str, record_id: int, user: Any, page: int = 1) -> Page:
    """The interactions of a State, organisation or contact the user may see, newest first."""
    table, column = TIMELINE_LINKS[kind]
    linked = sa.select(table.c.interaction_id).where(table.c[column] == record_id)
    query = (
        visible_interactions(user)
        .where(Interaction.id.in_(linked))
        .options(*_links())
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    )
    return paginate(query, max(1, page), TIMELINE_PER_PAGE)
