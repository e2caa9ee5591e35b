"""The staff dashboard and the public status page in a real browser: axe at desktop and phone
width, the map's dots for small States, hover names, and links from the map."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import COORDINATOR, DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.factories import make_dialogue, make_followup

pytestmark = pytest.mark.browser

# Set DASHBOARD_SCREENSHOTS=/some/folder to keep pictures of the pages for a look by eye.
SCREENSHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")


def _picture(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png")
        page.locator(".world-map").screenshot(path=f"{SCREENSHOTS}/{name}-map.png")


def test_the_public_status_page_works_signed_out_and_passes_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    page.goto(live_server("/status"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Status of the Convention on Cluster Munitions"
    )
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.locator(".world-map__svg [data-iso3]")).to_have_count(197)
    expect(page.locator(".world-map__svg a")).to_have_count(0)
    # A micro-State is a dot one can point at.
    holy_see = page.locator('circle[data-iso3="VAT"]')
    expect(holy_see).to_be_visible()
    expect(holy_see.locator("title")).to_have_text("Holy See: State Party")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"/status at {viewport['width']}")
        _picture(page, f"status-{viewport['width']}")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Signatories: 12").click()
    expect(page.locator(".status-table tbody tr")).to_have_count(12)
    expect(page.get_by_role("row", name="Indonesia")).to_be_visible()
    assert_sound(page, axe, page_log, "/status?status=signatory")


def test_the_staff_dashboard_passes_axe_and_its_map_links_to_states(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    from outreach.auth.models import User
    from outreach.extensions import db

    staff = db.session.query(User).filter_by(email=STAFF["email"]).one()
    make_followup(staff, dt.date.today() - dt.timedelta(days=3), "Call the Lao mission")
    make_dialogue("IDN", "universalization")
    sign_in(page, live_server, STAFF["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Specialist")
    expect(page.get_by_text("Call the Lao mission")).to_be_visible()
    expect(page.get_by_role("link", name="Indonesia — Universalization")).to_be_visible()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"dashboard at {viewport['width']}")
        _picture(page, f"home-{viewport['width']}")

    page.set_viewport_size(DESKTOP)
    page.locator('a:has(path[data-iso3="BRA"])').click(force=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brazil")


def test_a_coordinators_home_leads_to_the_dialogues_of_their_areas(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, COORDINATOR["email"])
    expect(page.get_by_role("link", name="Dialogues in your areas").first).to_be_visible()
    expect(page.get_by_role("heading", name="My overdue follow-ups")).to_have_count(0)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"coordinator's home at {viewport['width']}")
