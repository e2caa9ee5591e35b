"""Benchmark fixtures: one migrated, seeded SQLite database and a signed-in client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from outreach_log import fill_outreach_log  # bench/ is on the path of its own conftest

from outreach import create_app
from outreach.audit.services import acting_as
from outreach.auth.services import create_user, issue_api_token
from outreach.extensions import db
from outreach.reference.services import seed

PASSWORD = "benchmark password 2026"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a seeded SQLite database, as `make run` sets it up."""
    folder: Path = tmp_path_factory.mktemp("bench")
    application = create_app(
        {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PROPAGATE_EXCEPTIONS": True,
        },
        instance_path=str(folder / "instance"),
    )
    with application.app_context():
        upgrade()
        with acting_as("bench"):
            seed()
            create_user("bench@isu.example", "staff", PASSWORD, name="Bench")
            fill_outreach_log()
        yield application
        db.session.remove()


@pytest.fixture(scope="session")
def signed_in(app: Flask) -> FlaskClient:
    """A client signed in as staff."""
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@isu.example", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture(scope="session")
def token(app: Flask) -> str:
    """An API token of the staff user."""
    with acting_as("bench"):
        return issue_api_token("bench@isu.example")


# Each case's median, and the most it may cost as a multiple of the floor measured in the same run.
FLOOR = "test_floor_static_file"
BUDGETS = {
    "test_home_page": 80,
    "test_states_list_all_197": 60,
    "test_states_list_filtered": 25,
    "test_state_page": 25,
    "test_public_states_api": 40,
    "test_states_api_page_of_50": 30,
    "test_public_status_page": 80,
    "test_dialogues_list": 60,
    "test_universalization_board": 60,
    "test_deadlines": 40,
    "test_interactions_list": 60,
    "test_interactions_search": 60,
    "test_country_briefing": 40,
    "test_state_page_with_timeline": 40,
}
_medians: dict[str, float] = {}


@pytest.fixture(autouse=True)
def _remember_median(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    bench = request.node.funcargs.get("benchmark")
    if bench is not None and bench.stats is not None:
        _medians[request.node.name] = bench.stats.stats.median


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    """Print every case as a multiple of the floor, and flag those over budget."""
    floor = _medians.get(FLOOR)
    if not floor:
        return
    write = terminalreporter.write_line
    write("")
    write(f"Compared with the floor ({FLOOR}, median {floor * 1000:.3f} ms):")
    over = []
    for name, median in sorted(_medians.items(), key=lambda item: item[1]):
        if name == FLOOR:
            continue
        ratio = median / floor
        budget = BUDGETS.get(name)
        verdict = "ok" if budget is None or ratio <= budget else "OVER BUDGET"
        if verdict != "ok":
            over.append(name)
        write(
            f"  {name:32s} {median * 1000:8.3f} ms  {ratio:6.1f}x floor"
            f"  (budget {budget}x) {verdict}"
        )
    if over:
        write(f"Over budget: {', '.join(over)}")
        terminalreporter._session.exitstatus = 1
