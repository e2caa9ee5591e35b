"""Use cases of contacts: validate, create, update, find duplicates, postings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from outreach.audit.models import AuditEvent
from outreach.audit.services import current_actor, record
from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.lists import Page, ordered, paginate
from outreach.directory.models import (
    LANGUAGES,
    Contact,
    ContactEmail,
    ContactPhone,
    Keyword,
    Organisation,
    OrganisationKind,
    Posting,
    Tag,
    contact_area,
    contact_keyword,
    contact_tag,
)
from outreach.directory.search import fold, matches, search_text
from outreach.directory.tags import resolve_keywords, resolve_tags, split_labels
from outreach.directory.versions import check_version, commit_or_conflict
from outreach.extensions import db
from outreach.organisations.services import normalise_email
from outreach.reference.models import CcmStatus, State, ThematicArea

HONORIFICS = ("H.E.", "Ambassador", "Minister", "Dr", "Prof.", "Mr", "Ms", "Mrs", "Mx")
DEFAULT_PHONE_REGION = "CH"  # the ISU works from Geneva: local numbers are Swiss
MAX_ID = 2**31 - 1  # ids above this cannot exist, and PostgreSQL refuses to compare with them


@dataclass
class ContactData:
    """The editable values of a contact, as plain values."""

    last_name: str
    first_name: str = ""
    honorific: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    preferred_language: str = "en"
    do_not_email: bool = False
    do_not_email_reason: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    area_slugs: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass
class PostingData:
    """A position at an organisation."""

    organisation_id: int
    position: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    focal_point: bool = False


def normalise_phone(number: str, region: str | None = None) -> str:
    """A phone number in E.164 form (+41223456789); raises ValueError when it is not one."""
    try:
        parsed = phonenumbers.parse(number, region or DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{number.strip()[:40]!r} is not a phone number.") from error
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{number.strip()[:40]!r} is not a phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored number as people write it: +41 22 345 67 89."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _clean_emails(addresses: list[str], errors: dict[str, str]) -> list[str]:
    cleaned: list[str] = []
    for address in addresses:
        address = printable(address)
        if not address.strip():
            continue
        try:
            email = normalise_email(address)
        except ValueError as error:
            errors["emails"] = f"{address.strip()[:80]}: {error}"
            continue
        if email.lower() not in {e.lower() for e in cleaned}:
            cleaned.append(email)
    return cleaned


def _clean_phones(numbers: list[str], errors: dict[str, str], region: str | None) -> list[str]:
    cleaned: list[str] = []
    for number in numbers:
        number = printable(number)
        if not number.strip():
            continue
        try:
            phone = normalise_phone(number, region)
        except ValueError as error:
            errors["phones"] = str(error)
            continue
        if phone not in cleaned:
            cleaned.append(phone)
    return cleaned


def printable(text: str | None, multiline: bool = False) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL in text); line
    breaks and tabs are kept in multi-line text only."""
    keep = "\n\t" if multiline else ""
    return "".join(ch for ch in (text or "") if ch.isprintable() or ch in keep)


def labels(names: Iterable[str], limit: int = 60) -> list[str]:
    """Tag or keyword names, trimmed, without repeats, each short enough to store even folded."""
    kept = []
    for name in split_labels("\n".join(printable(n) for n in names)):
        while name and len(fold(name)) > limit:
            name = name[:-1]
        if name:
            kept.append(name)
    return kept


def clean(
    data: ContactData,
    phone_region: str | None = None,
    areas_by_slug: dict[str, ThematicArea] | None = None,
) -> dict[str, object]:
    """Checked values ready to store; raises ValidationError with a message per field.

    An import passes every thematic area by slug, loaded once, to save a query per row.
    """
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "honorific": " ".join(printable(data.honorific).split())[:40],
        "first_name": " ".join(printable(data.first_name).split())[:200],
        "last_name": " ".join(printable(data.last_name).split())[:200],
        "do_not_email": bool(data.do_not_email),
        "do_not_email_reason": " ".join(printable(data.do_not_email_reason).split())[:300]
        if data.do_not_email
        else "",
        "notes": printable(data.notes, multiline=True).replace("\r\n", "\n").strip()[:20000],
    }
    if not values["last_name"]:
        errors["last_name"] = "Enter the family name (or the only name the person uses)."
    language = data.preferred_language.strip().lower() or "en"
    if language not in LANGUAGES:
        errors["preferred_language"] = "Choose a language from the list."
    values["preferred_language"] = language
    values["emails"] = _clean_emails(data.emails, errors)
    values["phones"] = _clean_phones(data.phones, errors, phone_region)
    if areas_by_slug is None:
        slugs = {s for s in data.area_slugs if s.isprintable() and len(s) <= 60}
        query = sa.select(ThematicArea).where(ThematicArea.slug.in_(slugs))
        areas_by_slug = {a.slug: a for a in db.session.scalars(query)}
    areas = [
        areas_by_slug[slug] for slug in dict.fromkeys(data.area_slugs) if slug in areas_by_slug
    ]
    if len(areas) != len(set(data.area_slugs)):
        errors["areas"] = "Choose thematic areas from the list."
    values["areas"] = sorted(areas, key=lambda area: area.id)
    for name in ("first_name", "last_name", "honorific"):
        if any(ch in getattr(data, name) for ch in "\r\n"):
            errors[name] = "Names cannot contain line breaks."
    if errors:
        raise ValidationError(errors)
    return values


