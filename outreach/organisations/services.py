"""Use cases of organisations: validate, create, update, archive, restore, find."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from outreach.audit.services import history_of, record
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, ordered, paginate
from outreach.directory.models import (
    Contact,
    Organisation,
    OrganisationKind,
    Posting,
    Tag,
)
from outreach.directory.search import fold, matches, search_text
from outreach.directory.tags import resolve_tags, split_labels
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.reference.models import CcmStatus, State


@dataclass
class OrganisationData:
    """The editable values of an organisation, as plain values."""

    name: str
    kind: str
    acronym: str = ""
    state_iso3: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)


def normalise_email(address: str) -> str:
    """A valid email address, trimmed and with its domain lower-cased; raises ValueError."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


def check_website(url: str) -> str:
    """An http or https address with a host; anything else (javascript:, data:) is refused."""
    url = url.strip()
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in url)
    ):
        raise ValueError("Enter a web address starting with http:// or https://.")
    return url


def state_by_iso3(iso3: str) -> State | None:
    """The State with this code, if any."""
    return db.session.scalar(sa.select(State).where(State.iso3 == iso3.strip().upper()))


def _refuse_nul(data: OrganisationData) -> None:
    """A NUL character can be pasted or sent but not stored (PostgreSQL refuses it in text)."""
    texts = {name: value for name, value in vars(data).items() if isinstance(value, str)}
    texts["tags"] = " ".join(data.tags)
    texts["state"] = texts.pop("state_iso3")
    errors = {
        name: "Remove the invisible NUL character from this value."
        for name, value in texts.items()
        if "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


def clean(data: OrganisationData) -> tuple[dict[str, object], list[str]]:
    """Checked values ready to store, and the tag names; raises ValidationError per field."""
    _refuse_nul(data)
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "name": " ".join(data.name.split())[:300],
        "acronym": data.acronym.strip()[:40] or None,
        "address": data.address.strip()[:2000],
        "phone": data.phone.strip()[:40] or None,
        "notes": data.notes.strip(),
    }
    if not values["name"]:
        errors["name"] = "Enter the organisation's name."
    try:
        values["kind"] = OrganisationKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose what kind of organisation this is."
    values["state_id"] = None
    if data.state_iso3.strip():
        state = state_by_iso3(data.state_iso3)
        if state is None:
            errors["state"] = f"No State has the code {data.state_iso3.strip()[:10]!r}."
        else:
            values["state_id"] = state.id
    values["email"] = None
    if data.email.strip():
        try:
            values["email"] = normalise_email(data.email)
        except ValueError as error:
            errors["email"] = str(error)
    values["website"] = None
    if data.website.strip():
        try:
            values["website"] = check_website(data.website)
        except ValueError as error:
            errors["website"] = str(error)
    if errors:
        raise ValidationError(errors)
    return values, data.tags


def refresh_search_text(organisation: Organisation) -> None:
    """Recompute what the organisation is found by."""
    state = db.session.get(State, organisation.state_id) if organisation.state_id else None
    organisation.search_text = search_text(
        organisation.name, organisation.acronym, organisation.email, state.name if state else None
    )


def apply(organisation: Organisation, data: OrganisationData) -> Organisation:
    """Set the organisation's values from checked data (the caller commits)."""
    values, tags = clean(data)
    # Find the tags before changing anything: their query would otherwise flush the half-set
    # record, and one save would become two updates (two versions, two audit events).
    resolved = resolve_tags(tags)
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.tags = resolved
    refresh_search_text(organisation)
    return organisation


def create_organisation(data: OrganisationData) -> Organisation:
    """Create an organisation."""
    organisation = Organisation()
    apply(organisation, data)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def update_organisation(
    organisation: Organisation, data: OrganisationData, expected_version: int | None
) -> Organisation:
    """Save changes unless someone else saved the organisation since `expected_version`."""
    check_version(organisation, expected_version)
    renamed = (
        data.name.strip() != organisation.name
        or (data.acronym.strip() or None) != organisation.acronym
    )
    tags_before = tag_names(organisation.tags)
    apply(organisation, data)
    if {fold(name) for name in tags_before} != {tag.key for tag in organisation.tags}:
        _touch(organisation)
        _record_tags(organisation, tags_before)
    if renamed:
        _refresh_staff_search_text(organisation)
    commit_or_conflict(organisation, expected_version)
    return organisation


