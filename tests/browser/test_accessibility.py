"""Every page, at desktop and phone width, passes axe with a clean console."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    COORDINATOR,
    DESKTOP,
    PHONE,
    STAFF,
    WRITE_PATH,
    LiveServer,
    PageLog,
)
from tests.browser.pages import assert_sound, sign_in, sign_out

pytestmark = pytest.mark.browser

SIGNED_IN_PAGES = [
    ("/", 200, "Welcome, Sam Specialist"),
    ("/states", 200, "197 States shown."),
    ("/states?status=signatory", 200, "12 States shown."),
    ("/states?q=atlantis", 200, "No State matches these filters."),
    ("/states/FRA", 200, "France"),
    ("/states/LTU", 200, "Lithuania"),
    ("/no-such-page", 404, "Not found"),
    ("/account", 200, "Change your password"),  # last: the password form is used next
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_axe_with_a_clean_console(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)

    page.goto(live_server("/login"))
    assert_sound(page, axe, page_log, "sign-in")

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    assert_sound(page, axe, page_log, "sign-in sent empty")

    sign_in(page, live_server, STAFF["email"], "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("Email or password is not correct.")
    assert_sound(page, axe, page_log, "sign-in refused")

    sign_in(page, live_server, STAFF["email"])
    for path, status, text in SIGNED_IN_PAGES:
        response = page.goto(live_server(path))
        assert response is not None and response.status == status, path
        expect(page.locator("main")).to_contain_text(text)
        assert_sound(page, axe, page_log, path)

    page.get_by_label("Current password", exact=True).fill("not my password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password", exact=True).fill("different")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two entries differ.")
    assert_sound(page, axe, page_log, "password change refused")

    sign_out(page)
    sign_in(page, live_server, COORDINATOR["email"])
    _post_a_form_from(page, WRITE_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    assert_sound(page, axe, page_log, "coordinator's POST refused")


def _post_a_form_from(page: Page, action: str) -> None:
    """Send a form with the page's CSRF token to `action`, as a forged or stale form would."""
    with page.expect_navigation() as navigation:
        page.evaluate(
            """(action) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("input[name=csrf_token]").cloneNode();
                form.append(token);
                document.body.append(form);
                form.submit();
            }""",
            action,
        )
    response = navigation.value
    assert response is not None and response.status == 403
