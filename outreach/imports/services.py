"""Use cases of the import: keep an upload, remember a mapping, check each row, import
everything valid in one transaction, and undo an import."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from outreach.audit.services import current_actor, record
from outreach.contacts import services as contacts
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, paginate
from outreach.directory.models import (
    Contact,
    ContactEmail,
    Keyword,
    Organisation,
    OrganisationKind,
    Posting,
    Tag,
)
from outreach.directory.search import fold
from outreach.directory.tags import split_labels
from outreach.extensions import db
from outreach.imports import fields as F
from outreach.imports.contact_values import LabelCache, apply_values, areas_by_slug, clean_contact
from outreach.imports.models import ImportBatch, ImportMapping, ImportUpload
from outreach.imports.readers import ReadError, Table, read_table
from outreach.organisations import services as organisations
from outreach.reference.models import State, ThematicArea
from outreach.reference.names import other_names

SKIP = "skip"
UPDATE = "update"
ON_DUPLICATE = (SKIP, UPDATE)
UPLOAD_LIFETIME = dt.timedelta(days=1)
KEPT_REASONS = 1000  # rows not imported whose reason the batch keeps for its page
LIST_SPLIT = re.compile(r"[;,\n]+")

__all__ = ["ReadError", "MappingError", "UndoError"]


class MappingError(ValueError):
    """The columns are not mapped well enough to import; `messages` says what to fix."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


class UndoError(ValueError):
    """An import cannot be undone; the message says why."""


# --- Uploads and mappings ---


def read_file(content: bytes, filename: str) -> Table:
    """Read a file within the configured limits; raises ReadError."""
    config = current_app.config
    return read_table(
        content, filename, config.get("IMPORT_MAX_BYTES", 5 << 20), config["IMPORT_MAX_ROWS"]
    )


def _clean_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "upload"