def _touch(organisation: Organisation) -> None:
    """Give the organisation a new version when only its tags changed, so that a form opened
    before is refused rather than silently putting the old tags back."""
    organisation.updated_at = utcnow()


def _refresh_staff_search_text(organisation: Organisation) -> None:
    """People are found by their organisation's name too: keep that current after a rename."""
    from outreach.contacts.services import refresh_search_text as refresh_contact

    contacts = db.session.scalars(
        sa.select(Contact).join(Posting).where(Posting.organisation_id == organisation.id)
    )
    for contact in contacts:
        refresh_contact(contact)


def set_archived(organisation: Organisation, archived: bool) -> Organisation:
    """Archive (hide from lists, keep everything) or restore an organisation."""
    organisation.archived_at = utcnow() if archived else None
    db.session.commit()
    return organisation


def notes_option(include_notes: bool) -> list[LoaderOption]:
    """Leave the notes out of what readers who may not see them load: reading them by mistake
    then fails loudly instead of showing them."""
    return [] if include_notes else [defer(Organisation.notes, raiseload=True)]


def get_organisation(organisation_id: int, include_notes: bool = True) -> Organisation | None:
    """One organisation with its tags, State and postings."""
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.tags),
            selectinload(Organisation.state),
            selectinload(Organisation.postings).selectinload(Posting.contact),
            *notes_option(include_notes),
        )
    )


def organisations_by_ids(ids: Iterable[int]) -> list[Organisation]:
    """The organisations with these ids."""
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(list(ids)))))


def tag_names(tags: Iterable[Tag]) -> list[str]:
    """Display names of tags."""
    return [t.name for t in tags]


def data_of(organisation: Organisation) -> OrganisationData:
    """The organisation's current values, as a form or a partial update starts from them."""
    return OrganisationData(
        name=organisation.name,
        kind=organisation.kind.value,
        acronym=organisation.acronym or "",
        state_iso3=organisation.state.iso3 if organisation.state else "",
        address=organisation.address or "",
        email=organisation.email or "",
        phone=organisation.phone or "",
        website=organisation.website or "",
        notes=organisation.notes or "",
        tags=tag_names(organisation.tags),
    )


# Finding organisations: the list page, its export and the API share these.

# By kind means alphabetically by the kind's name, as people read it.
KIND_ORDER = sa.case(
    {
        kind: position
        for position, kind in enumerate(sorted(OrganisationKind, key=lambda k: k.label))
    },
    value=Organisation.kind,
)

ORGANISATION_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "name": sa.func.lower(Organisation.name),
    "kind": KIND_ORDER,
    "state": State.name,
    "updated": Organisation.updated_at,
}


@dataclass(frozen=True)
class OrganisationFilters:
    """What a reader asked to see of the organisations list."""

    q: str | None = None
    kind: OrganisationKind | None = None
    state_iso3: str | None = None
    status: CcmStatus | None = None
    region: str | None = None
    tag: str | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


def _text(value: str) -> str:
    """A filter value as the database can compare it (without NUL, which PostgreSQL refuses)."""
    return value.replace("\x00", "")


def organisations_query(filters: OrganisationFilters) -> sa.Select[tuple[Organisation]]:
    """The organisations matching the filters, in the requested order (sort keys from an
    allowlist)."""
    query = sa.select(Organisation).outerjoin(State, Organisation.state_id == State.id)
    if not filters.include_archived:
        query = query.where(Organisation.archived_at.is_(None))
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    if filters.state_iso3:
        query = query.where(State.iso3 == _text(filters.state_iso3).strip().upper())
    if filters.status:
        query = query.where(State.ccm_status == filters.status)
    if filters.region:
        query = query.where(State.region == _text(filters.region))
    if filters.tag and fold(filters.tag):
        query = query.where(Organisation.tags.any(Tag.key == fold(filters.tag)))
    found = matches(Organisation.search_text, filters.q)
    if found is not None:
        query = query.where(found)
    by_name = sa.func.lower(Organisation.name)
    return ordered(query, ORGANISATION_SORTS, filters.sort, filters.descending, by_name).order_by(
        Organisation.id
    )


