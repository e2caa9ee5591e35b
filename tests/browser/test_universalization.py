"""Universalization in a real browser: move Indonesia to "Considering" from its page, find it in
the right column of the board at desktop and phone width, and axe on the State page, the board,
its table view and the deposit form."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import COORDINATOR, DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in, sign_out

pytestmark = pytest.mark.browser


def _box(page: Page, stage: str) -> dict[str, float]:
    box = page.locator(f"#stage-{stage}").bounding_box()
    assert box is not None, stage
    return box


def test_move_indonesia_to_considering_and_see_it_on_the_board(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/states/IDN"))
    section = page.get_by_role("region", name="Universalization")
    expect(section).to_contain_text("No contact")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"Indonesia's page at {viewport['width']}")

    section.get_by_label("Move to stage").select_option(label="Considering")
    section.get_by_label("Note").fill("The capital studies the Convention")
    section.get_by_role("button", name="Move").click()

    expect(page.get_by_role("status")).to_contain_text("Indonesia moved to “Considering”.")
    section = page.get_by_role("region", name="Universalization")
    expect(section.locator("dd").first).to_have_text("Considering")
    expect(section.get_by_role("table")).to_contain_text("The capital studies the Convention")
    assert page.url.endswith("/states/IDN#universalization-title")

    page.goto(live_server("/universalization"))
    considering = page.get_by_role("region", name="Considering")
    expect(considering.get_by_role("link", name="Indonesia")).to_be_visible()
    expect(considering.get_by_role("listitem")).to_contain_text("less than a day")
    no_contact_column = page.get_by_role("region", name="No contact")
    expect(no_contact_column.get_by_role("link", name="Indonesia")).to_have_count(0)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"board at {viewport['width']}")
    # Side by side at desktop width, one after the other on a phone.
    page.set_viewport_size(DESKTOP)
    no_contact, moved = _box(page, "no_contact"), _box(page, "considering")
    assert moved["x"] > no_contact["x"] and moved["y"] == no_contact["y"]
    page.set_viewport_size(PHONE)
    no_contact, moved = _box(page, "no_contact"), _box(page, "considering")
    assert moved["x"] == no_contact["x"] and moved["y"] > no_contact["y"]
    expect(considering.get_by_role("link", name="Indonesia")).to_be_visible()

    page.get_by_label("Region").select_option("Asia")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("Filtered by region Asia")
    page.get_by_role("link", name="Show the board as a table").click()
    row = page.get_by_role("row", name="Indonesia")
    expect(row).to_contain_text("Considering")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"board as a table at {viewport['width']}")


def test_the_deposit_form_and_the_coordinators_board(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/states/IDN"))
    page.get_by_role("link", name="Record a deposit").click()
    page.get_by_role("button", name="Record the deposit").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the date of the deposit.")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"deposit form with errors at {viewport['width']}")
    page.get_by_label("Date of deposit").fill("2026-11-10")
    page.get_by_label("Type of instrument").select_option(label="Ratification")
    page.get_by_label("Source").fill("C.N.123.2026.TREATIES-XXVI.6")
    page.get_by_role("button", name="Record the deposit").click()
    expect(page.get_by_role("status")).to_contain_text("in force on 1 May 2027")
    sign_out(page)

    sign_in(page, live_server, COORDINATOR["email"])
    page.goto(live_server("/universalization"))
    deposited = page.get_by_role("region", name="Instrument deposited")
    expect(deposited.get_by_role("link", name="Indonesia")).to_be_visible()
    expect(page.get_by_role("button", name="Move")).to_have_count(0)
    page.goto(live_server("/states/MMR"))
    expect(page.get_by_role("region", name="Universalization")).to_contain_text("no stage recorded")
    expect(page.get_by_label("Move to stage")).to_have_count(0)
    assert_sound(page, axe, page_log, "Myanmar's page for a coordinator")