def create_upload(user_id: int, kind: str, filename: str, content: bytes) -> ImportUpload:
    """Keep a readable file for the next steps (raises ReadError); forgets the user's stale
    uploads, which hold personal data."""
    if kind not in F.KINDS:
        raise ReadError("Choose what the file holds: contacts or organisations.")
    read_file(content, filename)
    db.session.execute(
        sa.delete(ImportUpload).where(
            ImportUpload.user_id == user_id, ImportUpload.created_at < utcnow() - UPLOAD_LIFETIME
        )
    )
    upload = ImportUpload(
        token=secrets.token_urlsafe(32),
        user_id=user_id,
        kind=kind,
        filename=_clean_filename(filename),
        content=content,
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def get_upload(token: str, user_id: int) -> ImportUpload | None:
    """The upload with this token, if it is this user's."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        sa.select(ImportUpload).where(ImportUpload.token == token, ImportUpload.user_id == user_id)
    )


def _stored_mapping(user_id: int | None, kind: str) -> ImportMapping | None:
    if user_id is None:
        return None
    return db.session.scalar(
        sa.select(ImportMapping).where(ImportMapping.user_id == user_id, ImportMapping.kind == kind)
    )


def initial_mapping(user_id: int | None, kind: str, headers: list[str]) -> list[str]:
    """The field of each column: as the user mapped that header last time, else guessed."""
    mapping = F.guess_mapping(kind, headers)
    stored = _stored_mapping(user_id, kind)
    if stored:
        known = F.field_names(kind) | {F.IGNORE}
        for index, header in enumerate(headers):
            remembered = stored.mapping.get(F.header_key(header))
            if remembered in known:
                mapping[index] = remembered
    return mapping


def remember_mapping(user_id: int, kind: str, headers: list[str], mapping: list[str]) -> None:
    """Keep the user's choice for these headers, for their next file of this kind."""
    stored = _stored_mapping(user_id, kind)
    if stored is None:
        stored = ImportMapping(user_id=user_id, kind=kind, mapping={})
        db.session.add(stored)
    merged = dict(stored.mapping or {})
    for header, name in zip(headers, mapping, strict=False):
        if F.header_key(header):
            merged[F.header_key(header)[:100]] = name
    stored.mapping = dict(list(merged.items())[-300:])
    db.session.commit()


def check_mapping(kind: str, headers: list[str], mapping: list[str]) -> list[str]:
    """What must change before the columns can be imported (empty when nothing)."""
    messages = []
    by_field: dict[str, list[str]] = {}
    for index, name in enumerate(mapping):
        if name:
            by_field.setdefault(name, []).append(column_name(headers, index))
    for item in F.FIELDS[kind]:
        columns = by_field.get(item.name, [])
        if item.required and not columns:
            messages.append(f"Choose the column that holds {item.label}.")
        if len(columns) > 1 and not item.several:
            names = " and ".join(f"“{c}”" for c in columns)
            messages.append(f"Only one column can be {item.label}: {names} both are.")
    return messages


def column_name(headers: list[str], index: int) -> str:
    """A column's header, or its letter when the header is empty."""
    header = headers[index] if index < len(headers) else ""
    return header or f"Column {_letter(index)}"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- Checking rows ---


@dataclass
class Problem:
    """Why a row cannot be imported: the column concerned and a message."""

    column: str
    message: str


@dataclass
class RowCheck:
    """What the import would do with one row, and why not when it cannot."""

    number: int
    label: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicate_ids: list[int] = field(default_factory=list)
    duplicate_of: str = ""  # the existing record, as people read it
    duplicate_reason: str = ""
    repeat_of: int | None = None  # an earlier row of the file holding the same record
    new_organisation: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    """Every row checked, with the counts a person decides on."""

    kind: str
    table: Table
    mapping: list[str]
    rows: list[RowCheck]
    new_organisations: list[str] = field(default_factory=list)

    @property
    def faulty(self) -> list[RowCheck]:
        return [r for r in self.rows if r.problems]

    @property
    def duplicates(self) -> list[RowCheck]:
        return [r for r in self.rows if r.ok and r.duplicate_ids and r.repeat_of is None]

    @property
    def repeats(self) -> list[RowCheck]:
        return [r for r in self.rows if r.ok and r.repeat_of is not None]

    @property
    def new(self) -> list[RowCheck]:
        return [r for r in self.rows if r.ok and not r.duplicate_ids and r.repeat_of is None]

    @property
    def valid_count(self) -> int:
        return sum(1 for r in self.rows if r.ok)


def _state_keys(state: State) -> list[str]:
    keys = [state.iso3.upper(), fold(state.name), fold(re.sub(r"\s*\(.*?\)", "", state.name))]
    if state.iso2:
        keys.append(state.iso2.upper())
    keys += [fold(alias) for alias in F.STATE_ALIASES_BY_ISO3.get(state.iso3, ())]
    keys += [fold(name) for name in other_names(state.iso2)]  # "Suisse", "Suiza", "Switzerland"
    return keys


class Lookups:
    """Everything the rows are checked against, each loaded with one query."""

    def __init__(self, kind: str) -> None:
        self.states: dict[str, State] = {}
        self.states_by_id: dict[int, State] = {}
        for state in db.session.scalars(sa.select(State)):
            self.states_by_id[state.id] = state
            for key in _state_keys(state):
                self.states.setdefault(key, state)
        self.areas_by_slug = areas_by_slug()
        self.areas: dict[str, ThematicArea] = {}
        for area in self.areas_by_slug.values():
            for key in (area.slug, area.name):
                self.areas[F.header_key(key)] = area
        self.organisations = list(
            db.session.scalars(sa.select(Organisation).order_by(Organisation.id))
        )
        self.by_name: dict[str, list[Organisation]] = {}
        self.by_acronym: dict[str, list[Organisation]] = {}
        for organisation in self.organisations:
            self.by_name.setdefault(fold(organisation.name), []).append(organisation)
            if organisation.acronym:
                self.by_acronym.setdefault(fold(organisation.acronym), []).append(organisation)
        self.emails: dict[str, set[int]] = {}
        self.names_at: dict[tuple[str, int], set[int]] = {}
        self.contact_labels: dict[int, str] = {}
        if kind == F.CONTACTS:
            self._load_contacts()

    def _load_contacts(self) -> None:
        listed = sa.and_(Contact.erased_at.is_(None), Contact.merged_into_id.is_(None))
        for address, contact_id in db.session.execute(
            sa.select(ContactEmail.normalised, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(listed)
        ):
            self.emails.setdefault(address.lower(), set()).add(contact_id)
        for contact_id, first, last, organisation_id in db.session.execute(
            sa.select(Contact.id, Contact.first_name, Contact.last_name, Posting.organisation_id)
            .join(Posting, Posting.contact_id == Contact.id)
            .where(listed)
        ):
            key = (contacts.name_key(first, last), organisation_id)
            self.names_at.setdefault(key, set()).add(contact_id)
        rows = db.session.execute(
            sa.select(Contact.id, Contact.first_name, Contact.last_name).where(listed)
        )
        self.contact_labels = {i: " ".join(p for p in (a, b) if p) for i, a, b in rows}

    def state(self, text: str) -> State | None:
        """The State a cell names by ISO3, ISO2 or English name."""
        text = text.strip()
        if not text:
            return None
        if len(text) <= 3 and text.upper() in self.states:
            return self.states[text.upper()]
        return self.states.get(fold(text))

    def organisation(self, name: str, state: State | None) -> tuple[Organisation | None, str]:
        """The existing organisation a contact's cell names, or None; and a problem if the name
        is ambiguous."""
        key = fold(name)
        candidates = self.by_name.get(key) or self.by_acronym.get(key) or []
        candidates = sorted(candidates, key=lambda o: (o.archived_at is not None, o.id))
        if not candidates:
            return None, ""
        if state is not None:
            here = [o for o in candidates if o.state_id == state.id]
            if here:
                return here[0], ""
            stateless = [o for o in candidates if o.state_id is None]
            return (stateless[0], "") if stateless else (None, "")
        if len({o.state_id for o in candidates}) == 1:
            return candidates[0], ""
        stateless = [o for o in candidates if o.state_id is None]
        if len(stateless) == 1:
            return stateless[0], ""
        return None, (
            f"Several organisations are called “{name.strip()[:80]}”; add a State column to "
            "say which one."
        )


class _Cells:
    """The cells of one row, read by field through the mapping."""

    def __init__(self, headers: list[str], mapping: list[str], cells: list[str]) -> None:
        self.headers = headers
        self.by_field: dict[str, list[tuple[int, str]]] = {}
        for index, name in enumerate(mapping):
            if name and index < len(cells):
                self.by_field.setdefault(name, []).append((index, cells[index]))

    def has(self, name: str) -> bool:
        return name in self.by_field

    def text(self, name: str) -> str:
        return "\n".join(v.strip() for _, v in self.by_field.get(name, []) if v.strip())

    def single(self, name: str) -> str:
        return " ".join(self.text(name).split())

    def column(self, name: str) -> str:
        cells = self.by_field.get(name)
        return column_name(self.headers, cells[0][0]) if cells else ""

    def items(self, name: str, pattern: re.Pattern[str] = LIST_SPLIT) -> list[str]:
        found = []
        for _, value in self.by_field.get(name, []):
            found += [p.strip() for p in pattern.split(value) if p.strip()]
        return found


def _field_problems(kind: str, error: ValidationError, cells: _Cells) -> list[Problem]:
    """A service's per-field messages as problems of the columns holding those fields."""
    labels = {item.name: item.label for item in F.FIELDS[kind]}
    return [
        Problem(
            cells.column(name) or labels.get(name, name.replace("_", " ").capitalize()), message
        )
        for name, message in error.errors.items()
    ]


def _state(cells: _Cells, lookups: Lookups, problems: list[Problem]) -> State | None:
    """The State the row names, or None; a problem when it names an unknown one."""
    text = cells.single("state")
    state = lookups.state(text)
    if text and state is None:
        problems.append(
            Problem(
                cells.column("state"),
                f"Unknown State “{text[:60]}”: use its ISO3 code (FRA), ISO2 code (FR) or "
                "its name in English, French or Spanish.",
            )
        )
    return state


def _label(*parts: str) -> str:
    return " ".join(p for p in parts if p)[:120]


def check_rows(kind: str, table: Table, mapping: list[str]) -> Preview:
    """Check every row against the directory and the rest of the file; raises MappingError
    when the mapping itself is incomplete."""
    messages = check_mapping(kind, table.headers, mapping)
    if messages:
        raise MappingError(messages)
    lookups = Lookups(kind)
    preview = Preview(kind=kind, table=table, mapping=mapping, rows=[])
    checker = _check_contact if kind == F.CONTACTS else _check_organisation
    seen: dict[Any, int] = {}
    new_organisations: dict[tuple[str, int | None], str] = {}
    with db.session.no_autoflush:
        for row in table.rows:
            cells = _Cells(table.headers, mapping, row.cells)
            check = checker(row.number, cells, lookups, seen, new_organisations)
            if row.extra:
                check.warnings.append("Cells beyond the named columns are left out.")
            preview.rows.append(check)
    preview.new_organisations = list(new_organisations.values())
    return preview


def _check_contact(
    number: int,
    cells: _Cells,
    lookups: Lookups,
    seen: dict[Any, int],
    new_organisations: dict[tuple[str, int | None], str],
) -> RowCheck:
    check = RowCheck(number=number, label="")
    problems = check.problems
    state = _state(cells, lookups, problems)
    language = "en"
    if cells.single("preferred_language"):
        language = F.parse_language(cells.single("preferred_language")) or ""
        if not language:
            problems.append(
                Problem(
                    cells.column("preferred_language"),
                    f"Unknown language “{cells.single('preferred_language')[:40]}”: use a code "
                    "(en, fr, es…) or a name (English, français, español…).",
                )
            )
            language = "en"
    do_not_email = False
    if cells.single("do_not_email"):
        answer = F.parse_yes_no(cells.single("do_not_email"))
        if answer is None:
            problems.append(
                Problem(
                    cells.column("do_not_email"),
                    f"“{cells.single('do_not_email')[:20]}” is not yes or no.",
                )
            )
        do_not_email = bool(answer)
    areas = []
    for name in split_labels(cells.text("areas")):
        area = lookups.areas.get(F.header_key(name))
        if area is None:
            problems.append(Problem(cells.column("areas"), f"Unknown thematic area “{name[:60]}”."))
        elif area.slug not in areas:
            areas.append(area.slug)
    organisation_name = cells.single("organisation")
    organisation, ambiguity = (
        lookups.organisation(organisation_name, state) if organisation_name else (None, "")
    )
    if ambiguity:
        problems.append(Problem(cells.column("organisation"), ambiguity))
    region = state.iso2 if state else None
    if organisation is not None and organisation.state_id and not region:
        region = lookups.states_by_id[organisation.state_id].iso2
    data = contacts.ContactData(
        last_name=cells.single("last_name"),
        first_name=cells.single("first_name"),
        honorific=cells.single("honorific"),
        emails=cells.items("emails"),
        phones=cells.items("phones"),
        preferred_language=language,
        do_not_email=do_not_email,
        notes=cells.text("notes"),
        tags=split_labels(cells.text("tags")),
        area_slugs=areas,
        keywords=split_labels(cells.text("keywords")),
    )
    check.label = _label(data.first_name, data.last_name) or (data.emails or [""])[0]
    try:
        values = clean_contact(data, region, lookups.areas_by_slug)
    except ValidationError as error:
        problems += _field_problems(F.CONTACTS, error, cells)
        values = {}
    position = cells.single("position")
    if position and not organisation_name:
        check.warnings.append("The position is left out: it needs an organisation.")
    organisation_key: Any = None
    if organisation is not None:
        organisation_key = ("id", organisation.id)
    elif organisation_name and not ambiguity:
        organisation_key = ("new", fold(organisation_name), state.id if state else None)
    check.values = {
        "data": data,
        "clean": values,
        "region": region,
        "present": {
            name
            for name in ("honorific", "first_name", "last_name", "preferred_language", "notes")
            if cells.single(name)
        }
        | ({"do_not_email"} if cells.single("do_not_email") else set()),
        "organisation_id": organisation.id if organisation else None,
        "organisation_name": organisation_name,
        "state_iso3": state.iso3 if state else "",
        "position": position,
    }
    if problems:
        return check
    if organisation is None and organisation_name:
        key = (fold(organisation_name), state.id if state else None)
        if key not in new_organisations:
            new_organisations[key] = organisation_name + (f" ({state.name})" if state else "")
        check.new_organisation = new_organisations[key]
    emails = [str(e).lower() for e in values["emails"]]  # type: ignore[union-attr]
    name = contacts.name_key(str(values["first_name"]), str(values["last_name"]))
    found: set[int] = set()
    for email in emails:
        found |= lookups.emails.get(email, set())
    if found:
        check.duplicate_reason = "same email"
    elif organisation is not None:
        found = lookups.names_at.get((name, organisation.id), set())
        if found:
            check.duplicate_reason = "same name at the same organisation"
    check.duplicate_ids = sorted(found)
    check.duplicate_of = "; ".join(
        f"{lookups.contact_labels.get(i, '')} (#{i})" for i in check.duplicate_ids[:3]
    )
    keys = [("email", e) for e in emails]
    if organisation_key is not None:
        keys.append(("name", name, organisation_key))
    earlier = [seen[k] for k in keys if k in seen]
    if earlier:
        check.repeat_of = min(earlier)
    for key in keys:
        seen.setdefault(key, number)
    return check


def _check_organisation(
    number: int,
    cells: _Cells,
    lookups: Lookups,
    seen: dict[Any, int],
    _new: dict[tuple[str, int | None], str],
) -> RowCheck:
    check = RowCheck(number=number, label=cells.single("name")[:120])
    problems = check.problems
    state = _state(cells, lookups, problems)
    kind = F.parse_kind(cells.single("kind"))
    if kind is None:
        problems.append(
            Problem(
                cells.column("kind"),
                f"Unknown kind “{cells.single('kind')[:40]}”: use one of {F.kind_choices()}.",
            )
        )
    data = organisations.OrganisationData(
        name=cells.single("name"),
        kind=(kind or OrganisationKind.OTHER).value,
        acronym=cells.single("acronym"),
        state_iso3=state.iso3 if state else "",
        address=cells.text("address"),
        email=cells.single("email"),
        phone=cells.single("phone"),
        website=cells.single("website"),
        notes=cells.text("notes"),
        tags=split_labels(cells.text("tags")),
    )
    try:
        organisations.clean(data)
    except ValidationError as error:
        problems += _field_problems(F.ORGANISATIONS, error, cells)
    check.values = {
        "data": data,
        "present": {
            name
            for name in ("acronym", "kind", "address", "email", "phone", "website", "notes")
            if cells.single(name)
        },
    }
    if problems:
        return check
    key = (fold(data.name), state.id if state else None)
    existing = [o for o in lookups.by_name.get(key[0], []) if o.state_id == key[1]]
    if existing:
        check.duplicate_ids = [o.id for o in existing]
        check.duplicate_reason = "same name and State"
        check.duplicate_of = "; ".join(f"{o.display_name} (#{o.id})" for o in existing[:3])
    if key in seen:
        check.repeat_of = seen[key]
    else:
        seen[key] = number
    return check


# --- Importing ---


@dataclass
class RowResult:
    """What became of one row."""

    number: int
    label: str
    status: str  # created, updated, unchanged, skipped, repeat, error; or would-* in a dry run
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """The outcome of an import, row by row, and its batch (None in a dry run or when nothing
    was imported)."""

    kind: str
    rows: list[RowResult]
    batch: ImportBatch | None = None
    dry_run: bool = False
    new_organisations: list[str] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.status in statuses)

    @property
    def imported(self) -> int:
        return self.count("created", "updated", "would create", "would update")

    @property
    def errors(self) -> int:
        return self.count("error")


def _problem_text(check: RowCheck) -> list[str]:
    return [f"{p.column}: {p.message}" if p.column else p.message for p in check.problems]


def _plan(check: RowCheck, on_duplicate: str) -> tuple[str, list[str]]:
    """What to do with a checked row: create, update, skip, repeat or error, and why."""
    if check.problems:
        return "error", _problem_text(check)
    if check.repeat_of is not None:
        return "repeat", [f"the same record as row {check.repeat_of}"]
    if check.duplicate_ids:
        reason = f"{check.duplicate_reason}: {check.duplicate_of}"
        if on_duplicate != UPDATE:
            return "skipped", [reason]
        if len(check.duplicate_ids) > 1:
            return "skipped", [f"{reason} — several records match, so none is updated"]
        return "update", [reason]
    return "create", []


def import_rows(
    kind: str,
    table: Table,
    mapping: list[str],
    on_duplicate: str,
    filename: str,
    user_id: int | None = None,
    dry_run: bool = False,
    upload_id: int | None = None,
) -> ImportResult:
    """Import every valid row in one transaction (all or nothing), or only report in a dry run."""
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    preview = check_rows(kind, table, mapping)
    result = ImportResult(kind=kind, rows=[], dry_run=dry_run)
    result.new_organisations = preview.new_organisations
    plans = [(check, *_plan(check, on_duplicate)) for check in preview.rows]
    if dry_run:
        for check, action, reasons in plans:
            status = {"create": "would create", "update": "would update"}.get(action, action)
            result.rows.append(RowResult(check.number, check.label, status, reasons))
        return result
    importer = _ContactImporter() if kind == F.CONTACTS else _OrganisationImporter()
    try:
        with db.session.no_autoflush:
            importer.prepare([c for c, action, _ in plans if action in ("create", "update")])
            for check, action, reasons in plans:
                status = action
                if action == "create":
                    importer.create(check)
                    status = "created"
                elif action == "update":
                    status = "updated" if importer.update(check) else "unchanged"
                result.rows.append(RowResult(check.number, check.label, status, reasons))
        db.session.flush()
        if result.imported:
            result.batch = _record_batch(kind, filename, user_id, importer, result)
            if upload_id is not None:  # imported: the file's personal data need not stay
                db.session.execute(sa.delete(ImportUpload).where(ImportUpload.id == upload_id))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def _record_batch(
    kind: str,
    filename: str,
    user_id: int | None,
    importer: _ContactImporter | _OrganisationImporter,
    result: ImportResult,
) -> ImportBatch:
    not_imported = [
        [r.number, r.status, "; ".join(r.messages)[:300]]
        for r in result.rows
        if r.status not in ("created", "updated")
    ]
    batch = ImportBatch(
        kind=kind,
        filename=_clean_filename(filename),
        user_id=user_id,
        actor_label=current_actor()[1][:200],
        created_count=result.count("created"),
        updated_count=result.count("updated"),
        skipped_count=len(not_imported),
        changes={
            **importer.changes(),
            "errors": result.errors,
            "not_imported": not_imported[:KEPT_REASONS],
        },
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "import",
        record_type="ImportBatch",
        record_id=batch.id,
        detail=f"{kind} from {batch.filename}: {batch.created_count} created, "
        f"{batch.updated_count} updated, {batch.skipped_count} not imported",
    )
    return batch


def _last_posting_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(Posting.id))) or 0


