"""Settings read from the environment when the app is created."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE


def _int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _list(name: str) -> list[str] | None:
    """Read a comma-separated list, or None when unset."""
    value = os.environ.get(name)
    if not value:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def stored_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, generating it once, readable by its owner only."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker starting at the same moment wrote it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load(instance_path: str) -> dict[str, Any]:
    """Build the configuration from the environment."""
    env = os.environ.get("OUTREACH_ENV", "development").strip().lower()
    production = env == "production"
    debug = _flag("FLASK_DEBUG") or _flag("DEBUG")
    secret_key = os.environ.get("SECRET_KEY")
    if production:
        if debug:
            raise ConfigError("DEBUG must be off in production (unset FLASK_DEBUG and DEBUG).")
        if not secret_key:
            raise ConfigError("SECRET_KEY must be set in production.")
    if not secret_key:
        secret_key = stored_secret_key(instance_path)
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "outreach.sqlite3")
    )
    base_url = os.environ.get("OUTREACH_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    secure = base_url.startswith("https://")
    return {
        "OUTREACH_ENV": env,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "outreach@isu.example"),
        "OUTREACH_BASE_URL": base_url,
        "TRUSTED_HOSTS": _list("TRUSTED_HOSTS"),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
        "IMPORT_MAX_BYTES": _int("IMPORT_MAX_BYTES", 5 * 1024 * 1024),
        "IMPORT_MAX_ROWS": _int("IMPORT_MAX_ROWS", 20_000),
        "DIALOGUE_STALE_DAYS": _int("DIALOGUE_STALE_DAYS", 90),
        "ARTICLE7_TRACKED_FROM": _int("ARTICLE7_TRACKED_FROM", 2026),
        # The delivery worker: messages per minute, claim size and lease, retry schedule.
        "MAIL_RATE_PER_MINUTE": _int("MAIL_RATE_PER_MINUTE", 120),
        "MAIL_BATCH_SIZE": _int("MAIL_BATCH_SIZE", 50),
        "MAIL_LEASE_SECONDS": _int("MAIL_LEASE_SECONDS", 300),
        "MAIL_POLL_SECONDS": _int("MAIL_POLL_SECONDS", 5),
        "MAIL_TIMEOUT_SECONDS": _int("MAIL_TIMEOUT_SECONDS", 30),
        "MAIL_RETRY_MINUTES": os.environ.get("MAIL_RETRY_MINUTES", "1,5,15,60,240"),
        "MAIL_QUEUE_PAUSE_MINUTES": _int("MAIL_QUEUE_PAUSE_MINUTES", 5),
        "RSVP_TOKEN_MAX_AGE_DAYS": _int("RSVP_TOKEN_MAX_AGE_DAYS", 400),
        # How long the .eml files of messages written without a mail server are kept.
        "MAIL_KEEP_FILES_DAYS": _int("MAIL_KEEP_FILES_DAYS", 90),
        "SESSION_COOKIE_NAME": "__Host-session" if secure else "outreach_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "Outreach API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
