"""The import's batch version of the contacts checks gives the same values and messages."""

from __future__ import annotations

import pytest

from outreach.contacts import services as contacts
from outreach.directory.errors import ValidationError
from outreach.imports.contact_values import areas_by_slug, clean_contact

SAMPLES = [
    contacts.ContactData(last_name="Pérez", first_name="Ana"),
    contacts.ContactData(
        last_name="  Müller\t ",
        first_name=" Jörg ",
        honorific="Dr",
        notes=" a\r\nb\t ",
        emails=["A@Example.ORG", "a@example.org", " b@example.org "],
        phones=["022 345 67 89", "+33 1 44 55 66 77", "022 345 67 89"],
        preferred_language="FR",
        area_slugs=["clearance", "universalization"],
        do_not_email=True,
        do_not_email_reason=" asked ",
    ),
    contacts.ContactData(last_name=""),
    contacts.ContactData(last_name="Doe", emails=["nope"], phones=["12"]),
    contacts.ContactData(last_name="Doe", preferred_language="xx", area_slugs=["astrology"]),
    contacts.ContactData(last_name="Doe\nRoe", first_name="A\rB", honorific="H.E.\n"),
    contacts.ContactData(last_name="=SUM(1)", first_name="@x", notes="\x00hidden\x07"),
    contacts.ContactData(last_name="x" * 500, honorific="y" * 80),
]


@pytest.mark.parametrize("data", SAMPLES)
@pytest.mark.parametrize("region", [None, "FR"])
def test_clean_contact_agrees_with_the_contacts_service(app, data, region):
    try:
        expected = contacts.clean(data, region)
    except ValidationError as error:
        with pytest.raises(ValidationError) as caught:
            clean_contact(data, region, areas_by_slug())
        assert caught.value.errors == error.errors
        return
    got = clean_contact(data, region, areas_by_slug())
    assert {k: v for k, v in got.items() if k != "areas"} == {
        k: v for k, v in expected.items() if k != "areas"
    }
    assert sorted(a.slug for a in got["areas"]) == sorted(a.slug for a in expected["areas"])
