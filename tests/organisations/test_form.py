"""Adding and editing an organisation through its form: messages next to fields, nothing lost,
and a clear conflict when someone else saved in between (D2)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from outreach.directory.models import Organisation
from outreach.extensions import db
from outreach.organisations.services import tag_names
from tests.conftest import csrf_token
from tests.directory.pages import text
from tests.factories import make_organisation
from tests.organisations.pages import form_values

GOOD = {
    "name": "Norwegian People’s Aid",
    "acronym": "NPA",
    "kind": "ngo",
    "state": "NOR",
    "address": "Storgata 33A\n0184 Oslo",
    "email": "npa@npaid.example",
    "phone": "+47 22 03 77 00",
    "website": "https://www.npaid.example",
    "tags": "clearance, donor",
    "notes": "Partner in Lao PDR.",
}


def _by_name(name: str) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return text(match.group(1))


def test_staff_add_an_organisation_and_land_on_its_page(signed_in, auth):
    response = auth.post("/organisations/new", GOOD)

    ngo = _by_name("Norwegian People’s Aid")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{ngo.id}"
    assert (ngo.acronym, ngo.kind.value, ngo.state.iso3, ngo.email) == (
        "NPA",
        "ngo",
        "NOR",
        "npa@npaid.example",
    )
    assert tag_names(ngo.tags) == ["clearance", "donor"]
    assert ngo.address == "Storgata 33A\n0184 Oslo"
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Norwegian People’s Aid was added." in page


def test_the_new_form_offers_every_state_and_kind_and_may_start_from_a_state(signed_in):
    html = signed_in.get("/organisations/new?state=fra").get_data(as_text=True)

    assert html.count("<option ") >= 197 + 9
    assert form_values(html)["state"] == "FRA"
    assert 'name="csrf_token"' in html
    assert 'name="version"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "javascript:alert(document.cookie)", "starting with http:// or https://"),
        (
            "website",
            "data:text/html,<script>alert(1)</script>",
            "starting with http:// or https://",
        ),
        ("email", "not-an-email", "must have an @-sign"),
        ("name", "   ", "Enter the organisation's name."),
        ("kind", "", "Choose what kind of organisation this is."),
        ("kind", "castle", "Choose what kind of organisation this is."),
        ("state", "XYZ", "No State has the code 'XYZ'."),
        ("acronym", "A" * 41, "Keep this under 41 characters."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_the_values_are_kept(
    signed_in, auth, field, value, message
):
    response = auth.post("/organisations/new", {**GOOD, field: value})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _error(html, field)
    assert "Please correct the following" in html
    kept = form_values(html)
    for name in ("name", "acronym", "email", "phone", "website", "tags", "notes"):
        if name != field:
            assert kept[name] == GOOD[name], name
    assert kept["address"].replace("\r\n", "\n") == GOOD["address"]
    assert _by_name(GOOD["name"]) is None


def test_i2_a_javascript_website_is_never_stored_nor_linked(signed_in, auth):
    auth.post("/organisations/new", {**GOOD, "website": " JAVASCRIPT:alert(1)"})
    assert _by_name(GOOD["name"]) is None
    assert 'href="javascript' not in signed_in.get("/organisations").get_data(as_text=True).lower()


def test_the_edit_form_starts_from_the_stored_values_and_saves_changes(signed_in, auth):
    ngo = make_organisation(
        "Mines Advisory Group", acronym="MAG", state_iso3="GBR", tags=["clearance", "3RC"]
    )

    values = form_values(signed_in.get(f"/organisations/{ngo.id}/edit").get_data(as_text=True))
    assert (values["name"], values["acronym"], values["state"], values["kind"]) == (
        "Mines Advisory Group",
        "MAG",
        "GBR",
        "ngo",
    )
    assert values["tags"] == "3RC, clearance"
    assert values["version"] == "1"

    response = auth.post(
        f"/organisations/{ngo.id}/edit", {**values, "email": "info@mag.example", "tags": "3RC"}
    )

    assert response.headers["Location"] == f"/organisations/{ngo.id}"
    saved = _by_name("Mines Advisory Group")
    assert (saved.email, tag_names(saved.tags), saved.version) == ("info@mag.example", ["3RC"], 2)


def test_d2_the_second_of_two_forms_opened_at_once_gets_a_conflict_and_loses_nothing(
    app, auth, browser, staff
):
    from tests.factories import make_user

    make_user("colleague@isu.example", "staff", name="Cleo Colleague")
    ngo = make_organisation("The HALO Trust", email="mail@halo.example")
    colleague = browser()
    colleague.login("colleague@isu.example")
    auth.login(staff.email)
    edit = f"/organisations/{ngo.id}/edit"
    mine = form_values(auth.client.get(edit).get_data(as_text=True))
    theirs = form_values(colleague.client.get(edit).get_data(as_text=True))

    first = colleague.post(edit, {**theirs, "email": "info@halotrust.example"})
    second = auth.post(edit, {**mine, "phone": "+44 1848 331100", "notes": "My careful note"})

    assert first.status_code == 302
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    conflict = text(html.split('class="conflict"', 1)[1].split('<form method="post"', 1)[0])
    assert "Someone else saved this organisation after you opened it" in text(html)
    assert "Your changes were not saved, and theirs were kept." in conflict
    assert "colleague@isu.example" in conflict
    assert "Email : mail@halo.example → info@halotrust.example (colleague@isu.example," in conflict
    kept = form_values(html)
    assert (kept["phone"], kept["notes"]) == ("+44 1848 331100", "My careful note")
    assert kept["email"] == "mail@halo.example"  # what this person's form held
    stored = _by_name("The HALO Trust")
    assert (stored.email, stored.phone, stored.notes) == ("info@halotrust.example", None, "")

    # Having seen their change, saving again is deliberate and goes through.
    again = auth.post(edit, {**kept, "email": "info@halotrust.example"})
    assert again.status_code == 302
    assert _by_name("The HALO Trust").phone == "+44 1848 331100"


def test_a_missing_or_tampered_version_is_a_conflict_not_an_overwrite(signed_in, auth):
    ngo = make_organisation("Tampered NGO")
    values = form_values(signed_in.get(f"/organisations/{ngo.id}/edit").get_data(as_text=True))

    for version in ("", "abc", "-1", "99999999999999999999"):
        response = auth.post(
            f"/organisations/{ngo.id}/edit", {**values, "name": "X", "version": version}
        )
        assert response.status_code == 409, version
    assert _by_name("Tampered NGO") is not None


def test_a5_fields_that_are_not_on_the_form_are_ignored(signed_in, auth):
    auth.post(
        "/organisations/new",
        {**GOOD, "id": "1", "archived_at": "2020-01-01", "version": "7", "search_text": "zzz"},
    )

    ngo = _by_name(GOOD["name"])
    assert ngo.id != 1
    assert ngo.archived_at is None
    assert ngo.version == 1
    assert "zzz" not in ngo.search_text


def test_a_form_without_its_csrf_token_is_refused(signed_in):
    response = signed_in.post("/organisations/new", data=GOOD)
    assert response.status_code == 400
    assert _by_name(GOOD["name"]) is None


def test_coordinators_cannot_open_the_forms(as_coordinator, app):
    ngo = make_organisation()
    assert as_coordinator.get("/organisations/new").status_code == 403
    assert as_coordinator.get(f"/organisations/{ngo.id}/edit").status_code == 403
    token = csrf_token(as_coordinator, "/account")
    assert (
        as_coordinator.post("/organisations/new", data={**GOOD, "csrf_token": token}).status_code
        == 403
    )


def test_a_nul_character_gets_a_message_next_to_its_field(signed_in, auth):
    response = auth.post(
        "/organisations/new", {**GOOD, "name": "Bad\x00name", "tags": "a\x00", "state": "\x00"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("name", "tags", "state"):
        assert "Remove the invisible NUL character" in _error(html, field)
    assert _by_name("Badname") is None


def test_a_version_in_other_digits_is_a_conflict_not_an_error(signed_in, auth):
    ngo = make_organisation("Digits NGO")
    values = form_values(signed_in.get(f"/organisations/{ngo.id}/edit").get_data(as_text=True))

    response = auth.post(f"/organisations/{ngo.id}/edit", {**values, "version": "²"})

    assert response.status_code == 409