def _list_options(include_notes: bool) -> list[LoaderOption]:
    return [
        selectinload(Organisation.tags),
        selectinload(Organisation.state),
        *notes_option(include_notes),
    ]


def find_organisations(
    filters: OrganisationFilters, page: int, per_page: int, include_notes: bool = False
) -> Page:
    """One page of the organisations matching the filters, with their tags and State."""
    query = organisations_query(filters).options(*_list_options(include_notes))
    return paginate(query, page, per_page)


# Exports: every matching organisation, not just one page.


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: its header and how to read its value."""

    header: str
    value: Any
    staff_only: bool = False


EXPORT_COLUMNS = [
    ExportColumn("Name", lambda o: o.name),
    ExportColumn("Acronym", lambda o: o.acronym),
    ExportColumn("Kind", lambda o: o.kind.label),
    ExportColumn("State", lambda o: o.state.iso3 if o.state else ""),
    ExportColumn("State name", lambda o: o.state.name if o.state else ""),
    ExportColumn("Address", lambda o: o.address),
    ExportColumn("Email", lambda o: o.email),
    ExportColumn("Phone", lambda o: o.phone),
    ExportColumn("Website", lambda o: o.website),
    ExportColumn("Tags", lambda o: "; ".join(tag_names(o.tags))),
    ExportColumn("Archived", lambda o: o.archived_at is not None),
    ExportColumn("Updated (UTC)", lambda o: o.updated_at),
    ExportColumn("Notes", lambda o: o.notes, staff_only=True),
]


def export_organisations(
    filters: OrganisationFilters, include_notes: bool, file_format: str
) -> tuple[list[str], list[list[Any]]]:
    """The headers and rows of every organisation matching the filters; the export is recorded
    in the audit trail. Notes only for readers who may see them."""
    columns = [c for c in EXPORT_COLUMNS if include_notes or not c.staff_only]
    query = organisations_query(filters).options(*_list_options(include_notes))
    rows = [[column.value(o) for column in columns] for o in db.session.scalars(query)]
    # End the read before writing the event, so that on SQLite the write waits for the lock
    # (busy_timeout) instead of failing on a snapshot that another save made stale.
    db.session.rollback()
    record(
        "export",
        record_type=Organisation.__name__,
        detail=f"{len(rows)} organisations as {file_format.upper()}",
    )
    db.session.commit()
    return [c.header for c in columns], rows


# Bulk actions on the rows a person selected in the list; each commits once.

MAX_BULK = 500


def _selected(ids: Iterable[int]) -> list[Organisation]:
    wanted = list(dict.fromkeys(ids))[:MAX_BULK]
    if not wanted:
        return []
    query = (
        sa.select(Organisation)
        .where(Organisation.id.in_(wanted))
        .options(selectinload(Organisation.tags))
        .order_by(Organisation.id)
    )
    return list(db.session.scalars(query))


def _record_tags(organisation: Organisation, before: Iterable[str]) -> None:
    """Tags are not columns: write their change to the history explicitly."""
    record(
        "tags",
        record_type=Organisation.__name__,
        record_id=organisation.id,
        detail=f"{', '.join(before) or '—'} → {', '.join(tag_names(organisation.tags)) or '—'}",
    )


def _labels(text: str) -> list[str]:
    labels = split_labels(_text(text))
    if not labels:
        raise ValidationError({"tag": "Enter the tag to add or remove."})
    return labels


def tag_organisations(ids: Iterable[int], tag_text: str) -> int:
    """Add one or more tags ("donor, 3RC") to the selected organisations; how many changed."""
    wanted = resolve_tags(_labels(tag_text))
    changed = 0
    for organisation in _selected(ids):
        missing = [tag for tag in wanted if tag not in organisation.tags]
        if missing:
            before = tag_names(organisation.tags)
            organisation.tags = sorted([*organisation.tags, *missing], key=lambda t: t.key)
            _touch(organisation)
            _record_tags(organisation, before)
            changed += 1
    db.session.commit()
    return changed


def untag_organisations(ids: Iterable[int], tag_text: str) -> int:
    """Remove tags from the selected organisations; how many changed."""
    keys = {fold(label) for label in _labels(tag_text)}
    changed = 0
    for organisation in _selected(ids):
        kept = [tag for tag in organisation.tags if tag.key not in keys]
        if len(kept) != len(organisation.tags):
            before = tag_names(organisation.tags)
            organisation.tags = kept
            _touch(organisation)
            _record_tags(organisation, before)
            changed += 1
    db.session.commit()
    return changed


def archive_organisations(ids: Iterable[int]) -> int:
    """Archive the selected organisations; how many were not archived already."""
    changed = 0
    now = utcnow()
    for organisation in _selected(ids):
        if organisation.archived_at is None:
            organisation.archived_at = now
            changed += 1
    db.session.commit()
    return changed


def restore_organisations(ids: Iterable[int]) -> int:
    """Restore the selected archived organisations; how many were archived."""
    changed = 0
    for organisation in _selected(ids):
        if organisation.archived_at is not None:
            organisation.archived_at = None
            changed += 1
    db.session.commit()
    return changed


BULK_ACTIONS = {
    "tag": tag_organisations,
    "untag": untag_organisations,
    "archive": archive_organisations,
    "restore": restore_organisations,
}


# A State's organisations and people, for its page.


@dataclass(frozen=True)
class StateDirectory:
    """A State's organisations, split as the ISU works with them, and their people now."""

    missions: list[Organisation]
    others: list[Organisation]
    current_postings: list[Posting]
    archived_mission: Organisation | None

    @property
    def has_mission(self) -> bool:
        return bool(self.missions) or self.archived_mission is not None


