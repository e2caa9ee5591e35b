"""Use cases of organisations: validate, create, update, archive, restore, find."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import selectinload

from outreach.db import utcnow
from outreach.directory.errors import ValidationError
from outreach.directory.models import Contact, Organisation, OrganisationKind, Posting, Tag
from outreach.directory.search import search_text
from outreach.directory.tags import resolve_tags
from outreach.directory.versions import check_version
from outreach.extensions import db
from outreach.reference.models import State


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


def clean(data: OrganisationData) -> tuple[dict[str, object], list[str]]:
    """Checked values ready to store, and the tag names; raises ValidationError per field."""
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
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.tags = resolve_tags(tags)
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
    apply(organisation, data)
    if renamed:
        _refresh_staff_search_text(organisation)
    db.session.commit()
    return organisation


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


def get_organisation(organisation_id: int) -> Organisation | None:
    """One organisation with its tags, State and postings."""
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.tags),
            selectinload(Organisation.postings).selectinload(Posting.contact),
        )
    )


def organisations_by_ids(ids: Iterable[int]) -> list[Organisation]:
    """The organisations with these ids."""
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(list(ids)))))


def tag_names(tags: Iterable[Tag]) -> list[str]:
    """Display names of tags."""
    return [t.name for t in tags]
