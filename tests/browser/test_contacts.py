"""Contacts in a real browser: create, find, edit and move a person; every contacts page passes
axe at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.directory.models import Organisation
from outreach.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.factories import make_contact, make_organisation

pytestmark = pytest.mark.browser

ROWS = "table.data-table tbody tr"


def settle() -> None:
    """End the test thread's transaction: on SQLite, outside a request, even a read takes the
    write lock (BEGIN IMMEDIATE) that the server then waits for."""
    db.session.close()


@pytest.fixture
def organisations(live_server: LiveServer) -> dict[str, int]:
    """A mission in Geneva and a ministry in the capital."""
    mission = make_organisation("Permanent Mission of Peru", "permanent_mission", state_iso3="PER")
    ministry = make_organisation(
        "Ministry of Foreign Affairs of Peru", "ministry", state_iso3="PER"
    )
    ids = {"mission": mission.id, "ministry": ministry.id}
    settle()
    return ids


def test_create_find_edit_and_move_a_contact(
    page: Page, live_server: LiveServer, organisations: dict[str, int]
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/contacts"))
    page.get_by_role("link", name="Add a contact").click()

    page.get_by_label("Honorific").select_option("H.E.")
    page.get_by_label("First name(s)").fill("Ana María")
    page.get_by_label("Last name").fill("Pérez")
    page.get_by_label("Email addresses").fill("ana.perez@onu.example")
    page.get_by_label("Phone numbers").fill("022 917 12 34")
    page.get_by_label("Preferred language").select_option(label="Spanish")
    page.get_by_label("Universalization").check()
    page.get_by_label("Expertise keywords").fill("treaty law")
    page.get_by_label("Organisation", exact=True).select_option(str(organisations["mission"]))
    page.get_by_label("Position", exact=True).fill("Counsellor")
    page.get_by_role("button", name="Add the contact").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("H.E. Ana María Pérez")
    expect(page.get_by_role("status")).to_contain_text("was added")
    expect(page.locator(".facts")).to_contain_text("+41 22 917 12 34")

    # Found with two keystrokes, without the accent.
    page.get_by_role("link", name="Contacts", exact=True).first.click()
    make_contact("Martin", "Paul")
    settle()
    page.get_by_label("Name, email, organisation or position").fill("pe")
    page.get_by_label("Name, email, organisation or position").press("Enter")
    expect(page.locator(ROWS)).to_have_count(1)
    page.locator(ROWS).get_by_role("link", name="Pérez, Ana María").click()

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Tags").fill("3RC, donor")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("The changes were saved.")
    expect(page.locator(".facts")).to_contain_text("3RC")

    page.get_by_role("link", name="Move to a new posting").click()
    page.get_by_label("Starts the new posting on").fill("2025-09-01")
    page.get_by_label("New organisation", exact=True).select_option(str(organisations["ministry"]))
    page.get_by_label("New position", exact=True).fill("Director for Disarmament")
    page.get_by_role("button", name="Move to the new posting").click()

    expect(page.get_by_role("status")).to_contain_text("moved to the new posting")
    current = page.get_by_role("table", name="Current")
    past = page.get_by_role("table", name="Past")
    expect(current).to_contain_text("Ministry of Foreign Affairs of Peru")
    expect(current).to_contain_text("Director for Disarmament")
    expect(past).to_contain_text("Permanent Mission of Peru")
    expect(past).to_contain_text("31 Aug 2025")


def test_the_list_works_without_javascript(
    page_without_javascript: Page, live_server: LiveServer
) -> None:
    page = page_without_javascript
    make_contact("Dubois", "Hélène")
    make_contact("Martin", "Paul")
    settle()
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/contacts"))

    page.get_by_label("Name, email, organisation or position").fill("helene")
    page.get_by_role("button", name="Apply", exact=True).click()

    expect(page).to_have_url(re.compile(r"q=helene"))
    expect(page.locator(ROWS)).to_have_count(1)
    page.get_by_label("Select Hélène Dubois").check()
    page.get_by_label("Tag (to add or remove)").fill("3RC")
    page.get_by_role("button", name="Apply to ticked contacts").click()
    expect(page.get_by_role("status").first).to_contain_text("1 of 1 contacts changed")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_contacts_page_passes_axe(
    page: Page,
    live_server: LiveServer,
    axe: Axe,
    page_log: PageLog,
    organisations: dict[str, int],
    viewport: dict[str, int],
) -> None:
    page.set_viewport_size(viewport)
    helene = make_contact(
        "Dubois",
        "Hélène",
        organisation=db.session.get(Organisation, organisations["mission"]),
        position="Ambassador",
        honorific="H.E.",
        emails=["helene@mission.example"],
        phones=["022 917 12 34"],
        tags=["3RC"],
        area_slugs=["clearance"],
        keywords=["survey"],
        notes="Confidential.",
    )
    other = make_contact("Dubois", "Helene", emails=["hd@other.example"])
    helene_id, other_id = helene.id, other.id
    settle()
    sign_in(page, live_server, STAFF["email"])

    for path, text in [
        ("/contacts", "2 contacts found."),
        ("/contacts?q=zzz", "No contact matches these filters."),
        (f"/contacts/{helene_id}", "Postings"),
        ("/contacts/new", "Add a contact"),
        (f"/contacts/{helene_id}/edit", "Edit H.E. Hélène Dubois"),
        (f"/contacts/{helene_id}/move", "Move H.E. Hélène Dubois"),
        (f"/contacts/{helene_id}/postings/new", "Add a posting"),
        (f"/contacts/{helene_id}/merge?q=dubois", "Contacts found"),
        (f"/contacts/{helene_id}/merge?other={other_id}", "Compare the two records"),
        (f"/contacts/{helene_id}/erase", "Erase"),
        ("/experts", "Experts"),
        ("/experts?keyword=survey", "1 expert found."),
    ]:
        response = page.goto(live_server(path))
        assert response is not None and response.status == 200, path
        expect(page.locator("main")).to_contain_text(text)
        assert_sound(page, axe, page_log, path)

    page.goto(live_server("/contacts/new"))
    page.get_by_label("Email addresses").fill("not-an-email")
    page.get_by_role("button", name="Add the contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    assert_sound(page, axe, page_log, "form with errors")

    page.get_by_label("Last name").fill("Dubois")
    page.get_by_label("Email addresses").fill("helene@mission.example")
    page.get_by_role("button", name="Add the contact").click()
    expect(page.locator("#duplicates")).to_contain_text("may already be in Outreach")
    assert_sound(page, axe, page_log, "form with the duplicate warning")

    page.goto(live_server(f"/contacts/{helene_id}/merge?other=abc"))
    expect(page.locator("main")).to_contain_text("No contact can be merged")
    assert_sound(page, axe, page_log, "merge page with an error")