def _is_listed(contact: Contact) -> bool:
    return (
        contact.archived_at is None and contact.erased_at is None and contact.merged_into_id is None
    )


def _staff_order(posting: Posting) -> tuple[bool, str, str]:
    """Focal points first, then by family name."""
    return (
        not posting.focal_point,
        fold(posting.contact.last_name),
        fold(posting.contact.first_name),
    )


def state_directory(state: State, include_notes: bool = False) -> StateDirectory:
    """The State's organisations (mission in Geneva, capital and others) and the people holding
    a current posting in them, in a constant number of queries."""
    organisations = list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.state_id == state.id)
            .options(
                selectinload(Organisation.tags),
                selectinload(Organisation.postings).selectinload(Posting.contact),
                *notes_option(include_notes),
            )
            .order_by(sa.func.lower(Organisation.name), Organisation.id)
        )
    )
    active = [o for o in organisations if o.archived_at is None]
    missions = [o for o in active if o.kind == OrganisationKind.PERMANENT_MISSION]
    others = sorted(
        (o for o in active if o.kind != OrganisationKind.PERMANENT_MISSION),
        key=lambda o: (o.kind != OrganisationKind.MINISTRY, fold(o.name)),
    )
    postings = [
        posting
        for organisation in [*missions, *others]
        for posting in sorted(organisation.postings, key=_staff_order)
        if posting.is_current and _is_listed(posting.contact)
    ]
    archived_mission = next(
        (
            o
            for o in organisations
            if o.archived_at is not None and o.kind == OrganisationKind.PERMANENT_MISSION
        ),
        None,
    )
    return StateDirectory(missions, others, postings, archived_mission)


class MissionExistsError(Exception):
    """The State has a Permanent Mission already; a second one is not created."""

    def __init__(self, organisation: Organisation) -> None:
        super().__init__("the State has a Permanent Mission already")
        self.organisation = organisation


def permanent_mission_name(state: State) -> str:
    """How the ISU names a State's mission in Geneva."""
    return f"Permanent Mission of {state.name} to the United Nations Office at Geneva"