def _contact_snapshot(contact: Contact) -> dict[str, Any]:
    """A contact's values as plain data, to restore them and to see whether they changed."""
    since = contact.do_not_email_since
    return {
        "honorific": contact.honorific,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "preferred_language": contact.preferred_language,
        "do_not_email": contact.do_not_email,
        "do_not_email_reason": contact.do_not_email_reason,
        "do_not_email_since": since.isoformat() if since else None,
        "notes": contact.notes,
        "emails": [e.address for e in sorted(contact.emails, key=lambda e: e.position)],
        "phones": [p.number for p in sorted(contact.phones, key=lambda p: p.position)],
        "tags": [t.name for t in sorted(contact.tags, key=lambda t: t.key)],
        "areas": [a.slug for a in sorted(contact.areas, key=lambda a: a.position)],
        "keywords": [k.name for k in sorted(contact.keywords, key=lambda k: k.key)],
        "postings": {str(p.id): p.position for p in contact.postings if p.id},
    }


def _contact_data(snapshot: dict[str, Any]) -> contacts.ContactData:
    return contacts.ContactData(
        last_name=snapshot["last_name"],
        first_name=snapshot["first_name"],
        honorific=snapshot["honorific"],
        emails=list(snapshot["emails"]),
        phones=list(snapshot["phones"]),
        preferred_language=snapshot["preferred_language"],
        do_not_email=snapshot["do_not_email"],
        do_not_email_reason=snapshot["do_not_email_reason"],
        notes=snapshot["notes"],
        tags=list(snapshot["tags"]),
        area_slugs=list(snapshot["areas"]),
        keywords=list(snapshot["keywords"]),
    )


