"""Meetings in a real browser: plan the Fourteenth Meeting of States Parties in Geneva, fix a
mistake the form points out, read its times in Geneva and in UTC, and axe on the list, the
form and the meeting page at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in

pytestmark = pytest.mark.browser


def _sound_at_both_widths(page: Page, axe: Axe, log: PageLog, name: str) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, log, f"{name} at {viewport['width']}")
    page.set_viewport_size(DESKTOP)


def test_plan_a_meeting_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/meetings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    expect(
        page.get_by_role("link", name="13MSP — Thirteenth Meeting of States Parties")
    ).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "meetings")

    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Kind").select_option(label="Meeting of States Parties")
    page.get_by_label("Title").fill("Fourteenth Meeting of States Parties")
    page.get_by_label("Code").fill("14MSP")
    page.get_by_label("Start date").fill("2026-09-15")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End date").fill("2026-09-14")
    page.get_by_label("End time").fill("18:00")
    page.get_by_label("Venue").fill("Palais des Nations, Geneva")
    page.get_by_role("button", name="Create meeting").click()

    expect(page.locator("#end_date-error")).to_have_text("The end must be after the start.")
    expect(page.get_by_label("Venue")).to_have_value("Palais des Nations, Geneva")
    _sound_at_both_widths(page, axe, page_log, "meeting form with errors")

    page.get_by_label("End date").fill("2026-09-18")
    page.get_by_role("button", name="Create meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fourteenth Meeting of States Parties"
    )
    expect(page.get_by_text("Tue 15 Sep 2026, 10:00")).to_be_visible()
    expect(page.get_by_text("Tue 15 Sep 2026, 08:00")).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "meeting page")
