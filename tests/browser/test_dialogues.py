"""Dialogues in a real browser: staff open Indonesia's universalization dialogue from its
page, change its status with a note, and a coordinator reads it; axe on the dialogue page and
the edit form at desktop width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import COORDINATOR, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in, sign_out

pytestmark = pytest.mark.browser


def test_open_a_dialogue_change_its_status_and_a_coordinator_reads_it(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/states/IDN"))
    page.get_by_label("Open a dialogue on").select_option(label="Universalization")
    page.get_by_role("button", name="Open the dialogue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Dialogue with Indonesia")
    expect(page.get_by_role("status")).to_contain_text("Dialogue opened")
    expect(page.get_by_text("Stale — no interaction for 90 days").first).to_be_visible()
    assert_sound(page, axe, page_log, "dialogue page")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Status", exact=True).select_option(label="Active")
    page.get_by_label("Note on the status change").fill("The mission asked for the model text.")
    page.get_by_label("Current position").fill("Considering accession in 2027.")
    page.get_by_label("Next step", exact=True).fill("Send the model instrument")
    page.get_by_label("Date of the next step").fill("2026-10-01")
    page.get_by_label("Chris Coordinator (coordinator)").check()
    page.get_by_label("Sam Specialist (staff)").check()
    assert_sound(page, axe, page_log, "dialogue form")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status")).to_contain_text("was saved")
    expect(page.get_by_role("cell", name="Not started → Active")).to_be_visible()
    expect(page.get_by_text("The mission asked for the model text.")).to_be_visible()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Next step", exact=True).fill("Visit")
    page.get_by_label("Date of the next step").fill("1999-01-01")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Give a date between").first).to_be_visible()
    assert_sound(page, axe, page_log, "dialogue form with an error")
    dialogue_url = page.url.removesuffix("/edit")

    sign_out(page)
    sign_in(page, live_server, COORDINATOR["email"])
    page.goto(dialogue_url)
    expect(page.get_by_text("Considering accession in 2027.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    assert_sound(page, axe, page_log, "dialogue page as a coordinator")
