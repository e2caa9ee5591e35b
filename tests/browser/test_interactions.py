"""Interactions in a real browser: log a confidential démarche from Indonesia's page with a
follow-up for a colleague; find it in the list, edit it, add a follow-up from its page; axe on
every one of those pages at desktop and phone width."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.factories import (
    make_dialogue,
    make_interaction,
    make_organisation,
    make_posting,
    make_user,
)
from tests.interactions.conftest import state

pytestmark = pytest.mark.browser


def test_log_a_confidential_demarche_from_indonesias_page_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    mission = make_organisation(
        "Permanent Mission of the Republic of Indonesia", kind="permanent_mission", state_iso3="IDN"
    )
    make_posting(mission, "Wibowo", "Sari", position="Counsellor")
    make_user(email="assistant@isu.example", role="staff", name="Alex Assistant")
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/states/IDN"))
    page.get_by_role("link", name="Log an interaction").click()
    expect(page.get_by_label("States", exact=True)).to_have_value("IDN")
    page.get_by_label("Kind").select_option(label="Démarche")
    page.get_by_label("Subject").fill("Ratification of the Convention")
    page.get_by_label("Summary").fill("The mission will **report to the capital**.")
    page.get_by_label("Permanent Mission of the Republic of Indonesia").check()
    page.get_by_label("Universalization").check()
    page.get_by_label("Confidential (ISU staff only)").check()
    page.get_by_label("Follow-up", exact=True).fill("Send the model instrument of ratification")
    page.get_by_label("Who follows up").select_option(label="Alex Assistant")
    page.get_by_label("Due on").fill("2026-12-01")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"new interaction form at {viewport['width']}")
    page.get_by_role("button", name="Log the interaction").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ratification of the Convention")
    expect(page.get_by_role("status")).to_contain_text("was logged")
    expect(page.locator(".markdown strong")).to_have_text("report to the capital")
    expect(page.get_by_text("Confidential", exact=True)).to_be_visible()
    interaction_url = page.url
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"interaction page at {viewport['width']}")

    page.goto(live_server("/states/IDN"))
    expect(page.get_by_role("link", name="Ratification of the Convention")).to_be_visible()

    page.goto(live_server("/followups"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My follow-ups")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"my follow-ups at {viewport['width']}")
    assert interaction_url.startswith(live_server("/interactions/"))


def _sound_at_both_widths(page: Page, axe: Axe, page_log: PageLog, name: str) -> None:
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"{name} at {viewport['width']}")
    page.set_viewport_size(DESKTOP)


def test_find_edit_and_follow_up_an_interaction_and_pass_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    # Read before the last commit: a later read here would hold SQLite's write lock.
    dialogue_id = make_dialogue("IDN").id
    for day in range(1, 4):
        make_interaction(f"Routine call {day}")
    make_interaction(
        "Démarche on ratification",
        kind="demarche",
        occurred_on=dt.date(2026, 2, 2),
        confidential=True,
        state_ids=[state("IDN").id],
    )
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/interactions"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Interactions")
    page.get_by_label("Search subject, summary and outcome").fill("demarche")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 interaction found")
    _sound_at_both_widths(page, axe, page_log, "interactions list")
    page.get_by_role("link", name="Démarche on ratification").click()

    page.get_by_role("link", name="Edit the interaction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the interaction")
    page.get_by_label("Subject").fill("Démarche on ratification, follow-up")
    page.get_by_label("Indonesia — Universalization").check()
    _sound_at_both_widths(page, axe, page_log, "interaction edit form")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("was saved")
    expect(page.get_by_role("link", name="Indonesia — Universalization")).to_have_attribute(
        "href", f"/dialogues/{dialogue_id}"
    )

    page.get_by_role("link", name="Add a follow-up").click()
    expect(page.get_by_label("State (optional)")).to_have_value("IDN")
    page.get_by_label("What is to be done").fill("Send the model instrument")
    page.get_by_label("Due on").fill("2026-12-01")
    _sound_at_both_widths(page, axe, page_log, "follow-up form")
    page.get_by_role("button", name="Add the follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("follow-up was added")

    page.goto(live_server("/followups?who=all"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team follow-ups")
    expect(page.get_by_text("Send the model instrument", exact=True)).to_be_visible()
    _sound_at_both_widths(page, axe, page_log, "team follow-ups")
