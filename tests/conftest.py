"""Fixtures: a fresh database per test (a copy of one migrated and seeded template), the app,
its client and command runner, and a helper that signs in through the real form."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from outreach import create_app
from outreach.audit.models import AuditEvent
from outreach.audit.services import acting_as
from outreach.auth import passwords
from outreach.extensions import db
from outreach.reference.services import seed
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# Captured at import, before any test swaps in the quick hasher.
PRODUCTION_HASHER = passwords._hasher
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _postgres_url_from_env() -> sa.URL:
    return sa.make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))


def _postgres_url(name: str) -> sa.URL:
    return _postgres_url_from_env().set(database=name)


def _admin_engine() -> sa.Engine:
    return sa.create_engine(_postgres_url("postgres"), isolation_level="AUTOCOMMIT")


def _create_database(name: str, template: str | None = None) -> None:
    """Create a PostgreSQL database, empty or as a copy of a template."""
    copy = f' TEMPLATE "{template}"' if template else ""
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    admin.dispose()


def _drop_database(name: str) -> None:
    """Drop a PostgreSQL database, closing its connections."""
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _base_config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": None,
        "OUTREACH_BASE_URL": "http://outreach.test",
        "MAIL_SERVER": "",
    }


def _build_template(url: str, instance: Path) -> None:
    """Run every migration and load the reference data once."""
    app = create_app(_base_config(url), instance_path=str(instance))
    with app.app_context():
        upgrade()
        with acting_as("command: seed"):
            seed()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with argon2id at its lowest cost: the same code path in a fraction of the time
    (tests/auth/test_passwords.py checks the production cost separately)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("not a real password"))


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, seeded database that each test copies: on PostgreSQL the database named in
    TEST_DATABASE_URL (created for the run by .ci/run), otherwise a SQLite file."""
    instance = tmp_path_factory.mktemp("template-instance")
    if TEST_DATABASE_URL:
        name = _postgres_url_from_env().database or "outreach_test"
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            # Each parallel worker builds its own template: PostgreSQL refuses to copy a
            # template while another session is connected to it.
            name = f"{name}_{worker}"
            _drop_database(name)
            _create_database(name)
        _build_template(_postgres_url(name).render_as_string(hide_password=False), instance)
        yield name
        if worker:
            _drop_database(name)
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _build_template(f"sqlite:///{path}", instance)
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test."""
    if TEST_DATABASE_URL:
        name = f"outreach_t_{uuid.uuid4().hex[:12]}"
        _create_database(name, template_database)
        yield _postgres_url(name).render_as_string(hide_password=False)
        _drop_database(name)
    else:
        path = tmp_path / "outreach.sqlite3"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    """Settings of the app under test; a test may change them before using `app`."""
    return _base_config(database_url)


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as each request does in
    production; the `app` fixture keeps one app context pushed, which requests would share."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    """The application, with an app context pushed so tests can use models directly."""
    application = create_app(app_config, instance_path=str(tmp_path / "instance"))
    application.test_client_class = FreshGlobalsClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client with cookies."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs `flask` commands against the app."""
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real forms, CSRF tokens included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD, **extra: str) -> Any:
        token = csrf_token(self.client, "/login")
        data = {"email": email, "password": password, "csrf_token": token, **extra}
        return self.client.post("/login", data=data)

    def logout(self) -> Any:
        token = csrf_token(self.client, "/account")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, path: str, data: dict[str, Any], form_page: str | None = None) -> Any:
        """POST a form with the CSRF token taken from the page that shows it."""
        token = csrf_token(self.client, form_page or path)
        return self.client.post(path, data={**data, "csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """The sign-in helper for the test client."""
    return AuthActions(client)


@pytest.fixture
def staff(app: Flask) -> Any:
    """A staff account."""
    return factories.make_user(email="specialist@isu.example", role="staff", name="Sam Specialist")


@pytest.fixture
def admin(app: Flask) -> Any:
    """An administrator account."""
    return factories.make_user(email="director@isu.example", role="admin", name="Dana Director")


@pytest.fixture
def coordinator(app: Flask) -> Any:
    """A coordinator of universalization."""
    return factories.make_user(
        email="coordinator@mission.example",
        role="coordinator",
        name="Chris Coordinator",
        areas=["universalization"],
    )


class QueryCounter:
    """Counts the SQL statements sent while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[Any]:
    """`with count_queries() as counter:` counts the statements run inside the block."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    yield counting


@pytest.fixture
def browser(app: Flask) -> Callable[..., AuthActions]:
    """`browser(cookie=None, ip=...)`: another browser, optionally replaying a session cookie."""

    def open_browser(cookie: str | None = None, ip: str = "127.0.0.1") -> AuthActions:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = ip
        if cookie is not None:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return AuthActions(client)

    return open_browser


@pytest.fixture
def session_cookie(app: Flask) -> Callable[[FlaskClient], str | None]:
    """`session_cookie(client)`: the value of the client's session cookie, if it has one."""

    def value(client: FlaskClient) -> str | None:
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None

    return value


@pytest.fixture
def make_app(app_config: dict[str, Any], tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test's database, with other settings or an extra route that must
    be registered before its first request."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        instance = tmp_path / f"instance-{len(built) + 1}"
        application = create_app({**app_config, **overrides}, instance_path=str(instance))
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def audit_events() -> Callable[[str], list[AuditEvent]]:
    """`audit_events(action)`: the recorded events of one kind, oldest first."""

    def events(action: str) -> list[AuditEvent]:
        query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))

    return events


@pytest.fixture
def smtp_sink(app_config: dict[str, Any]) -> Iterator[Any]:
    """A real SMTP server on loopback; the app under test sends its mail there."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink()
    sink.start()
    app_config.update(sink.config())
    yield sink
    sink.stop()
