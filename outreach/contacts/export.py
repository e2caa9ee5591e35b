"""The columns of a contacts export, shared by the CSV/XLSX downloads and the importer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from outreach.contacts.services import display_phone
from outreach.directory.models import LANGUAGES, Contact, Posting

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """One exported column: its header, the import field it maps back to, and its value."""

    header: str
    field: str
    value: Callable[[Contact], Any]
    staff_only: bool = False


def _current(contact: Contact) -> Posting | None:
    current = contact.current_postings
    return current[0] if current else None


def _joined(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


CONTACT_COLUMNS: list[Column] = [
    Column("Honorific", "honorific", lambda c: c.honorific),
    Column("First name", "first_name", lambda c: c.first_name),
    Column("Last name", "last_name", lambda c: c.last_name),
    Column("Emails", "emails", lambda c: _joined(e.address for e in c.emails)),
    Column("Phones", "phones", lambda c: _joined(display_phone(p.number) for p in c.phones)),
    Column(
        "Language",
        "preferred_language",
        lambda c: LANGUAGES.get(c.preferred_language, c.preferred_language),
    ),
    Column(
        "Organisation", "organisation", lambda c: p.organisation.name if (p := _current(c)) else ""
    ),
    Column("Position", "position", lambda c: p.position if (p := _current(c)) else ""),
    Column(
        "State",
        "state",
        lambda c: p.organisation.state.iso3 if (p := _current(c)) and p.organisation.state else "",
    ),
    Column("Tags", "tags", lambda c: _joined(t.name for t in c.tags)),
    Column("Expertise areas", "areas", lambda c: _joined(a.slug for a in c.areas)),
    Column("Keywords", "keywords", lambda c: _joined(k.name for k in c.keywords)),
    Column("Do not email", "do_not_email", lambda c: c.do_not_email),
    Column("Notes", "notes", lambda c: c.notes, staff_only=True),
]


def contact_columns(include_staff_only: bool) -> list[Column]:
    """The columns a reader may export (coordinators never get notes)."""
    return [c for c in CONTACT_COLUMNS if include_staff_only or not c.staff_only]


def contact_rows(contacts: Iterable[Contact], columns: list[Column]) -> Iterable[list[Any]]:
    """The exported values of each contact."""
    for contact in contacts:
        yield [column.value(contact) for column in columns]