def create_permanent_mission(state: State) -> Organisation:
    """Create the State's Permanent Mission in Geneva, unless it has one (archived or not)."""
    # Lock the State's row so that two clicks at once cannot both find no mission on
    # PostgreSQL (SQLite's write transactions are serialised already).
    db.session.execute(sa.select(State.id).where(State.id == state.id).with_for_update())
    existing = db.session.scalar(
        sa.select(Organisation)
        .where(
            Organisation.state_id == state.id,
            Organisation.kind == OrganisationKind.PERMANENT_MISSION,
        )
        .order_by(Organisation.archived_at.is_not(None), Organisation.id)
        .limit(1)
    )
    if existing is not None:
        raise MissionExistsError(existing)
    return create_organisation(
        OrganisationData(
            name=permanent_mission_name(state),
            kind=OrganisationKind.PERMANENT_MISSION.value,
            state_iso3=state.iso3,
        )
    )


# Changes as people read them: the history of an organisation and the conflict message.

FIELD_LABELS = {
    "name": "Name",
    "acronym": "Acronym",
    "kind": "Kind",
    "state_id": "State",
    "address": "Address",
    "email": "Email",
    "phone": "Phone",
    "website": "Website",
    "notes": "Notes",
    "archived_at": "Archived",
}
STAFF_ONLY_FIELDS = frozenset({"notes"})


@dataclass(frozen=True)
class Change:
    """One field changed by someone: who, when, which field, from what, to what."""

    who: str
    at: Any
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded event of an organisation's history."""

    at: Any
    who: str
    action: str
    changes: list[Change]
    detail: str = ""


def _state_names(values: Iterable[Any]) -> dict[int, str]:
    ids = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(State.id, State.name, State.iso3).where(State.id.in_(ids)))
    return {row.id: f"{row.name} ({row.iso3})" for row in rows}


def _readable(name: str, value: Any, states: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if name == "kind":
        try:
            return OrganisationKind(value).label
        except ValueError:
            return str(value)
    if name == "state_id":
        return states.get(value, f"State #{value}")
    if name == "archived_at":
        return f"archived on {str(value)[:16].replace('T', ' ')} UTC"
    return str(value)


def readable_changes(changes: Sequence[dict[str, Any]], include_notes: bool) -> list[Change]:
    """Recorded changes (from the audit trail or a ConflictError) in words; notes only for
    readers who may see them."""
    shown = [
        c
        for c in changes
        if c["field"] in FIELD_LABELS and (include_notes or c["field"] not in STAFF_ONLY_FIELDS)
    ]
    states = _state_names(
        value for c in shown if c["field"] == "state_id" for value in (c["before"], c["after"])
    )
    return [
        Change(
            who=c["who"],
            at=c["at"],
            field=c["field"],
            label=FIELD_LABELS[c["field"]],
            before=_readable(c["field"], c["before"], states),
            after=_readable(c["field"], c["after"], states),
        )
        for c in shown
    ]


def organisation_history(organisation_id: int, include_notes: bool) -> list[HistoryEntry]:
    """What was done to the organisation, newest first, in words."""
    entries = []
    for event in history_of(Organisation.__name__, organisation_id, limit=100):
        if event.action == "update":
            raw = [
                {"who": event.actor_label, "at": event.at, "field": k, "before": b, "after": a}
                for k, a in (event.after or {}).items()
                for b in [(event.before or {}).get(k)]
            ]
            changes = readable_changes(raw, include_notes)
            if not changes:
                continue  # only its version moved (tags have their own event) or notes changed
            entries.append(HistoryEntry(event.at, event.actor_label, "Changed", changes))
        elif event.action == "create":
            entries.append(HistoryEntry(event.at, event.actor_label, "Created", []))
        elif event.action == "tags":
            entries.append(
                HistoryEntry(event.at, event.actor_label, "Tags", [], detail=event.detail or "")
            )
        elif event.action == "delete":
            entries.append(HistoryEntry(event.at, event.actor_label, "Deleted", []))
    return entries
