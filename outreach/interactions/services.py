"""Logging interactions and follow-ups; who may see which interaction is decided here only."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import nh3
import sqlalchemy as sa
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from outreach.audit.services import record
from outreach.db import utcnow
from outreach.dialogues.models import Dialogue
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, paginate
from outreach.directory.models import Contact, Organisation
from outreach.directory.search import matches, search_text
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.interactions.models import (
    FollowUp,
    Interaction,
    InteractionKind,
    Sensitivity,
    interaction_area,
    interaction_contact,
    interaction_dialogue,
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
    """Loader options of every link of an interaction (a dialogue with what its title needs)."""
    return [
        selectinload(Interaction.states),
        selectinload(Interaction.organisations),
        selectinload(Interaction.contacts),
        selectinload(Interaction.staff),
        selectinload(Interaction.areas),
        selectinload(Interaction.dialogues).options(
            joinedload(Dialogue.state), joinedload(Dialogue.area)
        ),
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
    dialogue_id: int | None = None


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
    dialogue_ids: Sequence[int] = ()
    # File the interaction under each involved State's dialogue on each of its areas,
    # opening the dialogues there are not yet.
    file_under_dialogues: bool = False
    created_by_id: int | None = None
    followup: FollowUpData | None = field(default=None)


def _by_ids(model: Any, ids: Sequence[int], field: str = "links") -> list[Any]:
    wanted = {int(i) for i in ids}
    ids = sorted(i for i in wanted if 0 < i <= 2147483647)
    if not wanted:
        return []
    found = list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []
    if len(found) != len(wanted):
        raise ValidationError({field: f"Unknown {model.__tablename__.replace('_', ' ')}."})
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
    summary = (data.summary or "").replace("\x00", "").strip()
    outcome = (data.outcome or "").replace("\x00", "").strip()
    return {
        "kind": InteractionKind(data.kind),
        "occurred_on": data.occurred_on,
        "occurred_at_time": data.occurred_at_time,
        "subject": subject,
        "summary": summary,
        "outcome": outcome,
        "sensitivity": Sensitivity.CONFIDENTIAL if data.confidential else Sensitivity.NORMAL,
        "search_text": search_text(subject, summary, outcome),
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
    links["dialogues"] = _by_ids(Dialogue, data.dialogue_ids, "dialogues")
    if data.file_under_dialogues:
        links["dialogues"] = _with_dialogues_of(links["states"], links["areas"], links["dialogues"])
    for name, value in {**values, **links}.items():
        setattr(interaction, name, value)


def _with_dialogues_of(
    states: Sequence[State], areas: Sequence[ThematicArea], dialogues: list[Dialogue]
) -> list[Dialogue]:
    """The dialogues plus each State's dialogue on each area, opened when missing."""
    from outreach.dialogues.services import ensure_dialogue  # the dialogues build on this module

    with db.session.no_autoflush:
        wanted = [ensure_dialogue(state, area)[0] for state in states for area in areas]
    return [*dialogues, *(d for d in wanted if d not in dialogues)]