def _differs(contact: Contact, values: dict[str, Any], data: contacts.ContactData) -> bool:
    """Whether saving the cleaned values would change the contact."""
    names = ("honorific", "first_name", "last_name", "preferred_language", "do_not_email", "notes")
    if any(values[name] != getattr(contact, name) for name in names):
        return True
    if values["emails"] != [e.address for e in contact.emails]:
        return True
    if values["phones"] != [p.number for p in contact.phones]:
        return True
    if {a.slug for a in values["areas"]} != {a.slug for a in contact.areas}:
        return True
    if {fold(n) for n in contacts.labels(data.tags)} != {t.key for t in contact.tags}:
        return True
    return {fold(n) for n in contacts.labels(data.keywords)} != {k.key for k in contact.keywords}


def _union(first: Iterable[str], then: Iterable[str], key: Callable[[str], str]) -> list[str]:
    kept: dict[str, str] = {}
    for value in [*first, *then]:
        kept.setdefault(key(value), value)
    return list(kept.values())


CONTACT_LOADS = (
    selectinload(Contact.emails),
    selectinload(Contact.phones),
    selectinload(Contact.postings),
    selectinload(Contact.tags),
    selectinload(Contact.areas),
    selectinload(Contact.keywords),
)


class _ContactImporter:
    """Creates and updates contacts, and the organisations they work at that are new."""

    def __init__(self) -> None:
        self.created: list[Contact] = []
        self.updated: dict[int, dict[str, Any]] = {}
        self.added_postings: list[Posting] = []
        self.new_organisations: dict[tuple[str, str], Organisation] = {}
        self.contacts: dict[int, Contact] = {}
        self.areas = areas_by_slug()
        self.tags = LabelCache(Tag)
        self.keywords = LabelCache(Keyword)

    def prepare(self, checks: list[RowCheck]) -> None:
        """Load the contacts to update, tags and keywords, and create the new organisations,
        in a few queries."""
        ids = {c.duplicate_ids[0] for c in checks if c.duplicate_ids}
        if ids:
            query = sa.select(Contact).where(Contact.id.in_(ids)).options(*CONTACT_LOADS)
            self.contacts = {c.id: c for c in db.session.scalars(query)}
        updated = self.contacts.values()
        self.tags.preload(
            [n for c in checks for n in c.values["data"].tags]
            + [t.name for c in updated for t in c.tags]
        )
        self.keywords.preload(
            [n for c in checks for n in c.values["data"].keywords]
            + [k.name for c in updated for k in c.keywords]
        )
        for check in checks:
            values = check.values
            if values["organisation_id"] is None and values["organisation_name"]:
                key = (fold(values["organisation_name"]), values["state_iso3"])
                if key not in self.new_organisations:
                    organisation = Organisation()
                    organisations.apply(
                        organisation,
                        organisations.OrganisationData(
                            name=values["organisation_name"],
                            kind=OrganisationKind.OTHER.value,
                            state_iso3=values["state_iso3"],
                        ),
                    )
                    db.session.add(organisation)
                    self.new_organisations[key] = organisation
        if self.new_organisations:
            db.session.flush()  # their ids, for the postings

    def _organisation_id(self, values: dict[str, Any]) -> int | None:
        if values["organisation_id"] is not None:
            return values["organisation_id"]
        if values["organisation_name"]:
            key = (fold(values["organisation_name"]), values["state_iso3"])
            return self.new_organisations[key].id
        return None

    def create(self, check: RowCheck) -> None:
        values = check.values
        contact = Contact()
        data: contacts.ContactData = values["data"]
        tags, keywords = self.tags.get(data.tags), self.keywords.get(data.keywords)
        apply_values(contact, values["clean"], tags, keywords, refresh=False)
        organisation_id = self._organisation_id(values)
        if organisation_id is not None:
            contacts.add_posting_to(
                contact,
                contacts.PostingData(organisation_id=organisation_id, position=values["position"]),
            )
        contacts.refresh_search_text(contact)
        db.session.add(contact)
        self.created.append(contact)

    def update(self, check: RowCheck) -> bool:
        """Overlay the row's non-empty values (lists are added to); False when nothing changed."""
        contact = self.contacts[check.duplicate_ids[0]]
        values = check.values
        row: contacts.ContactData = values["data"]
        before = _contact_snapshot(contact)
        data = _contact_data(before)
        present = values["present"]
        for name in ("honorific", "first_name", "last_name", "notes", "preferred_language"):
            if name in present:
                setattr(data, name, getattr(row, name))
        if "do_not_email" in present:
            data.do_not_email = row.do_not_email
        data.emails = _union(data.emails, row.emails, lambda e: e.strip().lower())
        data.phones = _union(data.phones, row.phones, lambda p: p)
        data.tags = _union(data.tags, row.tags, fold)
        data.area_slugs = _union(data.area_slugs, row.area_slugs, lambda s: s)
        data.keywords = _union(data.keywords, row.keywords, fold)
        organisation_id = self._organisation_id(values)
        position = " ".join("".join(c for c in values["position"] if c.isprintable()).split())
        current = [
            p
            for p in contact.current_postings
            if organisation_id is not None and p.organisation_id == organisation_id
        ]
        add_posting = organisation_id is not None and not current
        move = bool(current and position and current[0].position != position[:200])
        cleaned = clean_contact(data, values["region"], self.areas)
        if not add_posting and not move and not _differs(contact, cleaned, data):
            return False
        links = contacts.link_values(contact)
        apply_values(contact, cleaned, self.tags.get(data.tags), self.keywords.get(data.keywords))
        if add_posting:
            posting = contacts.add_posting_to(
                contact, contacts.PostingData(organisation_id=organisation_id, position=position)
            )
            self.added_postings.append(posting)
        elif move:
            current[0].position = position[:200]
        contacts.refresh_search_text(contact)
        contacts.record_link_changes(contact, links)
        self.updated[contact.id] = {"before": before}
        return True

    def changes(self) -> dict[str, Any]:
        """What undo needs: ids created, values before each update and after it."""
        db.session.flush()
        return {
            "created": [c.id for c in self.created],
            "organisations": [o.id for o in self.new_organisations.values()],
            "postings": [p.id for p in self.added_postings],
            "updated": {
                str(contact_id): {
                    **change,
                    "after": _contact_snapshot(self.contacts[contact_id]),
                    "version": self.contacts[contact_id].version,
                }
                for contact_id, change in self.updated.items()
            },
            "last_posting_id": _last_posting_id(),
        }


