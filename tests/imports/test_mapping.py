"""Matching columns to fields: guessed from headers in three languages, remembered per user."""

from __future__ import annotations

from outreach.contacts.export import CONTACT_COLUMNS
from outreach.imports.fields import guess_mapping, parse_kind, parse_language, parse_yes_no
from outreach.imports.services import check_mapping, initial_mapping, remember_mapping
from tests.factories import make_user


def test_english_french_and_spanish_headers_are_recognised():
    assert guess_mapping("contacts", ["Last name", "First name", "E-mail", "Organization"]) == [
        "last_name",
        "first_name",
        "emails",
        "organisation",
    ]
    assert guess_mapping("contacts", ["Nom", "Prénom", "Courriel", "Pays", "Téléphone"]) == [
        "last_name",
        "first_name",
        "emails",
        "state",
        "phones",
    ]
    assert guess_mapping("contacts", ["Apellido", "Nombre", "Correo", "País", "Organismo"]) == [
        "last_name",
        "first_name",
        "emails",
        "state",
        "organisation",
    ]


def test_the_headers_of_the_contacts_export_map_back_to_their_fields():
    headers = [c.header for c in CONTACT_COLUMNS]
    assert guess_mapping("contacts", headers) == [c.field for c in CONTACT_COLUMNS]


def test_several_email_columns_all_go_to_emails_but_a_name_column_only_once():
    mapping = guess_mapping("contacts", ["Nom", "Email 1", "Email 2", "Surname", "Notes"])
    assert mapping == ["last_name", "emails", "emails", "", "notes"]


def test_unknown_headers_are_left_out():
    assert guess_mapping("contacts", ["Last name", "Shoe size", ""]) == ["last_name", "", ""]


def test_organisation_headers_are_recognised():
    mapping = guess_mapping(
        "organisations", ["Organisation", "Sigle", "Type", "Country", "Web site", "Courriel"]
    )
    assert mapping == ["name", "acronym", "kind", "state", "website", "email"]


def test_a_mapping_without_the_last_name_or_with_a_name_twice_is_refused_with_reasons():
    messages = check_mapping("contacts", ["A", "B", "C"], ["first_name", "first_name", ""])
    assert "Choose the column that holds Last name." in messages
    assert "Only one column can be First name: “A” and “B” both are." in messages
    assert check_mapping("contacts", ["A", "B"], ["last_name", "emails"]) == []


def test_the_last_mapping_is_remembered_per_user_and_kind(app):
    user = make_user("one@isu.example")
    other = make_user("two@isu.example")
    headers = ["Family", "Mail", "Comments"]
    assert initial_mapping(user.id, "contacts", headers) == ["", "emails", "notes"]
    remember_mapping(user.id, "contacts", headers, ["last_name", "emails", ""])
    assert initial_mapping(user.id, "contacts", headers) == ["last_name", "emails", ""]
    # a later file with some of the same headers starts from the same choices
    assert initial_mapping(user.id, "contacts", ["Mail", "FAMILY", "Position"]) == [
        "emails",
        "last_name",
        "position",
    ]
    assert initial_mapping(other.id, "contacts", headers) == ["", "emails", "notes"]
    assert initial_mapping(user.id, "organisations", headers) == ["", "email", "notes"]


def test_values_are_understood_in_three_languages():
    assert [parse_language(t) for t in ("fr", "French", "français", "Español", "EN", "xx")] == [
        "fr",
        "fr",
        "fr",
        "es",
        "en",
        None,
    ]
    assert [parse_yes_no(t) for t in ("yes", "Oui", "sí", "x", "1", "TRUE", "", "no", "maybe")] == [
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        None,
    ]
    assert parse_kind("Permanent mission").value == "permanent_mission"
    assert parse_kind("ngo").value == "ngo"
    assert parse_kind("ONG").value == "ngo"
    assert parse_kind("").value == "other"
    assert parse_kind("spaceship") is None
