"""Use cases of contacts: validate, create, update, find duplicates, postings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import (
    LANGUAGES,
    Contact,
    ContactEmail,
    ContactPhone,
    Organisation,
    Posting,
)
from outreach.directory.search import fold, search_text
from outreach.directory.tags import resolve_keywords, resolve_tags
from outreach.directory.versions import check_version
from outreach.extensions import db
from outreach.organisations.services import normalise_email
from outreach.reference.models import State, ThematicArea

HONORIFICS = ("H.E.", "Ambassador", "Minister", "Dr", "Prof.", "Mr", "Ms", "Mrs", "Mx")
DEFAULT_PHONE_REGION = "CH"  # the ISU works from Geneva: local numbers are Swiss


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


def clean(data: ContactData, phone_region: str | None = None) -> dict[str, object]:
    """Checked values ready to store; raises ValidationError with a message per field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "honorific": " ".join(data.honorific.split())[:40],
        "first_name": " ".join(data.first_name.split())[:200],
        "last_name": " ".join(data.last_name.split())[:200],
        "do_not_email": bool(data.do_not_email),
        "do_not_email_reason": data.do_not_email_reason.strip()[:300] if data.do_not_email else "",
        "notes": data.notes.strip(),
    }
    if not values["last_name"]:
        errors["last_name"] = "Enter the family name (or the only name the person uses)."
    language = data.preferred_language.strip().lower() or "en"
    if language not in LANGUAGES:
        errors["preferred_language"] = "Choose a language from the list."
    values["preferred_language"] = language
    values["emails"] = _clean_emails(data.emails, errors)
    values["phones"] = _clean_phones(data.phones, errors, phone_region)
    areas = list(
        db.session.scalars(sa.select(ThematicArea).where(ThematicArea.slug.in_(data.area_slugs)))
    )
    if len(areas) != len(set(data.area_slugs)):
        errors["areas"] = "Choose thematic areas from the list."
    values["areas"] = areas
    if any(ch in str(values[n]) for n in ("first_name", "last_name", "honorific") for ch in "\r\n"):
        errors["last_name"] = "Names cannot contain line breaks."
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
    contact.tags = resolve_tags(data.tags)
    contact.keywords = resolve_keywords(data.keywords)
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
    if organisation is None or organisation.state_id is None:
        return None
    state = db.session.get(State, organisation.state_id)
    return state.iso2 if state else None


def _posting_region(posting: PostingData | None) -> str | None:
    if posting is None:
        return None
    return _org_region(db.session.get(Organisation, posting.organisation_id))


def check_posting(data: PostingData) -> Organisation:
    """The posting's organisation; raises ValidationError for a bad organisation or dates."""
    errors: dict[str, str] = {}
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
        organisation=organisation,
        position=" ".join(data.position.split())[:200],
        start_date=data.start_date,
        end_date=data.end_date,
        focal_point=data.focal_point,
    )
    contact.postings.append(posting)
    return posting


def find_duplicates(
    emails: list[str],
    first_name: str,
    last_name: str,
    organisation_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Contact]:
    """Contacts sharing an email address, or the same name at the same organisation."""
    conditions = []
    normalised = [e.strip().lower() for e in emails if e.strip()]
    if normalised:
        conditions.append(
            Contact.id.in_(
                sa.select(ContactEmail.contact_id).where(ContactEmail.normalised.in_(normalised))
            )
        )
    if organisation_id and last_name.strip():
        same_name = sa.and_(
            sa.func.lower(Contact.last_name) == last_name.strip().lower(),
            sa.func.lower(Contact.first_name) == first_name.strip().lower(),
            Contact.id.in_(
                sa.select(Posting.contact_id).where(Posting.organisation_id == organisation_id)
            ),
        )
        conditions.append(same_name)
    if not conditions:
        return []
    query = (
        sa.select(Contact)
        .where(sa.or_(*conditions), Contact.erased_at.is_(None), Contact.merged_into_id.is_(None))
        .options(selectinload(Contact.emails))
        .order_by(Contact.last_name, Contact.id)
    )
    if exclude_id:
        query = query.where(Contact.id != exclude_id)
    return list(db.session.scalars(query))


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
