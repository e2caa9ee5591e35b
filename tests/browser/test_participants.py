"""A meeting's follow-through in a real browser: remind those who have not answered (unticking
one), mark attendance, approve a sponsorship request, read the list of participants and print it
on A4 portrait; axe at desktop and phone width on each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.participants.conftest import build_conference, invite, request_sponsorship, sent

pytestmark = pytest.mark.browser

# PDF page sizes in points (1/72 inch): A4 is 210 × 297 mm.
A4_SHORT, A4_LONG = 595.3, 841.9
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")


def _sound_at_both_widths(page: Page, axe: Axe, log: PageLog, name: str) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, log, f"{name} at {viewport['width']}")
    page.set_viewport_size(DESKTOP)


def test_remind_mark_attendance_decide_sponsorship_and_print_the_list(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog, tmp_path: Path
) -> None:
    conference = build_conference()
    invite(conference.meeting, "Ahmed", "Samir", **sent())
    request_sponsorship(conference.indonesia, "Two delegates from Jakarta.")
    reminders = f"/meetings/{conference.meeting.id}/reminders"
    # End the test's own transaction: on SQLite it would hold the write lock the pages need.
    db.session.rollback()
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server(reminders))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")
    unanswered = page.get_by_role("region", name="Those who have not answered")
    expect(unanswered.get_by_label("Samir Ahmed")).to_be_checked()
    expect(unanswered.get_by_label("Yuki Tanaka")).to_be_checked()
    _sound_at_both_widths(page, axe, page_log, "reminders")
    unanswered.get_by_label("Samir Ahmed").uncheck()
    unanswered.get_by_role("button", name="Send reminders to answer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Reminders are on their way to 1 person: Yuki Tanaka."
    )
    expect(unanswered.get_by_label("Yuki Tanaka")).not_to_be_checked()  # reminded today
    expect(unanswered.get_by_label("Samir Ahmed")).to_be_checked()
    _sound_at_both_widths(page, axe, page_log, "reminders after sending")

    page.get_by_role("navigation", name="Follow-through of the meeting").get_by_role(
        "link", name="Attendance"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    _sound_at_both_widths(page, axe, page_log, "attendance")
    page.get_by_label("H.E. Ms Claire Martin").check()
    page.get_by_label("Paul Leroy").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Attendance saved: 1 of 14 invitees and 1 of 4 delegation members attended."
    )
    expect(page.get_by_label("Paul Leroy")).to_be_checked()
    expect(page.get_by_label("Inès Roux")).not_to_be_checked()

    page.get_by_role("link", name="Sponsorship").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sponsorship requests")
    request = page.get_by_role("article", name=re.compile("Dewi Santoso"))
    expect(request).to_contain_text("Two delegates from Jakarta.")
    _sound_at_both_widths(page, axe, page_log, "sponsorship")
    request.get_by_label("Note on the decision (optional)").fill("Economy fare.")
    request.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The sponsorship request of Dewi Santoso was approved."
    )
    expect(page.get_by_role("article", name=re.compile("Dewi Santoso"))).to_contain_text(
        "Approved on"
    )
    _sound_at_both_widths(page, axe, page_log, "sponsorship after a decision")

    page.get_by_role("link", name="List of participants").click()
    expect(page.get_by_role("heading", level=2)).to_have_count(1)  # only those who came
    expect(page.get_by_role("heading", level=3)).to_have_text(["France"])
    expect(page.get_by_text("2 people, as marked present")).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "list of participants")

    page.get_by_role("link", name="Print-ready version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fourteenth Meeting of States Parties (14MSP)"
    )
    expect(page.get_by_role("navigation")).to_have_count(0)
    _sound_at_both_widths(page, axe, page_log, "print-ready list")
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "participants-print.png"), full_page=True)
    expect(page.get_by_text("ready to print on A4 portrait")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    sizes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert sizes, "no page in the PDF"
    for width, height in sizes:  # A4 portrait
        assert abs(width - A4_SHORT) < 2 and abs(height - A4_LONG) < 2, sizes