def refresh_search_text(contact: Contact) -> None:
    """Recompute what the contact is found by: names, emails, organisations, positions."""
    parts: list[str | None] = [contact.first_name, contact.last_name]
    parts += [e.address for e in contact.emails]
    for posting in contact.postings:
        if posting.is_current:
            parts += [posting.position, posting.organisation.name, posting.organisation.acronym]
    contact.search_text = search_text(*parts)


def apply(contact: Contact, data: ContactData, phone_region: str | None = None) -> Contact:
    """Set the contact's values from checked data (the caller commits)."""
    values = clean(data, phone_region)
    emails = values.pop("emails")
    phones = values.pop("phones")
    areas = values.pop("areas")
    was_opted_out = contact.do_not_email
    for name, value in values.items():
        setattr(contact, name, value)
    if contact.do_not_email and not was_opted_out:
        contact.do_not_email_since = dt.date.today()
    elif not contact.do_not_email:
        contact.do_not_email_since = None
    _set_emails(contact, emails)  # type: ignore[arg-type]
    contact.phones = [ContactPhone(number=n, position=i) for i, n in enumerate(phones)]  # type: ignore[arg-type]
    contact.tags = resolve_tags(labels(data.tags))
    contact.keywords = resolve_keywords(labels(data.keywords))
    contact.areas = areas
    refresh_search_text(contact)
    return contact


def _set_emails(contact: Contact, emails: list[str]) -> None:
    """Keep existing address rows (and their bounce flags) for addresses that stay."""
    existing = {e.normalised: e for e in contact.emails}
    rows = []
    for position, address in enumerate(emails):
        row = existing.get(address.lower()) or ContactEmail(
            address=address, normalised=address.lower()
        )
        row.address = address
        row.position = position
        rows.append(row)
    contact.emails = rows


def create_contact(data: ContactData, posting: PostingData | None = None) -> Contact:
    """Create a contact, with a first posting when given."""
    contact = Contact()
    region = _posting_region(posting)
    apply(contact, data, region)
    db.session.add(contact)
    if posting:
        add_posting_to(contact, posting)
        refresh_search_text(contact)
    db.session.commit()
    return contact


def update_contact(contact: Contact, data: ContactData, expected_version: int | None) -> Contact:
    """Save changes unless someone else saved the contact since `expected_version`."""
    check_version(contact, expected_version)
    region = next((_org_region(p.organisation) for p in contact.current_postings), None)
    apply(contact, data, region)
    db.session.commit()
    return contact


def _org_region(organisation: Organisation | None) -> str | None:
    """Where local phone numbers of the organisation's staff are: its State's, except that
    Permanent Missions sit in Geneva and dial Swiss numbers."""
    if organisation is None or organisation.state_id is None:
        return None
    if organisation.kind == OrganisationKind.PERMANENT_MISSION:
        return None
    state = db.session.get(State, organisation.state_id)
    return state.iso2 if state else None


def _posting_region(posting: PostingData | None) -> str | None:
    if posting is None or not 0 < posting.organisation_id <= MAX_ID:
        return None
    return _org_region(db.session.get(Organisation, posting.organisation_id))


