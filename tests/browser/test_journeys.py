"""What people do in a real browser: sign in, find States, sign out, use a phone, print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import document_width, sign_in, sign_out

pytestmark = pytest.mark.browser

STATE_ROWS = "table.data-table tbody tr"


def test_signing_in_through_the_form_lands_on_home_showing_the_name(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])

    expect(page).to_have_url(live_server("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Specialist")
    expect(page.get_by_role("banner")).to_contain_text("Sam Specialist")


def test_the_states_page_lists_197_and_the_status_filter_keeps_the_12_signatories(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="States").click()

    expect(page.locator("#result-count")).to_have_text("197 States shown.")
    expect(page.locator(STATE_ROWS)).to_have_count(197)

    page.get_by_label("CCM status").select_option(label="Signatory")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"[?&]status=signatory"))
    expect(page.locator("#result-count")).to_contain_text("12 States shown.")
    expect(page.locator(STATE_ROWS)).to_have_count(12)
    expect(page.locator(STATE_ROWS).get_by_text("Signatory", exact=True)).to_have_count(12)

    page.get_by_role("link", name="Indonesia", exact=True).click()

    expect(page).to_have_url(live_server("/states/IDN"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indonesia")
    treaty_status = page.get_by_role("region", name="Treaty status")
    expect(treaty_status.locator(".facts")).to_contain_text("Signatory")


def test_a_column_heading_sorts_the_list_and_a_second_click_reverses_it(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/states"))
    first_name = page.locator(f"{STATE_ROWS} th").first

    expect(first_name).to_have_text("Afghanistan")
    page.get_by_role("link", name="State", exact=True).click()
    expect(page.get_by_role("columnheader", name="State")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(first_name).to_have_text("Zimbabwe")


def test_signing_out_returns_to_sign_in_and_home_then_asks_to_sign_in_again(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])

    sign_out(page)

    expect(page).to_have_url(live_server("/login"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(live_server("/"))
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_on_a_phone_the_navigation_and_sign_out_show_and_no_page_scrolls_sideways(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server("/login"))
    assert document_width(page) <= PHONE["width"]
    sign_in(page, live_server, STAFF["email"])

    for path in [
        "/",
        "/states",
        "/states?status=signatory",
        "/states/FRA",
        "/states/LTU",
        "/account",
    ]:
        page.goto(live_server(path))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Home")).to_be_in_viewport()
        expect(nav.get_by_role("link", name="States")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
        assert document_width(page) <= PHONE["width"], f"{path} scrolls sideways"

    # The long States table scrolls inside its own box instead.
    page.goto(live_server("/states"))
    box = page.locator(".table-wrap")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")


def test_the_first_tab_reaches_a_visible_skip_link_to_the_content(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/"))  # a fresh load: focus starts at the top of the document
    page.wait_for_load_state("load")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server("/#main"))


def test_the_pages_work_without_javascript(
    page_without_javascript: Page, live_server: LiveServer, page_log: PageLog
) -> None:
    page = page_without_javascript
    sign_in(page, live_server, STAFF["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Specialist")

    page.goto(live_server("/states"))
    page.get_by_label("Name or code").fill("lao")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(STATE_ROWS)).to_have_count(1)
    expect(page.locator(STATE_ROWS)).to_contain_text("Lao People's Democratic Republic")

    sign_out(page)
    expect(page).to_have_url(live_server("/login"))
    assert page_log.take() == ([], [])


def test_printing_the_states_page_leaves_out_navigation_and_keeps_the_whole_table(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF["email"])
    page.goto(live_server("/states?status=signatory"))

    page.emulate_media(media="print")

    expect(page.get_by_role("banner")).to_be_hidden()
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.locator(STATE_ROWS)).to_have_count(12)
    expect(page.locator(".result-count")).to_contain_text("Filtered by status Signatory.")
    box = page.locator(".table-wrap")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table is cut off"
    assert page.pdf(format="A4").startswith(b"%PDF")
