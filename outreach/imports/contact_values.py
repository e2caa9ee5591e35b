"""The contacts service's clean and apply for many rows at once: the same rules, with thematic
areas, tags and keywords looked up in maps loaded once instead of with queries for each row.

`outreach.contacts.services.apply` runs one query each for a contact's tags and keywords; over
10,000 rows that is most of an import's time, and new tags would be created twice while the
session does not flush.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from outreach.contacts import services as contacts
from outreach.directory.models import Contact, ContactEmail, ContactPhone, Keyword, Tag
from outreach.directory.search import fold
from outreach.extensions import db
from outreach.reference.models import ThematicArea

SCALARS = (
    "honorific",
    "first_name",
    "last_name",
    "do_not_email",
    "do_not_email_reason",
    "notes",
    "preferred_language",
)


def clean_contact(
    data: contacts.ContactData, region: str | None, areas: dict[str, ThematicArea]
) -> dict[str, Any]:
    """`contacts.services.clean` with the areas taken from `areas` (by slug)."""
    return contacts.clean(data, region, areas_by_slug=areas)


def areas_by_slug() -> dict[str, ThematicArea]:
    """Every thematic area, by slug."""
    return {a.slug: a for a in db.session.scalars(sa.select(ThematicArea))}


class LabelCache:
    """Tags or keywords by folded name: those in the database loaded once, new ones made once."""

    def __init__(self, model: type[Tag] | type[Keyword]) -> None:
        self.model = model
        self.known: dict[str, Tag | Keyword] = {}
        self.looked_up: set[str] = set()

    def preload(self, names: Iterable[str]) -> None:
        """Load the existing labels among these names (a query per 500 names not looked up)."""
        keys = sorted({fold(n) for n in contacts.labels(names)} - self.looked_up)
        for start in range(0, len(keys), 500):
            query = sa.select(self.model).where(self.model.key.in_(keys[start : start + 500]))
            for label in db.session.scalars(query):
                self.known[label.key] = label
        self.looked_up.update(keys)

    def get(self, names: Iterable[str]) -> list[Any]:
        """The labels of these names, new ones added to the session (the caller commits)."""
        names = contacts.labels(names)
        self.preload(names)  # no query when every name was preloaded
        found: dict[str, Tag | Keyword] = {}
        for name in names:
            key = fold(name)
            if key not in self.known:
                self.known[key] = self.model(name=name, key=key)
                db.session.add(self.known[key])
            found.setdefault(key, self.known[key])
        return list(found.values())


def apply_values(
    contact: Contact,
    values: dict[str, Any],
    tags: list[Any],
    keywords: list[Any],
    refresh: bool = True,
) -> Contact:
    """`contacts.services.apply` with values from `clean_contact` and labels from a cache
    (`refresh=False` leaves the search text to the caller, who adds a posting first)."""
    was_opted_out = contact.do_not_email
    for name in SCALARS:
        setattr(contact, name, values[name])
    if contact.do_not_email and not was_opted_out:
        contact.do_not_email_since = dt.date.today()
    elif not contact.do_not_email:
        contact.do_not_email_since = None
    existing = {e.normalised: e for e in contact.emails}
    rows = []
    for position, address in enumerate(values["emails"]):
        row = existing.get(address.lower()) or ContactEmail(
            address=address, normalised=address.lower()
        )
        row.address = address
        row.position = position
        rows.append(row)
    contact.emails = rows
    contact.phones = [ContactPhone(number=n, position=i) for i, n in enumerate(values["phones"])]
    contact.tags = tags
    contact.keywords = keywords
    contact.areas = values["areas"]
    if refresh:
        contacts.refresh_search_text(contact)
    return contact
