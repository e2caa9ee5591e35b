"""Organisations in a real browser: create one through the form, find it with an accent-free
search, edit it, act on selected rows without JavaScript, and axe on every page at desktop and
phone width."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.audit.services import acting_as
from outreach.extensions import db
from outreach.organisations import services
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.factories import make_organisation, make_posting

pytestmark = pytest.mark.browser

ROWS = "table.data-table tbody tr"


def test_staff_create_an_organisation_find_it_without_accents_and_edit_it(
    page: Page, live_server: LiveServer, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="New organisation").click()

    page.get_by_label("Name", exact=True).fill("Mission permanente de la Côte d’Ivoire")
    page.get_by_label("Acronym").fill("MPCI")
    page.get_by_label("Kind").select_option(label="Permanent mission")
    page.get_by_label("State", exact=True).select_option(label="Côte d'Ivoire")
    page.get_by_label("General email").fill("mission@civ.example")
    page.get_by_label("Website").fill("https://civ.example/geneve")
    page.get_by_label("Tags").fill("3RC, Africa")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Côte d’Ivoire")
    expect(page.get_by_role("status")).to_contain_text("was added.")
    expect(page.get_by_role("link", name="Côte d'Ivoire", exact=True)).to_have_attribute(
        "href", "/states/CIV"
    )

    page.get_by_role("link", name="Organisations", exact=True).first.click()
    page.get_by_label("Search", exact=True).fill("cote d ivoire")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=cote"))
    expect(page.locator(ROWS)).to_have_count(1)
    page.locator(ROWS).get_by_role("link", name=re.compile("Mission permanente")).click()

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value(
        "Mission permanente de la Côte d’Ivoire"
    )
    page.get_by_label("Phone").fill("+41 22 717 02 50")
    page.get_by_label("Tags").fill("3RC")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status")).to_contain_text("was saved.")
    details = page.locator(".facts")
    expect(details).to_contain_text("+41 22 717 02 50")
    expect(details).not_to_contain_text("Africa")
    errors, foreign = page_log.take()
    assert (errors, foreign) == ([], [])


def test_the_list_filters_and_bulk_tags_without_javascript(
    page_without_javascript: Page, live_server: LiveServer
) -> None:
    page = page_without_javascript
    make_organisation("Alpha Survey Group", tags=["old"])
    make_organisation("Beta Survey Group")
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/organisations"))

    page.get_by_label("Search", exact=True).fill("SURVEY GROUP")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator(ROWS)).to_have_count(2)
    page.get_by_label("Select Beta Survey Group").check()
    page.get_by_label("With the selected organisations").select_option(label="Add a tag")
    page.get_by_label("Tag to add or remove").fill("donor")
    page.get_by_role("button", name="Apply to selected").click()

    expect(page.get_by_role("status").first).to_contain_text("Tagged 1 organisation with “donor”.")
    expect(page).to_have_url(re.compile(r"q=SURVEY\+GROUP"))
    expect(page.locator(ROWS).filter(has_text="Beta Survey Group")).to_contain_text("donor")
    expect(page.locator(ROWS).filter(has_text="Alpha Survey Group")).not_to_contain_text("donor")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_organisation_pages_pass_axe_with_a_clean_console(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog, viewport: dict[str, int]
) -> None:
    mission = make_organisation(
        "Permanent Mission of the Lao People's Democratic Republic to the United Nations Office",
        kind="permanent_mission",
        acronym="PM-LAO",
        state_iso3="LAO",
        address="Rue Jacques-Dalphin 8\n1227 Carouge",
        email="mission@lao.example",
        website="https://lao.example/a/very/long/address/that/must/wrap/on/a/phone/screen",
        tags=["3RC", "Asia-Pacific", "donor"],
        notes="Met the deputy at the intersessional.",
    )
    make_posting(mission, "Phommachanh", "Khamphao", "Ambassador", focal_point=True)
    make_posting(mission, "Sayavong", "Noy", "Counsellor", end_date=mission.created_at.date())
    make_organisation("UXO Lao", kind="mine_action_authority", state_iso3="LAO", tags=["3RC"])
    mission_id = mission.id
    # Outside a request a read starts a write transaction (BEGIN IMMEDIATE): end it, or the
    # server's saves would wait for this thread.
    db.session.commit()
    page.set_viewport_size(viewport)
    sign_in(page, live_server, STAFF["email"])

    for path, text in (
        ("/organisations", "organisations found"),
        ("/organisations?q=lao&kind=permanent_mission&archived=y", "1 organisation found"),
        ("/organisations?q=atlantis", "No organisation matches these filters."),
        (f"/organisations/{mission_id}", "Present staff"),
        ("/states/LAO", "Mission in Geneva"),
        ("/states/TUV", "Create the Permanent Mission in Geneva"),
        ("/organisations/new", "New organisation"),
    ):
        response = page.goto(live_server(path))
        assert response is not None and response.status == 200, path
        expect(page.locator("main")).to_contain_text(text)
        assert_sound(page, axe, page_log, path)

    page.get_by_label("Website").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    expect(page.locator("#website-error")).to_contain_text("http:// or https://")
    assert_sound(page, axe, page_log, "new organisation with errors")

    page.goto(live_server("/organisations?q=lao"))
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose what to do")
    assert_sound(page, axe, page_log, "bulk action with errors")

    page.goto(live_server(f"/organisations/{mission_id}/edit"))
    assert_sound(page, axe, page_log, "edit form")
    with acting_as("colleague@isu.example"):
        data = services.data_of(mission)
        data.phone = "+41 22 000 00 00"
        services.update_organisation(mission, data, mission.version)
    page.get_by_label("Phone").fill("+41 22 111 11 11")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert").first).to_contain_text("Someone else saved")
    assert_sound(page, axe, page_log, "edit conflict")
