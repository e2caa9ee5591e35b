"""The outbox in a real browser: a stalled mail server is plain to see, the problems are listed
with the server's words, and axe finds nothing at desktop and phone width."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from outreach.extensions import db
from outreach.mail.models import OutboxMessage, OutboxStatus
from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, PageLog
from tests.browser.pages import assert_sound, sign_in
from tests.mail.conftest import queue_messages

pytestmark = pytest.mark.browser


def test_the_outbox_says_the_server_is_silent_and_passes_axe(
    page: Page, live_server: LiveServer, axe: Axe, page_log: PageLog
) -> None:
    ids = queue_messages(4)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids[:2]))
        .values(
            status=OutboxStatus.DEFERRED,
            attempts=1,
            last_error="The mail server could not be reached.",
        )
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == ids[2])
        .values(
            status=OutboxStatus.FAILED,
            attempts=1,
            last_code=550,
            last_error="550 5.1.1 no such user",
        )
    )
    db.session.commit()
    sign_in(page, live_server, STAFF["email"])

    page.goto(live_server("/outbox"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.get_by_role("status").filter(has_text="messages waiting")).to_contain_text(
        "3 messages waiting; the mail server has not answered yet"
    )
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)  # the heading and three problems
    expect(table).to_contain_text("550 5.1.1 no such user")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_sound(page, axe, page_log, f"outbox at {viewport['width']}")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Queued: 1").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Queued messages")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    assert_sound(page, axe, page_log, "queued messages")