def check_posting(data: PostingData) -> Organisation:
    """The posting's organisation; raises ValidationError for a bad organisation or dates."""
    errors: dict[str, str] = {}
    organisation = None
    if isinstance(data.organisation_id, int) and 0 < data.organisation_id <= MAX_ID:
        organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        errors["organisation"] = "Choose an organisation."
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = "The end date is before the start date."
    if any(ch in data.position for ch in "\r\n"):
        errors["position"] = "The position cannot contain line breaks."
    if errors:
        raise ValidationError(errors)
    return organisation  # type: ignore[return-value]


def add_posting_to(contact: Contact, data: PostingData) -> Posting:
    """Add a posting (the caller commits)."""
    organisation = check_posting(data)
    posting = Posting(
        position=" ".join(printable(data.position).split())[:200],
        start_date=data.start_date,
        end_date=data.end_date,
        focal_point=data.focal_point,
    )
    # Into the contact's postings (and so the session) before the organisation's: a flush in
    # between would meet a posting the organisation holds but the session does not.
    with db.session.no_autoflush:
        contact.postings.append(posting)
        posting.organisation = organisation
    return posting


def find_duplicates(
    emails: list[str],
    first_name: str,
    last_name: str,
    organisation_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Contact]:
    """Contacts sharing an email address, or the same name (whatever its case or accents) at
    the same organisation."""
    conditions = []
    normalised = [e.strip().lower() for e in emails if e.strip()]
    if normalised:
        conditions.append(
            Contact.id.in_(
                sa.select(ContactEmail.contact_id).where(ContactEmail.normalised.in_(normalised))
            )
        )
    wanted_name = name_key(first_name, last_name) if last_name.strip() else ""
    if organisation_id and wanted_name and 0 < organisation_id <= MAX_ID:
        # The organisation's people are few: their names are compared folded, in Python.
        conditions.append(
            Contact.id.in_(
                sa.select(Posting.contact_id).where(Posting.organisation_id == organisation_id)
            )
        )
    if not conditions:
        return []
    query = (
        sa.select(Contact)
        .where(sa.or_(*conditions), Contact.erased_at.is_(None), Contact.merged_into_id.is_(None))
        .options(selectinload(Contact.emails), selectinload(Contact.postings))
        .order_by(Contact.last_name, Contact.id)
    )
    if exclude_id:
        query = query.where(Contact.id != exclude_id)
    return [
        contact
        for contact in db.session.scalars(query)
        if {e.normalised for e in contact.emails} & set(normalised)
        or (
            name_key(contact.first_name, contact.last_name) == wanted_name
            and any(p.organisation_id == organisation_id for p in contact.postings)
        )
    ]


def get_contact(contact_id: int) -> Contact | None:
    """One contact with everything its page shows."""
    return db.session.scalar(
        sa.select(Contact)
        .where(Contact.id == contact_id)
        .options(
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.postings).selectinload(Posting.organisation),
            selectinload(Contact.tags),
            selectinload(Contact.areas),
            selectinload(Contact.keywords),
        )
    )


def set_archived(contact: Contact, archived: bool) -> Contact:
    """Archive (hide from lists and audiences, keep everything) or restore a contact."""
    contact.archived_at = utcnow() if archived else None
    db.session.commit()
    return contact


def name_key(first_name: str, last_name: str) -> str:
    """The folded full name, to compare names across scripts and accents."""
    return fold(f"{first_name} {last_name}")


# --- Finding contacts: the list, its filters and sorts, shared by the pages and the API ---

YES_NO = ("yes", "no")


def current_posting_clause() -> sa.ColumnElement[bool]:
    """The SQL test that a posting is current (no end date, or an end date not yet passed)."""
    return sa.or_(Posting.end_date.is_(None), Posting.end_date >= dt.date.today())


def _current_organisation_name() -> sa.ScalarSelect[str]:
    return (
        sa.select(sa.func.min(sa.func.lower(Organisation.name)))
        .join(Posting, Posting.organisation_id == Organisation.id)
        .where(Posting.contact_id == Contact.id, current_posting_clause())
        .scalar_subquery()
    )


CONTACT_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "last_name": sa.func.lower(Contact.last_name),
    "first_name": sa.func.lower(Contact.first_name),
    "organisation": _current_organisation_name(),
    "language": Contact.preferred_language,
    "updated": Contact.updated_at,
}
SORT_LABELS = {
    "last_name": "Last name",
    "first_name": "First name",
    "organisation": "Organisation",
    "language": "Language",
    "updated": "Last updated",
}


