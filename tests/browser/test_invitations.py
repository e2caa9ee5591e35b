"""Invitations in a real browser: invite the focal points of all States Parties' missions, read
the preview, meet a mistake in a segment, send, and read the meeting page's invitations; the
message preview and the template editor. axe finds nothing at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.extensions import db
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.invitations.conftest import focal_point, mission

pytestmark = pytest.mark.browser


def _sound_at_both_widths(page: Page, axe: Axe, log: PageLog, name: str) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, log, f"{name} at {viewport['width']}")
    page.set_viewport_size(DESKTOP)


def test_invite_the_states_parties_send_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    meeting = factories.make_future_meeting()
    focal_point(mission("AUT", "Permanent Mission of Austria"), "Huber", "Anna", "anna@aut.example")
    france = mission("FRA", "Mission permanente de la France")
    focal_point(france, "Martin", "Claire", "claire@fra.example", "fr")
    factories.make_contact(
        "Quiet", "Quinn", emails=["q@example.org"], do_not_email=True, tags=["3RC"]
    )
    audience = f"/meetings/{meeting.id}/audience"
    db.session.rollback()  # end the read, so that the server's requests may write
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server(audience))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Audience of Fourteenth Meeting of States Parties"
    )
    page.get_by_label("Every State of a status").select_option(label="All States Parties")
    page.get_by_role("button", name="Invite the missions").click()
    expect(page.get_by_text("Added 2 people to the audience.")).to_be_visible()
    included = page.get_by_role("table", name="Invitees who will receive the messages")
    expect(included.get_by_role("row")).to_have_count(3)
    expect(included.get_by_text("claire@fra.example")).to_be_visible()

    page.get_by_label("Tag").select_option(label="3RC")
    page.get_by_role("button", name="Add the segment").click()
    left_out = page.get_by_role("table", name="Invitees left out, and why")
    expect(left_out.get_by_text("Does not want emails (do not email)")).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "audience with its preview")

    page.get_by_label("Expertise keyword").fill("alchemy")
    page.get_by_role("button", name="Add the segment").click()
    expect(page.locator("#keyword-error")).to_have_text("No contact has this expertise keyword.")
    expect(page.get_by_label("Expertise keyword")).to_have_value("alchemy")
    _sound_at_both_widths(page, axe, page_log, "audience with a mistake")

    page.get_by_role("button", name="Send invitations (2)").click()
    expect(page.get_by_text("Invitations are on their way to 2 people.")).to_be_visible()
    section = page.get_by_role("region", name="Invitations")
    expect(section.get_by_text("3 no answer")).to_be_visible()
    expect(
        page.get_by_role("table", name="Invitees, their delivery and their answer")
    ).to_contain_text("Claire Martin")
    _sound_at_both_widths(page, axe, page_log, "meeting page with its invitations")

    page.get_by_role("link", name="Messages").click()
    page.get_by_label("As received by").select_option(label="Claire Martin (fr)")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Invitation : Fourteenth Meeting of States Parties")).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "message preview")
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.get_by_text(f"A test is on its way to {STAFF['email']}.")).to_be_visible()


def test_edit_a_message_text_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/meetings/templates?kind=workshop"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Message texts")
    _sound_at_both_widths(page, axe, page_log, "message texts")

    page.get_by_role("link", name="Edit the invitation in French").click()
    page.get_by_label("Subject").fill("Atelier : {{ meeting_titre }}")
    page.get_by_role("button", name="Save the text").click()
    expect(page.locator("#subject-error")).to_contain_text("Unknown merge field")
    _sound_at_both_widths(page, axe, page_log, "template with a mistake")

    page.get_by_label("Subject").fill("Atelier : {{ meeting_title }}")
    page.get_by_role("button", name="Save the text").click()
    expect(page.get_by_text("The text was saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Own text for Workshop or seminar")).to_be_visible()
