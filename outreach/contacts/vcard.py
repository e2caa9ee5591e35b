"""A contact as a vCard 3.0, for address books and phones."""

from __future__ import annotations

import vobject

from outreach.contacts.services import display_phone
from outreach.directory.models import Contact


def vcard(contact: Contact) -> str:
    """The contact's names, emails, phones, organisation and title (never notes)."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(
        family=contact.last_name, given=contact.first_name, prefix=contact.honorific
    )
    card.add("fn").value = contact.display_name or contact.last_name
    for email in contact.emails:
        line = card.add("email")
        line.value = email.address
        line.type_param = "INTERNET"
    for phone in contact.phones:
        card.add("tel").value = display_phone(phone.number)
    current = contact.current_postings
    if current:
        card.add("org").value = [current[0].organisation.name]
        if current[0].position:
            card.add("title").value = current[0].position
    card.add("uid").value = f"contact-{contact.id}@outreach"
    return card.serialize()
