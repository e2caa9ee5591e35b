"""Browser fixtures: one headless Debian chromium per session, the app served on a free port for
each test, and a fresh page per test that records console errors, failed loads and any request
leaving the server (the pages must work offline, without a CDN)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright
from werkzeug.serving import make_server

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
WRITE_PATH = "/_test/records"

STAFF = {"email": "specialist@isu.example", "name": "Sam Specialist", "role": "staff"}
COORDINATOR = {"email": "coordinator@mission.example", "name": "Chris Coordinator"}

BROWSER_TESTS = Path(__file__).parent


@dataclass
class LiveServer:
    """The app served over HTTP in a background thread."""

    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@dataclass
class PageLog:
    """What went wrong in the browser while a test ran: console errors (CSP refusals among
    them), script errors, sub-resources that failed, and requests to other hosts."""

    origin: str
    errors: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # An error page answers 4xx on purpose; Chromium logs that the document "failed".
        location = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and location in self.documents:
            return
        self.errors.append(f"{location}: {message.text}")

    def on_response(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documents.add(response.url)
        elif response.status >= 400:
            self.errors.append(f"{response.url} answered {response.status}")

    def on_request(self, request: Request) -> None:
        if not request.url.startswith((self.origin, "data:", "about:")):
            self.foreign.append(request.url)

    def take(self) -> tuple[list[str], list[str]]:
        """The problems recorded since the last call, and forget them."""
        errors, foreign = self.errors[:], self.foreign[:]
        self.errors.clear()
        self.foreign.clear()
        return errors, foreign


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; never a downloaded browser."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    """The axe-core runner (reads its script once)."""
    return Axe()


def _register_test_routes(app: Flask) -> None:
    """A state-changing route, so that a coordinator's POST shows the real 403 page."""

    def records() -> str:
        return "saved"

    app.add_url_rule(WRITE_PATH, "test_records", records, methods=["POST"])


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test's app, with a staff member and a coordinator, served on a free local port.
    Requests run in the server's threads, each in its own app context."""
    factories.make_user(email=STAFF["email"], role="staff", name=STAFF["name"])
    factories.make_user(
        email=COORDINATOR["email"],
        role="coordinator",
        name=COORDINATOR["name"],
        areas=["universalization"],
    )
    _register_test_routes(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the next poll, once per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def page_log(live_server: LiveServer) -> PageLog:
    """The problems the browser reports while the test's page is open."""
    return PageLog(origin=live_server.url)


def _open_page(browser: Browser, log: PageLog, **options: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.errors.append(f"script error: {error}"))
    page.on("response", log.on_response)
    page.on("request", log.on_request)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh browser tab (its own cookies) at desktop width."""
    yield from _open_page(browser, page_log)


@pytest.fixture
def page_without_javascript(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh tab with JavaScript turned off."""
    yield from _open_page(browser, page_log, java_script_enabled=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The development server's threads may leave a file unclosed when the browser drops a
    connection mid-response (a favicon while leaving a page); that is no fault of the pages."""
    ignore = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(ignore)
