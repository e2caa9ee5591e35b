"""Obligations in a real browser: record a granted extension for Lao PDR and see the deadline
in force change, open Germany's clearance dialogue in one click from the deadlines, and axe on the
list, the deadlines and the obligation page at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.obligations.conftest import obligation

pytestmark = pytest.mark.browser


def test_grant_an_extension_open_the_dialogue_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    lao_id = obligation("LAO", 4).id
    db.session.rollback()  # end the read, so that the server's requests may write
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/obligations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Obligations")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"obligations at {viewport['width']}")
    page.set_viewport_size(DESKTOP)

    page.goto(live_server(f"/obligations/{lao_id}"))
    page.get_by_role("link", name="Record an extension request").click()
    page.get_by_label("Submitted on").fill("2025-03-01")
    page.get_by_label("Deadline requested").fill("2030-08-01")
    page.get_by_label("Status").select_option(label="Granted")
    page.get_by_label("Decided at meeting").fill("13MSP")
    page.get_by_label("Decided on").fill("2025-09-18")
    page.get_by_label("New deadline granted").fill("2030-08-01")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("status")).to_contain_text("the deadline in force is now 1 August 2030")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"obligation page at {viewport['width']}")
    page.set_viewport_size(DESKTOP)

    page.goto(live_server("/deadlines"))
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"deadlines at {viewport['width']}")
    page.set_viewport_size(DESKTOP)
    # Lao PDR's deadline is now beyond the 24 months; Germany's clearance deadline has passed.
    deadlines = page.get_by_role("region", name="Table of deadlines")
    expect(deadlines.get_by_role("link", name="Germany", exact=True)).to_be_visible()
    expect(
        deadlines.get_by_role("link", name="Lao People's Democratic Republic", exact=True)
    ).to_have_count(0)
    page.get_by_role("button", name="Open dialogue with Germany on clearance").click()
    expect(page).to_have_url(live_server("/dialogues/1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Germany")