def _organisation_snapshot(organisation: Organisation, states: dict[int, str]) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "acronym": organisation.acronym or "",
        "kind": organisation.kind.value,
        "state_iso3": states.get(organisation.state_id or 0, ""),
        "address": organisation.address or "",
        "email": organisation.email or "",
        "phone": organisation.phone or "",
        "website": organisation.website or "",
        "notes": organisation.notes or "",
        "tags": [t.name for t in organisation.tags],
    }


def _apply_organisation(
    organisation: Organisation, data: organisations.OrganisationData, tags: LabelCache
) -> None:
    """The organisations service's apply, with the tags from a cache (no query per row)."""
    organisations.apply(organisation, replace(data, tags=[]))
    organisation.tags = tags.get(data.tags)


def _state_codes() -> dict[int, str]:
    return dict(db.session.execute(sa.select(State.id, State.iso3)).tuples().all())


class _OrganisationImporter:
    """Creates and updates organisations."""

    def __init__(self) -> None:
        self.created: list[Organisation] = []
        self.updated: dict[int, dict[str, Any]] = {}
        self.organisations: dict[int, Organisation] = {}
        self.states: dict[int, str] = {}
        self.tags = LabelCache(Tag)

    def prepare(self, checks: list[RowCheck]) -> None:
        """Load the organisations to update, the States and the tags."""
        self.states = _state_codes()
        ids = {c.duplicate_ids[0] for c in checks if c.duplicate_ids}
        if ids:
            query = (
                sa.select(Organisation)
                .where(Organisation.id.in_(ids))
                .options(selectinload(Organisation.tags))
            )
            self.organisations = {o.id: o for o in db.session.scalars(query)}
        self.tags.preload(
            [n for c in checks for n in c.values["data"].tags]
            + [t.name for o in self.organisations.values() for t in o.tags]
        )

    def create(self, check: RowCheck) -> None:
        organisation = Organisation()
        _apply_organisation(organisation, check.values["data"], self.tags)
        db.session.add(organisation)
        self.created.append(organisation)

    def update(self, check: RowCheck) -> bool:
        organisation = self.organisations[check.duplicate_ids[0]]
        row: organisations.OrganisationData = check.values["data"]
        before = _organisation_snapshot(organisation, self.states)
        data = organisations.OrganisationData(**{**before, "tags": list(before["tags"])})
        for name in check.values["present"]:
            setattr(data, name, getattr(row, name))
        data.tags = _union(data.tags, row.tags, fold)
        _apply_organisation(organisation, data, self.tags)
        if _organisation_snapshot(organisation, self.states) == before:
            return False
        organisation.updated_at = utcnow()  # a new version even when only the tags changed
        self.updated[organisation.id] = {"before": before}
        return True

    def changes(self) -> dict[str, Any]:
        db.session.flush()
        return {
            "created": [o.id for o in self.created],
            "updated": {
                str(organisation_id): {
                    **change,
                    "after": _organisation_snapshot(
                        self.organisations[organisation_id], self.states
                    ),
                    "version": self.organisations[organisation_id].version,
                }
                for organisation_id, change in self.updated.items()
            },
            "last_posting_id": _last_posting_id(),
        }


