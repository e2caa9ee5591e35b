"""The migrations, run on a brand-new empty database: they build exactly the schema of the models,
undo it, build it again, and make the audit trail append-only."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from outreach.audit.models import AuditEvent
from outreach.extensions import db
from outreach.reference.models import State

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated: a SQLite file, or a new PostgreSQL database dropped
    afterwards when TEST_DATABASE_URL is set. Overrides the seeded copy of tests/conftest.py."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = sa.make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"outreach_mig_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _flask_db(runner, *args: str) -> None:
    result = runner.invoke(args=["db", *args])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    db.session.remove()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _schema_differences() -> list:
    """What alembic autogenerate would write to make the database match the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def _add_audit_event() -> int:
    row_id = db.session.execute(
        sa.insert(AuditEvent)
        .values(
            at=dt.datetime.now(dt.UTC),
            actor_label="test",
            action="login",
            detail="kept forever",
        )
        .returning(AuditEvent.id)
    ).scalar_one()
    db.session.commit()
    return row_id


def _assert_audit_trail_is_append_only() -> None:
    row_id = _add_audit_event()
    for statement in (
        sa.update(AuditEvent).where(AuditEvent.id == row_id).values(detail="rewritten"),
        sa.delete(AuditEvent).where(AuditEvent.id == row_id),
        sa.delete(AuditEvent),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text("TRUNCATE audit_event"))
        db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.id == row_id)) == (
        "kept forever"
    )


def test_the_database_starts_empty(app):
    assert _tables() == set()


def test_upgrade_builds_exactly_the_schema_of_the_models(app, runner):
    _flask_db(runner, "upgrade")

    assert _tables() == set(db.metadata.tables) | {"alembic_version"}
    assert _schema_differences() == []


def test_after_upgrade_the_audit_trail_refuses_updates_and_deletes(app, runner):
    _flask_db(runner, "upgrade")

    _assert_audit_trail_is_append_only()


def test_after_upgrade_the_reference_data_loads(app, runner):
    _flask_db(runner, "upgrade")

    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert "States: 197 created" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(State)) == 197


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(app, runner):
    _flask_db(runner, "upgrade")
    _flask_db(runner, "downgrade", "base")

    assert _tables() == {"alembic_version"}
    if db.engine.dialect.name == "postgresql":
        functions = "SELECT count(*) FROM pg_proc WHERE proname = 'audit_event_append_only'"
    else:
        functions = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql(functions).scalar() == 0

    _flask_db(runner, "upgrade")

    assert _tables() == set(db.metadata.tables) | {"alembic_version"}
    assert _schema_differences() == []
    _assert_audit_trail_is_append_only()


def test_a_seeded_database_can_be_downgraded(app, runner):
    _flask_db(runner, "upgrade")
    assert runner.invoke(args=["seed"]).exit_code == 0
    db.session.remove()

    _flask_db(runner, "downgrade", "base")

    assert _tables() == {"alembic_version"}


def test_the_sql_script_for_a_dba_includes_the_audit_triggers(app, runner):
    result = runner.invoke(args=["db", "upgrade", "--sql"])

    assert result.exit_code == 0, result.output
    assert "CREATE TABLE audit_event" in result.output
    assert "CREATE TRIGGER audit_event_no" in result.output
    assert "append-only" in result.output
    assert _tables() == set()  # only written out, not run