@dataclass(frozen=True)
class ContactFilters:
    """What a reader asked to see of the contacts list; unknown values are dropped before."""

    q: str | None = None
    status: str | None = None  # CCM status of the State of a current organisation
    region: str | None = None
    kind: str | None = None  # organisation kind of a current posting
    tag: str | None = None  # a tag key
    language: str | None = None
    area: str | None = None  # a thematic area slug
    do_not_email: bool | None = None
    include_archived: bool = False
    sort: str = "last_name"
    descending: bool = False


def clean_query_text(text: str | None, limit: int = 100) -> str | None:
    """A searched text without control characters (PostgreSQL refuses NUL), cut to a length."""
    if not text:
        return None
    kept = "".join(ch if ch.isprintable() else " " for ch in text)[:limit].strip()
    return kept or None


def _with_current_posting(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Contacts holding a current posting at an organisation meeting the conditions."""
    return Contact.id.in_(
        sa.select(Posting.contact_id)
        .join(Organisation, Organisation.id == Posting.organisation_id)
        .outerjoin(State, State.id == Organisation.state_id)
        .where(current_posting_clause(), *conditions)
    )


def contacts_query(filters: ContactFilters) -> sa.Select[tuple[Contact]]:
    """The contacts matching the filters, in the requested order (sort keys from an allowlist)."""
    query = sa.select(Contact).where(Contact.merged_into_id.is_(None))
    if not filters.include_archived:
        query = query.where(Contact.archived_at.is_(None), Contact.erased_at.is_(None))
    found = matches(Contact.search_text, filters.q)
    if found is not None:
        query = query.where(found)
    if filters.status:
        query = query.where(_with_current_posting(State.ccm_status == CcmStatus(filters.status)))
    if filters.region:
        query = query.where(_with_current_posting(State.region == filters.region))
    if filters.kind:
        query = query.where(
            _with_current_posting(Organisation.kind == OrganisationKind(filters.kind))
        )
    if filters.tag:
        query = query.where(
            Contact.id.in_(
                sa.select(contact_tag.c.contact_id)
                .join(Tag, Tag.id == contact_tag.c.tag_id)
                .where(Tag.key == filters.tag)
            )
        )
    if filters.language:
        query = query.where(Contact.preferred_language == filters.language)
    if filters.area:
        query = query.where(
            Contact.id.in_(
                sa.select(contact_area.c.contact_id)
                .join(ThematicArea, ThematicArea.id == contact_area.c.area_id)
                .where(ThematicArea.slug == filters.area)
            )
        )
    if filters.do_not_email is not None:
        query = query.where(Contact.do_not_email.is_(filters.do_not_email))
    return ordered(
        query, CONTACT_SORTS, filters.sort, filters.descending, sa.func.lower(Contact.first_name)
    ).order_by(Contact.id)


LIST_LOADS = (
    selectinload(Contact.emails),
    selectinload(Contact.postings)
    .selectinload(Posting.organisation)
    .selectinload(Organisation.state),
    selectinload(Contact.tags),
)
EXPORT_LOADS = (
    *LIST_LOADS,
    selectinload(Contact.phones),
    selectinload(Contact.areas),
    selectinload(Contact.keywords),
)


def without_notes(include_notes: bool) -> tuple[Any, ...]:
    """For readers who may not see notes, leave them in the database: reading one then fails
    loudly instead of leaking."""
    return () if include_notes else (defer(Contact.notes, raiseload=True),)


def find_contacts(
    filters: ContactFilters, page: int, per_page: int, include_notes: bool = True
) -> Page:
    """One page of the contacts matching the filters, loaded in a constant number of queries."""
    query = contacts_query(filters).options(*LIST_LOADS, *without_notes(include_notes))
    return paginate(query, page, per_page)


def contacts_for_export(filters: ContactFilters, include_notes: bool = True) -> list[Contact]:
    """Every contact matching the filters (all pages), with what the export columns show."""
    query = contacts_query(filters).options(*EXPORT_LOADS, *without_notes(include_notes))
    return list(db.session.scalars(query))


def record_export(kind: str, count: int, file_format: str) -> None:
    """Note in the audit trail that a list was exported: how many rows, never their content."""
    record("export", record_type=kind, detail=f"{count} rows as {file_format}")
    db.session.commit()


def contacts_by_ids(ids: Iterable[int]) -> list[Contact]:
    """The listed (not merged) contacts with these ids."""
    wanted = [i for i in ids if 0 < i <= MAX_ID]
    if not wanted:
        return []
    query = sa.select(Contact).where(Contact.id.in_(wanted), Contact.merged_into_id.is_(None))
    return list(db.session.scalars(query.options(selectinload(Contact.tags))))


def lookup_contact(contact_id: int, include_notes: bool = True) -> Contact | None:
    """get_contact, for any id a URL or a client may carry."""
    if not 0 < contact_id <= MAX_ID:
        return None
    if include_notes:
        return get_contact(contact_id)
    return db.session.scalar(
        sa.select(Contact)
        .where(Contact.id == contact_id)
        .options(*without_notes(False), *EXPORT_LOADS)
    )


# --- Link changes: tags, areas, keywords, emails and phones are not columns of the contact,
# so the automatic audit does not see them; they are recorded here, with the new version. ---


def link_values(contact: Contact) -> dict[str, list[str]]:
    """The contact's linked values as plain text, to compare and to record."""
    return {
        "emails": [e.address for e in contact.emails],
        "phones": [p.number for p in contact.phones],
        "tags": [t.name for t in contact.tags],
        "areas": [a.slug for a in contact.areas],
        "keywords": [k.name for k in contact.keywords],
    }


def record_link_changes(contact: Contact, before: dict[str, list[str]]) -> None:
    """Bump the contact's version and audit the linked values that changed (the caller commits)."""
    after = link_values(contact)
    changed = [name for name in after if after[name] != before.get(name)]
    if not changed:
        return
    contact.updated_at = utcnow()  # an UPDATE of the row, so its version moves on
    db.session.flush()
    user_id, label, ip = current_actor()
    db.session.add(
        AuditEvent(
            actor_user_id=user_id,
            actor_label=label,
            action="update",
            record_type="Contact",
            record_id=str(contact.id),
            before={name: before.get(name) for name in changed},
            after={**{name: after[name] for name in changed}, "version": contact.version},
            ip=ip,
        )
    )


def save_contact(contact: Contact, data: ContactData, expected_version: int | None) -> Contact:
    """Save an edit from a form or the API, recording link changes; refuses stale versions."""
    if contact.erased_at is not None or contact.merged_into_id is not None:
        raise ValidationError({"last_name": "An erased or merged contact cannot be edited."})
    check_version(contact, expected_version)
    before = link_values(contact)
    region = next((_org_region(p.organisation) for p in contact.current_postings), None)
    apply(contact, data, region)
    record_link_changes(contact, before)
    commit_or_conflict(contact, expected_version)
    return contact


class DuplicateWarning(Exception):
    """The new contact looks like people already in the directory."""

    def __init__(self, duplicates: list[Contact]) -> None:
        super().__init__(f"{len(duplicates)} possible duplicates")
        self.duplicates = duplicates


def create_contact_checked(
    data: ContactData, posting: PostingData | None = None, allow_duplicates: bool = False
) -> Contact:
    """Create a contact, unless it looks like an existing one and duplicates were not allowed."""
    values = clean(data, _posting_region(posting))  # report bad values before duplicates
    if posting is not None:
        check_posting(posting)
    if not allow_duplicates:
        duplicates = find_duplicates(
            values["emails"],  # type: ignore[arg-type]
            str(values["first_name"]),
            str(values["last_name"]),
            posting.organisation_id if posting else None,
        )
        if duplicates:
            raise DuplicateWarning(duplicates)
    return create_contact(data, posting)


def bulk_change(ids: Iterable[int], action: str, tag_name: str = "") -> int:
    """Tag, untag, archive or restore several contacts at once; returns how many changed."""
    contacts = [c for c in contacts_by_ids(ids) if c.erased_at is None]
    changed = 0
    if action in ("tag", "untag"):
        names = split_labels(tag_name)
        if not names:
            raise ValidationError({"tag": "Enter the tag to add or remove."})
        [tag] = resolve_tags(names[:1])
        for contact in contacts:
            has = any(t.key == tag.key for t in contact.tags)
            if action == "tag" and not has:
                before = link_values(contact)
                contact.tags.append(tag)
            elif action == "untag" and has:
                before = link_values(contact)
                contact.tags = [t for t in contact.tags if t.key != tag.key]
            else:
                continue
            refresh_search_text(contact)
            record_link_changes(contact, before)
            changed += 1
    elif action in ("archive", "restore"):
        for contact in contacts:
            if (contact.archived_at is None) == (action == "archive"):
                contact.archived_at = utcnow() if action == "archive" else None
                changed += 1
    else:
        raise ValidationError({"action": "Choose what to do with the selected contacts."})
    db.session.commit()
    return changed


# --- Postings over time ---


def _posting_of(contact: Contact, posting_id: int) -> Posting:
    posting = next((p for p in contact.postings if p.id == posting_id), None)
    if posting is None:
        raise ValidationError({"posting": "This posting is not one of this person's."})
    return posting


def add_posting(contact: Contact, data: PostingData) -> Posting:
    """Add a posting to a contact."""
    posting = add_posting_to(contact, data)
    refresh_search_text(contact)
    db.session.commit()
    return posting


def end_posting(contact: Contact, posting_id: int, end_date: dt.date) -> Posting:
    """Close a posting on its last day; the row stays, as the organisation's past staff."""
    posting = _posting_of(contact, posting_id)
    if posting.start_date and end_date < posting.start_date:
        raise ValidationError({"end_date": "The end date is before the posting started."})
    posting.end_date = end_date
    refresh_search_text(contact)
    db.session.commit()
    return posting


def move_contact(contact: Contact, posting_id: int, moved_on: dt.date, new: PostingData) -> Posting:
    """A rotation: the current posting ends the day before `moved_on`, the new one starts then."""
    old = _posting_of(contact, posting_id)
    if old.start_date and moved_on <= old.start_date:
        raise ValidationError({"moved_on": "The move must come after the current posting began."})
    if old.end_date is not None and old.end_date < moved_on - dt.timedelta(days=1):
        raise ValidationError({"posting": "This posting has already ended."})
    new = PostingData(
        organisation_id=new.organisation_id,
        position=new.position,
        start_date=moved_on,
        end_date=None,
        focal_point=new.focal_point,
    )
    check_posting(new)  # before anything changes
    old.end_date = moved_on - dt.timedelta(days=1)
    posting = add_posting_to(contact, new)
    refresh_search_text(contact)
    db.session.commit()
    return posting


def set_contact_archived(contact: Contact, archived: bool) -> Contact:
    """Archive or restore a contact; an erased or merged one stays archived."""
    if not archived and (contact.erased_at is not None or contact.merged_into_id is not None):
        raise ValidationError({"archived": "An erased or merged contact cannot be restored."})
    return set_archived(contact, archived)


def organisation_choices() -> list[Organisation]:
    """Organisations a person can be posted at, by name."""
    query = (
        sa.select(Organisation)
        .where(Organisation.archived_at.is_(None))
        .options(selectinload(Organisation.state))
        .order_by(sa.func.lower(Organisation.name), Organisation.id)
    )
    return list(db.session.scalars(query))


def thematic_areas() -> list[ThematicArea]:
    """The seven thematic areas, in their usual order."""
    return list(db.session.scalars(sa.select(ThematicArea).order_by(ThematicArea.position)))


# --- Experts: the ISU's resource base ---


@dataclass
class ExpertGroup:
    """The experts of one thematic area (area None: keywords without an area)."""

    area: ThematicArea | None
    experts: list[Contact]


def find_experts(area_slug: str | None = None, keyword: str | None = None) -> list[ExpertGroup]:
    """People with expertise, grouped by thematic area, excluding archived and erased ones."""
    areas = thematic_areas()
    if area_slug:
        areas = [a for a in areas if a.slug == area_slug]
    query = sa.select(Contact).where(
        Contact.archived_at.is_(None),
        Contact.erased_at.is_(None),
        Contact.merged_into_id.is_(None),
        sa.or_(
            Contact.id.in_(sa.select(contact_area.c.contact_id)),
            Contact.id.in_(sa.select(contact_keyword.c.contact_id)),
        ),
    )
    found = matches(Keyword.key, keyword)
    if found is not None:
        query = query.where(
            Contact.id.in_(
                sa.select(contact_keyword.c.contact_id)
                .join(Keyword, Keyword.id == contact_keyword.c.keyword_id)
                .where(found)
            )
        )
    query = query.options(
        selectinload(Contact.areas),
        selectinload(Contact.keywords),
        selectinload(Contact.postings).selectinload(Posting.organisation),
    ).order_by(sa.func.lower(Contact.last_name), sa.func.lower(Contact.first_name), Contact.id)
    experts = list(db.session.scalars(query))
    groups = [
        ExpertGroup(area, [c for c in experts if any(a.id == area.id for a in c.areas)])
        for area in areas
    ]
    if not area_slug:
        groups.append(ExpertGroup(None, [c for c in experts if not c.areas]))
    return groups