# --- The use cases the pages and the command call ---


def preview_upload(upload: ImportUpload) -> Preview:
    """Check an upload's rows with the mapping its user chose (raises ReadError, MappingError)."""
    table = read_file(upload.content, upload.filename)
    return check_rows(
        upload.kind, table, initial_mapping(upload.user_id, upload.kind, table.headers)
    )


def import_upload(upload: ImportUpload, on_duplicate: str) -> ImportResult:
    """Import an upload with its user's mapping, and forget the file."""
    table = read_file(upload.content, upload.filename)
    mapping = initial_mapping(upload.user_id, upload.kind, table.headers)
    return import_rows(
        upload.kind,
        table,
        mapping,
        on_duplicate,
        upload.filename,
        user_id=upload.user_id,
        upload_id=upload.id,
    )


def import_file(
    kind: str, filename: str, content: bytes, on_duplicate: str = SKIP, dry_run: bool = False
) -> tuple[Table, list[str], ImportResult]:
    """Import a file with the mapping guessed from its headers (the command line)."""
    table = read_file(content, filename)
    mapping = F.guess_mapping(kind, table.headers)
    result = import_rows(kind, table, mapping, on_duplicate, filename, dry_run=dry_run)
    return table, mapping, result


# --- Batches and undo ---


def list_batches(page: int, per_page: int) -> Page:
    """The import batches, newest first."""
    query = sa.select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    return paginate(query.options(selectinload(ImportBatch.user)), page, per_page)


