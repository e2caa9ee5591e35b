"""The app factory and its configuration."""

import os
import stat

import pytest

import config
from outreach import create_app


def test_the_test_configuration_takes_effect(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key-not-for-production"


def test_without_secret_key_one_is_generated_once_and_readable_only_by_its_owner(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("OUTREACH_ENV", raising=False)
    first = config.load(str(tmp_path))["SECRET_KEY"]
    second = config.load(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app(instance_path=str(tmp_path))


def test_production_refuses_to_start_with_debug_on(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(config.ConfigError, match="DEBUG"):
        create_app(instance_path=str(tmp_path))


def test_settings_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db.example/outreach")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("OUTREACH_BASE_URL", "https://outreach.example.org/")
    monkeypatch.setenv("TRUSTED_HOSTS", "outreach.example.org, localhost")
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1048576")
    settings = config.load(str(tmp_path))
    assert (
        settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@db.example/outreach"
    )
    assert settings["MAIL_SERVER"] == "smtp.example.org"
    assert settings["MAIL_PORT"] == 587
    assert settings["MAIL_USE_TLS"] is True
    assert settings["OUTREACH_BASE_URL"] == "https://outreach.example.org"
    assert settings["TRUSTED_HOSTS"] == ["outreach.example.org", "localhost"]
    assert settings["MAX_CONTENT_LENGTH"] == 1048576
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.load(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/outreach.sqlite3"
