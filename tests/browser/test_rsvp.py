"""The invitee's pages in a real browser: answer with a delegation and a sponsorship request,
add rows without JavaScript, fix a mistake the form points out, unsubscribe; the staff page of
one invitee and the calendar feed section; axe at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.extensions import db
from outreach.invitations.models import Answer, Invitation
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.rsvp.conftest import make_invitee

pytestmark = pytest.mark.browser


def released(value: str) -> str:
    """A value read from the database, the test's transaction then ended: outside a request
    SQLite transactions take the write lock, which the served pages would wait for."""
    db.session.rollback()
    return value


def sound_at_both_widths(page: Page, axe: Axe, log: PageLog, name: str) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, log, f"{name} at {viewport['width']}")
    page.set_viewport_size(DESKTOP)


def test_answer_with_a_delegation_and_a_sponsorship_request(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    invitee = make_invitee()
    page.goto(live_server(released(invitee.rsvp)))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fourteenth Meeting of States Parties"
    )
    sound_at_both_widths(page, axe, page_log, "RSVP page")

    page.get_by_label("Yes, I will attend").check()
    page.locator("#delegates-0-name").fill("Jean Martin")
    page.locator("#delegates-0-title").fill("Deputy Permanent Representative")
    page.locator("#delegates-0-email").fill("jean.martin@")
    page.locator("#delegates-1-name").fill("Claire Petit")
    page.locator("#delegates-2-name").fill("Luc Bernard")
    page.get_by_label("I request sponsorship for this meeting").check()
    page.get_by_label("About the request").fill("Travel of Mr Bernard from Paris.")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.locator("#delegates-0-email-error")).to_have_text(
        "Enter an email address such as name@example.org."
    )
    expect(page.locator("#delegates-2-name")).to_have_value("Luc Bernard")
    sound_at_both_widths(page, axe, page_log, "RSVP page with an error")

    page.locator("#delegates-0-email").fill("jean.martin@mission.example")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Thank you. Your answer was recorded")).to_be_visible()
    expect(page.get_by_text("Your current answer: Attending")).to_be_visible()
    sound_at_both_widths(page, axe, page_log, "RSVP page after answering")

    invitation = db.session.get(Invitation, invitee.invitation.id)
    db.session.refresh(invitation)
    assert invitation.answer is Answer.ATTENDING
    assert [d.name for d in invitation.delegates] == ["Jean Martin", "Claire Petit", "Luc Bernard"]


def test_more_rows_without_javascript_and_the_page_in_french(
    page_without_javascript: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    page = page_without_javascript
    invitee = make_invitee(language="fr")
    page.goto(live_server(released(invitee.rsvp)))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("#delegates-0-name").fill("Jean Martin")
    page.get_by_role("button", name="Ajouter des lignes").click()
    expect(page.locator("#delegates-5-name")).to_be_visible()
    expect(page.locator("#delegates-0-name")).to_have_value("Jean Martin")
    page.get_by_label("Non, je ne participerai pas").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_text("Merci. Votre réponse a été enregistrée")).to_be_visible()


def test_unsubscribe_and_the_page_of_a_link_that_no_longer_works(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    invitee = make_invitee()
    page.goto(live_server(released(invitee.unsubscribe)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop emails from the ISU")
    sound_at_both_widths(page, axe, page_log, "unsubscribe page")
    page.get_by_role("button", name="Yes, stop sending me emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You will receive no more emails from the ISU"
    )
    sound_at_both_widths(page, axe, page_log, "unsubscribed page")

    page.goto(live_server("/rsvp/not-a-real-link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    sound_at_both_widths(page, axe, page_log, "link that no longer works")


def test_the_invitee_page_for_staff_and_the_calendar_feed(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    invitee = make_invitee()
    path = released(f"/meetings/{invitee.meeting.id}/invitations/{invitee.invitation.id}")
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server(path))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ms Marie Dupont")
    sound_at_both_widths(page, axe, page_log, "invitee page")

    page.get_by_label("How the answer was given").select_option(label="Letter")
    page.get_by_label("Maybe").check()
    page.locator("#delegates-0-name").fill("Jean Martin")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text("The answer of Ms Marie Dupont was recorded.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Jean Martin")).to_be_visible()
    sound_at_both_widths(page, axe, page_log, "invitee page after recording")

    page.goto(live_server("/account"))
    page.get_by_role("button", name="Make a feed address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar feed")
    url = page.get_by_label("Your feed address").input_value()
    assert "/feeds/" in url
    sound_at_both_widths(page, axe, page_log, "calendar feed address")
    page.goto(live_server("/account"))
    expect(page.get_by_role("button", name="Stop the feed")).to_be_visible()
    sound_at_both_widths(page, axe, page_log, "account page with a feed")