def get_batch(batch_id: int) -> ImportBatch | None:
    """One import batch."""
    if not 0 < batch_id < 2**31:
        return None
    return db.session.get(ImportBatch, batch_id)


def batch_records(batch: ImportBatch, limit: int = 200) -> tuple[list[Any], list[Any]]:
    """Some of the records a batch created and updated, to show on its page."""
    model = Contact if batch.kind == F.CONTACTS else Organisation
    changes = batch.changes or {}
    created_ids = list(changes.get("created", []))[:limit]
    updated_ids = [int(i) for i in list(changes.get("updated", {}))[:limit]]
    found = {
        r.id: r
        for r in db.session.scalars(sa.select(model).where(model.id.in_(created_ids + updated_ids)))
    }
    return (
        [found[i] for i in created_ids if i in found],
        [found[i] for i in updated_ids if i in found],
    )


def undo_batch(batch_id: int) -> ImportBatch:
    """Delete what an import created and restore what it updated, unless any of it changed
    since; raises UndoError with the reason."""
    batch = get_batch(batch_id)
    if batch is None:
        raise UndoError("There is no such import.")
    if batch.undone_at is not None:
        raise UndoError("This import was already undone.")
    changes = batch.changes or {}
    if batch.kind == F.CONTACTS:
        _undo_contacts(changes)
    else:
        _undo_organisations(changes)
    batch.undone_at = utcnow()
    record(
        "import_undo",
        record_type="ImportBatch",
        record_id=batch.id,
        detail=f"{batch.kind}: {batch.created_count} deleted, {batch.updated_count} restored",
    )
    db.session.commit()
    return batch


