"""What the browser tests do on pages: sign in through the form, and check a page as a whole."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests import factories
from tests.browser.conftest import LiveServer, PageLog


def sign_in(page: Page, server: LiveServer, email: str, password: str = factories.PASSWORD) -> None:
    """Fill in the sign-in form and send it, as a person would."""
    page.goto(server("/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    # Wait for the answer, so the next step never acts on the sign-in page as it unloads.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    """Press the header's sign-out button."""
    page.get_by_role("button", name="Sign out").click()


def document_width(page: Page) -> int:
    """How wide the whole document is; wider than the window means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def assert_sound(page: Page, axe: Axe, log: PageLog, name: str) -> None:
    """axe finds no violation; the console shows no error (a style or script refused by the
    Content Security Policy is one); nothing was fetched from another host; and the document
    does not scroll sideways (wide tables scroll inside their own box)."""
    results = axe.run(page)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"
    errors, foreign = log.take()
    assert errors == [], f"{name}: the browser reported {errors}"
    assert foreign == [], f"{name}: requests left the server for {foreign}"
    window = page.viewport_size["width"] if page.viewport_size else 0
    assert document_width(page) <= window, f"{name}: the page scrolls sideways"
