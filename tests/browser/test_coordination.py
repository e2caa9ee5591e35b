"""The coordinators' view in a real browser: a universalization coordinator filters the
dialogues to the States not party, opens the print-ready version and prints it to PDF (A4
landscape), then opens Indonesia's briefing and prints it (A4 portrait); axe at desktop and
phone width on each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.auth.models import User
from outreach.extensions import db
from tests.browser.conftest import COORDINATOR, DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.coordination.conftest import MARKER, build_scene

pytestmark = pytest.mark.browser

# PDF page sizes in points (1/72 inch): A4 is 210 × 297 mm.
A4_SHORT, A4_LONG = 595.3, 841.9
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page of a PDF printed by Chromium."""
    return [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]


def user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def test_a_coordinator_filters_prints_and_reads_a_briefing(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog, tmp_path: Path
) -> None:
    build_scene(user(STAFF["email"]), user(COORDINATOR["email"]))
    sign_in(page, live_server, COORDINATOR["email"])

    page.goto(live_server("/dialogues"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogues")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # heading row, Indonesia, Viet Nam
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"dialogues list at {viewport['width']}")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("CCM status of the State").select_option(
        label="Signatories and States not party"
    )
    page.get_by_label("Stale dialogues only").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 dialogue found")
    expect(table.get_by_role("row", name=re.compile("Viet Nam"))).to_contain_text("Stale")

    page.get_by_role("link", name="Print-ready version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogues: Universalization")
    expect(page.get_by_text("Stale dialogues only", exact=False)).to_have_count(0)
    expect(page.get_by_text("Staleness: no contact for 90 days")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"print-ready dialogues at {viewport['width']}")
    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "dialogues-print.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    sizes = page_sizes(pdf)
    assert sizes, "no page in the PDF"
    for width, height in sizes:  # A4 landscape
        assert abs(width - A4_LONG) < 2 and abs(height - A4_SHORT) < 2, sizes

    page.goto(live_server("/states/IDN/briefing"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Country briefing: Indonesia")
    expect(page.get_by_role("link", name="Call with the Indonesian mission")).to_be_visible()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"country briefing at {viewport['width']}")
    page.set_viewport_size(DESKTOP)
    assert MARKER not in page.content()
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "briefing-print.png"), full_page=True)
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes = page_sizes(pdf)
    assert sizes == [sizes[0]] and abs(sizes[0][0] - A4_SHORT) < 2, sizes  # one A4 portrait


def test_staff_see_every_area_in_the_list_and_its_print_version(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    build_scene(user(STAFF["email"]), user(COORDINATOR["email"]))
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/dialogues?ccm_status=state_party"))
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # Lao PDR (clearance) and Vanuatu (transparency)
    expect(rows.filter(has_text="Lao People")).to_contain_text("Art. 4 deadline")
    expect(rows.filter(has_text="Vanuatu")).to_contain_text("Art. 7 initial report")
    assert_sound(page, axe, page_log, "dialogues list for staff")
    page.get_by_role("link", name="Print-ready version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialogues: all thematic areas")
    expect(page.get_by_text("Filters: CCM status: State Party.")).to_be_visible()
    assert_sound(page, axe, page_log, "print-ready dialogues for staff")