def _changed(what: str, names: list[str]) -> UndoError:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return UndoError(f"{what} changed since the import, so it cannot be undone: {shown}.")


def _undo_contacts(changes: dict[str, Any]) -> None:
    created_ids = [int(i) for i in changes.get("created", [])]
    updated = {int(k): v for k, v in changes.get("updated", {}).items()}
    organisation_ids = [int(i) for i in changes.get("organisations", [])]
    added_postings = {int(i) for i in changes.get("postings", [])}
    last_posting_id = int(changes.get("last_posting_id", 0))
    loaded = db.session.scalars(
        sa.select(Contact).where(Contact.id.in_([*created_ids, *updated])).options(*CONTACT_LOADS)
    )
    by_id = {c.id: c for c in loaded}
    # A record starts at version 1; a later posting has a later id.
    changed = [
        by_id[i].full_name
        for i in created_ids
        if i in by_id
        and (by_id[i].version != 1 or any(p.id > last_posting_id for p in by_id[i].postings))
    ]
    for contact_id, change in updated.items():
        contact = by_id.get(contact_id)
        if contact is None or _contact_snapshot(contact) != change["after"]:
            changed.append(contact.full_name if contact else f"#{contact_id}")
    with db.session.no_autoflush:
        others = db.session.scalars(
            sa.select(Posting).where(
                Posting.organisation_id.in_(organisation_ids),
                Posting.contact_id.not_in(created_ids),
                Posting.id.not_in(added_postings),
            )
        ).all()
    if others:
        changed.append("an organisation it created now has other people")
    if changed:
        raise _changed("Some of its contacts", changed)
    areas, tag_cache, keyword_cache = areas_by_slug(), LabelCache(Tag), LabelCache(Keyword)
    with db.session.no_autoflush:
        for contact_id, change in updated.items():
            contact = by_id[contact_id]
            before = change["before"]
            links = contacts.link_values(contact)
            for posting in list(contact.postings):
                if posting.id in added_postings:
                    contact.postings.remove(posting)
                elif str(posting.id) in before["postings"]:
                    posting.position = before["postings"][str(posting.id)]
            data = _contact_data(before)
            apply_values(
                contact,
                clean_contact(data, None, areas),
                tag_cache.get(data.tags),
                keyword_cache.get(data.keywords),
            )
            since = before["do_not_email_since"]
            contact.do_not_email_since = dt.date.fromisoformat(since) if since else None
            contacts.refresh_search_text(contact)
            contacts.record_link_changes(contact, links)
        for contact_id in created_ids:
            if contact_id in by_id:
                db.session.delete(by_id[contact_id])
        db.session.flush()
        for organisation in db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(organisation_ids))
        ):
            db.session.delete(organisation)


def _undo_organisations(changes: dict[str, Any]) -> None:
    created_ids = [int(i) for i in changes.get("created", [])]
    updated = {int(k): v for k, v in changes.get("updated", {}).items()}
    states = _state_codes()
    loaded = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.id.in_([*created_ids, *updated]))
        .options(selectinload(Organisation.tags))
    )
    by_id = {o.id: o for o in loaded}
    staffed = set(
        db.session.scalars(
            sa.select(Posting.organisation_id).where(Posting.organisation_id.in_(created_ids))
        )
    )
    changed = [
        by_id[i].name for i in created_ids if i in by_id and (by_id[i].version != 1 or i in staffed)
    ]
    for organisation_id, change in updated.items():
        organisation = by_id.get(organisation_id)
        if organisation is None or _organisation_snapshot(organisation, states) != change["after"]:
            changed.append(organisation.name if organisation else f"#{organisation_id}")
    if changed:
        raise _changed("Some of its organisations", changed)
    for organisation_id, change in updated.items():
        organisation = by_id[organisation_id]
        before = change["before"]
        _apply_organisation(organisation, organisations.OrganisationData(**before), LabelCache(Tag))
        organisation.updated_at = utcnow()
    for organisation_id in created_ids:
        if organisation_id in by_id:
            db.session.delete(by_id[organisation_id])