def log_interaction(data: InteractionData) -> Interaction:
    """Log an interaction, with its optional follow-up, in one transaction."""
    interaction = Interaction(created_by_id=data.created_by_id)
    _apply(interaction, data)
    followup_values = _clean_followup(data.followup) if data.followup else None
    db.session.add(interaction)
    if followup_values:
        # A follow-up is about the interaction's only State and only dialogue, when it has one.
        dialogue = interaction.dialogues[0] if len(interaction.dialogues) == 1 else None
        state_id = interaction.states[0].id if len(interaction.states) == 1 else None
        if state_id is None and dialogue is not None:
            state_id = dialogue.state_id
        db.session.add(
            FollowUp(
                **followup_values,
                interaction=interaction,
                state_id=state_id,
                dialogue_id=dialogue.id if dialogue is not None else None,
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
    before = _link_ids(interaction)
    _apply(interaction, data)
    if _link_ids(interaction) != before:
        # Links live in other tables and would not move the version on: touching the row does,
        # so that a save based on the old links is refused too.
        interaction.updated_at = utcnow()
    commit_or_conflict(interaction, expected_version)
    return interaction


FIELD_LABELS = {
    "kind": "Kind",
    "occurred_on": "Date",
    "occurred_at_time": "Time",
    "subject": "Subject",
    "summary": "Summary",
    "outcome": "Outcome",
    "sensitivity": "Sensitivity",
}


@dataclass(frozen=True)
class Change:
    """One field someone else changed: who, when, which field, from what, to what."""

    who: str
    at: Any
    field: str
    label: str
    before: str
    after: str


def _readable(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "kind" and value in {k.value for k in InteractionKind}:
        return InteractionKind(value).label
    if name == "sensitivity":
        return str(value).capitalize()
    return str(value)


def readable_changes(changes: Sequence[dict[str, Any]]) -> list[Change]:
    """Changes from the audit trail (as a ConflictError holds them) in words."""
    return [
        Change(
            who=c["who"],
            at=c["at"],
            field=c["field"],
            label=FIELD_LABELS[c["field"]],
            before=_readable(c["field"], c["before"]),
            after=_readable(c["field"], c["after"]),
        )
        for c in changes
        if c["field"] in FIELD_LABELS
    ]


LINKS = ("states", "organisations", "contacts", "staff", "areas", "dialogues")


def _link_ids(interaction: Interaction) -> dict[str, set[int]]:
    return {name: {r.id for r in getattr(interaction, name)} for name in LINKS}


def data_of(interaction: Interaction) -> InteractionData:
    """The interaction's current values, as a form or a PATCH starts from them."""
    ids = {name: sorted(values) for name, values in _link_ids(interaction).items()}
    return InteractionData(
        kind=interaction.kind.value,
        occurred_on=interaction.occurred_on,
        occurred_at_time=interaction.occurred_at_time,
        subject=interaction.subject,
        summary=interaction.summary,
        outcome=interaction.outcome,
        confidential=interaction.is_confidential,
        state_ids=ids["states"],
        organisation_ids=ids["organisations"],
        contact_ids=ids["contacts"],
        staff_ids=ids["staff"],
        area_ids=ids["areas"],
        dialogue_ids=ids["dialogues"],
        created_by_id=interaction.created_by_id,
    )


def get_interaction(interaction_id: int, user: Any) -> Interaction | None:
    """One interaction, if the user may see it."""
    query = visible_interactions(user).where(Interaction.id == interaction_id).options(*_links())
    return db.session.scalars(query).first()


def _followup_links(data: FollowUpData, errors: dict[str, str]) -> dict[str, int | None]:
    """The interaction, dialogue and State a follow-up is about; a dialogue brings its State.
    Unknown ones are added to `errors`."""
    links: dict[str, int | None] = {"interaction_id": None, "dialogue_id": None, "state_id": None}
    for name, model in (("interaction_id", Interaction), ("dialogue_id", Dialogue)):
        value = getattr(data, name)
        if value is not None:
            if not 0 < value <= 2147483647 or db.session.get(model, value) is None:
                errors[name] = f"Unknown {model.__tablename__}."
            else:
                links[name] = value
    if data.state_id is not None:
        if not 0 < data.state_id <= 2147483647 or db.session.get(State, data.state_id) is None:
            errors["state_id"] = "Unknown State."
        links["state_id"] = data.state_id
    if links["dialogue_id"] is not None and links["state_id"] is None:
        links["state_id"] = db.session.get(Dialogue, links["dialogue_id"]).state_id
    return links


def create_followup(data: FollowUpData, created_by_id: int | None = None) -> FollowUp:
    """A follow-up on its own, or about an interaction, a dialogue or a State."""
    errors: dict[str, str] = {}
    links = _followup_links(data, errors)
    try:
        values = _clean_followup(data)
    except ValidationError as error:
        raise ValidationError({**error.errors, **errors}) from None
    if errors:
        raise ValidationError(errors)
    followup = FollowUp(**values, **links, created_by_id=created_by_id)
    db.session.add(followup)
    db.session.commit()
    return followup


def complete_followup(followup: FollowUp) -> FollowUp:
    """Mark a follow-up done (once)."""
    if followup.done_at is None:
        followup.done_at = utcnow()
        db.session.commit()
    return followup


_UNSET: Any = object()


def update_followup(
    followup: FollowUp,
    *,
    description: str = _UNSET,
    owner_id: int | None = _UNSET,
    due_on: dt.date | None = _UNSET,
    done: bool | None = None,
) -> FollowUp:
    """Change a follow-up's description, owner or due date, mark it done or open again."""
    current = FollowUpData(
        description=followup.description if description is _UNSET else description,
        owner_id=followup.owner_id if owner_id is _UNSET else owner_id,
        due_on=followup.due_on if due_on is _UNSET else due_on,
    )
    values = _clean_followup(current)
    for name, value in values.items():
        setattr(followup, name, value)
    if done is True and followup.done_at is None:
        followup.done_at = utcnow()
    elif done is False:
        followup.done_at = None
    db.session.commit()
    return followup


@dataclass
class MyFollowUps:
    """A user's open follow-ups by urgency."""

    overdue: list[FollowUp]
    this_week: list[FollowUp]
    later: list[FollowUp]


def visible_followup_condition(user: Any) -> sa.ColumnElement[bool]:
    """Follow-ups whose interaction (if any) the user may see, as a condition."""
    visible = visible_interactions(user)
    if visible.whereclause is None:
        # The user reads every interaction: no need to list them all in a subquery.
        return sa.true()
    visible_ids = visible.with_only_columns(Interaction.id)
    return sa.or_(FollowUp.interaction_id.is_(None), FollowUp.interaction_id.in_(visible_ids))


def _visible_followups(user: Any) -> sa.Select[tuple[FollowUp]]:
    """Follow-ups whose interaction (if any) the user may see."""
    return sa.select(FollowUp).where(visible_followup_condition(user))


def followup_options() -> list[Any]:
    """What a follow-up row shows: its owner and what it is about."""
    return [
        selectinload(FollowUp.interaction),
        selectinload(FollowUp.state),
        selectinload(FollowUp.owner),
        selectinload(FollowUp.dialogue).selectinload(Dialogue.state),
        selectinload(FollowUp.dialogue).selectinload(Dialogue.area),
    ]


def my_followups(
    user: Any, today: dt.date | None = None, everyone: bool = False, within_week: bool = False
) -> MyFollowUps:
    """The user's open follow-ups (or, for `everyone`, the whole team's): overdue, due within
    seven days, later (none when only those `within_week` are asked for)."""
    today = today or dt.date.today()
    week_end = today + dt.timedelta(days=7)
    query = _visible_followups(user).where(FollowUp.done_at.is_(None))
    if not everyone:
        query = query.where(FollowUp.owner_id == user.id)
    if within_week:
        query = query.where(FollowUp.due_on <= week_end)
    rows = db.session.scalars(
        query.options(*followup_options()).order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    return MyFollowUps(
        overdue=[f for f in rows if f.due_on < today],
        this_week=[f for f in rows if today <= f.due_on <= week_end],
        later=[f for f in rows if f.due_on > week_end],
    )


def followup_counts(user: Any, today: dt.date) -> tuple[int, int]:
    """How many of the user's open follow-ups are overdue, and how many more are due within
    seven days (one query)."""
    week_end = today + dt.timedelta(days=7)
    overdue = sa.func.count(FollowUp.id).filter(FollowUp.due_on < today)
    this_week = sa.func.count(FollowUp.id).filter(FollowUp.due_on >= today)
    query = _visible_followups(user).where(
        FollowUp.owner_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on <= week_end
    )
    counts = db.session.execute(query.with_only_columns(overdue, this_week)).one()
    return counts[0] or 0, counts[1] or 0


def most_overdue_followups(user: Any, today: dt.date, limit: int) -> list[FollowUp]:
    """The user's `limit` open follow-ups longest overdue, with what they are about."""
    query = (
        _visible_followups(user)
        .where(FollowUp.owner_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on < today)
        .options(joinedload(FollowUp.interaction), joinedload(FollowUp.state))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


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


def _timeline_query(kind: str, record_id: int, user: Any) -> sa.Select[tuple[Interaction]]:
    table, column = TIMELINE_LINKS[kind]
    linked = sa.select(table.c.interaction_id).where(table.c[column] == record_id)
    return (
        visible_interactions(user)
        .where(Interaction.id.in_(linked))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    )


def timeline_for(kind: str, record_id: int, user: Any, page: int = 1) -> Page:
    """The interactions of a State, organisation or contact the user may see, newest first."""
    query = _timeline_query(kind, record_id, user).options(*_links())
    return paginate(query, max(1, page), TIMELINE_PER_PAGE)


def timeline_page(kind: str, record_id: int, user: Any, page: int = 1) -> Page:
    """`timeline_for` as the timeline shows it: each item a ListedInteraction with whom."""
    found = paginate(_timeline_query(kind, record_id, user), max(1, page), TIMELINE_PER_PAGE)
    return _listed(found, user, ("states", "organisations", "contacts"))


def find_followups(
    user: Any, everyone: bool = False, status: str = "open", page: int = 1, per_page: int = 50
) -> Page:
    """Follow-ups the user may see, theirs or everyone's, open, done or all; soonest due first."""
    query = _visible_followups(user)
    if not everyone:
        query = query.where(FollowUp.owner_id == user.id)
    if status == "open":
        query = query.where(FollowUp.done_at.is_(None))
    elif status == "done":
        query = query.where(FollowUp.done_at.is_not(None))
    query = query.options(*followup_options()).order_by(FollowUp.due_on, FollowUp.id)
    return paginate(query, page, per_page)


def get_followup(followup_id: int, user: Any) -> FollowUp | None:
    """One follow-up, if the user may see it."""
    query = _visible_followups(user).where(FollowUp.id == followup_id)
    return db.session.scalars(query.options(*followup_options())).first()


# The list of interactions: search, filters, paging and export.


@dataclass
class InteractionFilters:
    """What the interactions list is narrowed to; None means any."""

    q: str | None = None
    kind: InteractionKind | None = None
    state_iso3: str | None = None
    area_slug: str | None = None
    dialogue_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sensitivity: Sensitivity | None = None


def _linked(table: sa.Table, column: str, value: Any) -> sa.Select[Any]:
    return sa.select(table.c.interaction_id).where(table.c[column] == value)


def interactions_query(filters: InteractionFilters, user: Any) -> sa.Select[tuple[Interaction]]:
    """The visible interactions matching every filter and every word of the search, which is
    found in the subject, summary and outcome ignoring case and accents (their folded copy)."""
    query = visible_interactions(user)
    found = matches(Interaction.search_text, filters.q)
    if found is not None:
        query = query.where(found)
    if filters.kind is not None:
        query = query.where(Interaction.kind == filters.kind)
    if filters.state_iso3:
        state_id = sa.select(State.id).where(State.iso3 == filters.state_iso3).scalar_subquery()
        query = query.where(Interaction.id.in_(_linked(interaction_state, "state_id", state_id)))
    if filters.area_slug:
        area_id = (
            sa.select(ThematicArea.id)
            .where(ThematicArea.slug == filters.area_slug)
            .scalar_subquery()
        )
        query = query.where(Interaction.id.in_(_linked(interaction_area, "area_id", area_id)))
    if filters.dialogue_id is not None:
        linked = _linked(interaction_dialogue, "dialogue_id", filters.dialogue_id)
        query = query.where(Interaction.id.in_(linked))
    if filters.date_from is not None:
        query = query.where(Interaction.occurred_on >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Interaction.occurred_on <= filters.date_to)
    if filters.sensitivity is not None:
        query = query.where(Interaction.sensitivity == filters.sensitivity)
    return query


NEWEST_FIRST = (Interaction.occurred_on.desc(), Interaction.id.desc())


def find_interactions(
    filters: InteractionFilters, user: Any, page: int = 1, per_page: int = 50
) -> Page:
    """One page of the visible interactions matching the filters, newest first."""
    query = interactions_query(filters, user).options(*_links()).order_by(*NEWEST_FIRST)
    return paginate(query, page, per_page)


@dataclass(frozen=True)
class ListedInteraction:
    """An interaction as a list or a timeline shows it: with whom, on which areas, and the
    dialogues the reader may see (those links a page does not show are left empty)."""

    interaction: Interaction
    states: list[State] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    areas: list[ThematicArea] = field(default_factory=list)
    dialogues: list[Dialogue] = field(default_factory=list)


def _linked_records(name: str, ids: Sequence[int]) -> dict[int, list[Any]]:
    """{interaction id: its linked records} through the `name` relationship, in its order.
    One query of the linked rows alone: filling each interaction's collection instead costs
    more than the query itself on a page of fifty."""
    if not ids:
        return {}
    link = Interaction.__mapper__.relationships[name]
    target = link.mapper.class_
    query = (
        sa.select(link.secondary.c.interaction_id, target)
        .join(target, link.secondaryjoin)
        .where(link.secondary.c.interaction_id.in_(ids))
        .order_by(*(link.order_by or ()))
    )
    if target is Dialogue:
        query = query.options(joinedload(Dialogue.state), joinedload(Dialogue.area))
    found: dict[int, list[Any]] = {}
    for interaction_id, linked in db.session.execute(query):
        found.setdefault(interaction_id, []).append(linked)
    return found


def _listed(found: Page, user: Any, names: Sequence[str]) -> Page:
    """The page with each interaction as a ListedInteraction holding these links (a query
    each whatever the number of interactions, none for an empty page)."""
    links = {name: _linked_records(name, found.ids_on_page) for name in names}

    def listed(interaction: Interaction) -> ListedInteraction:
        linked = {name: records.get(interaction.id, []) for name, records in links.items()}
        if "dialogues" in linked:
            linked["dialogues"] = visible_dialogues_of(linked["dialogues"], user)
        return ListedInteraction(interaction, **linked)

    return replace(found, items=[listed(interaction) for interaction in found.items])


def list_page(filters: InteractionFilters, user: Any, page: int = 1, per_page: int = 50) -> Page:
    """`find_interactions` as the list shows it: each item a ListedInteraction."""
    found = paginate(interactions_query(filters, user).order_by(*NEWEST_FIRST), page, per_page)
    return _listed(found, user, ("states", "organisations", "contacts", "areas", "dialogues"))


def interactions_for_export(filters: InteractionFilters, user: Any) -> list[Interaction]:
    """Every visible interaction matching the filters, newest first."""
    query = interactions_query(filters, user).options(*_links()).order_by(*NEWEST_FIRST)
    return list(db.session.scalars(query))


def visible_dialogues_of(dialogues: Sequence[Dialogue], user: Any) -> list[Dialogue]:
    """Those of these dialogues the reader may see: staff all, a coordinator those of their
    areas."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return list(dialogues)
    area_ids = {area.id for area in getattr(user, "areas", None) or []}
    return [d for d in dialogues if d.area_id in area_ids]


def readable_dialogues(interaction: Interaction, user: Any) -> list[Dialogue]:
    """The interaction's dialogues the reader may see."""
    return visible_dialogues_of(interaction.dialogues, user)


def plain_text(markdown: str) -> str:
    """A Markdown summary as plain text on one line, for exports."""
    rendered = nh3.clean(_markdown.render(markdown or ""), tags=set())
    return " ".join(html.unescape(rendered).split())


def export_table(
    interactions: Sequence[Interaction], user: Any
) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of an interactions export; sensitivity only for staff."""
    staff = bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)
    headers = ["Date", "Kind", "Subject", "States", "Organisations", "People", "ISU staff"]
    headers += ["Thematic areas", "Dialogues", "Outcome"]
    headers += ["Sensitivity"] if staff else []
    headers += ["Summary"]
    rows = []
    for i in interactions:
        row = [
            i.occurred_on,
            i.kind.label,
            i.subject,
            "; ".join(s.name for s in i.states),
            "; ".join(o.display_name for o in i.organisations),
            "; ".join(c.display_name for c in i.contacts),
            "; ".join(u.display_name for u in i.staff),
            "; ".join(a.name for a in i.areas),
            "; ".join(d.title for d in readable_dialogues(i, user)),
            i.outcome,
        ]
        row += [i.sensitivity.value] if staff else []
        rows.append([*row, plain_text(i.summary)])
    return headers, rows


def record_export(count: int, file_format: str) -> None:
    """Note in the audit trail that interactions were exported: how many, never their content."""
    record("export", record_type="Interaction", detail=f"{count} rows as {file_format}")
    db.session.commit()
