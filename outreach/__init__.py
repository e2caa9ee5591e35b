"""Outreach: the contact and outreach manager of the CCM Implementation Support Unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

import config


def create_app(overrides: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_path=instance_path,
        instance_relative_config=True,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(app.instance_path))
    if overrides:
        app.config.update(overrides)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Behind N trusted reverse proxies, take the client address and scheme from their headers."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    """Bind the bare extension instances to this app."""
    from outreach import models  # noqa: F401  (every model known before the first query)
    from outreach.api import api
    from outreach.core.security import init_security
    from outreach.db import configure_sqlite, render_migration_item
    from outreach.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_item=render_migration_item,
    )
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    init_security(app)


def register_blueprints(app: Flask) -> None:
    """Attach each feature's pages and API routes."""
    from outreach.api import api
    from outreach.api.states import blp as states_api
    from outreach.api.states import public_blp as public_states_api
    from outreach.auth.views import bp as auth_bp
    from outreach.contacts.api import blp as contacts_api
    from outreach.contacts.views import bp as contacts_bp
    from outreach.coordination.views import bp as coordination_bp
    from outreach.core.views import bp as core_bp
    from outreach.dashboard.views import bp as dashboard_bp
    from outreach.dialogues.api import blp as dialogues_api
    from outreach.dialogues.views import bp as dialogues_bp
    from outreach.directory.views import bp as directory_bp
    from outreach.imports import privacy as _imports_privacy  # noqa: F401  (adds its eraser)
    from outreach.imports.views import bp as imports_bp
    from outreach.interactions import merge as _interactions_merge  # noqa: F401  (adds a mover)
    from outreach.interactions.api import blp as interactions_api
    from outreach.interactions.views import bp as interactions_bp
    from outreach.invitations.api import blp as invitations_api
    from outreach.invitations.views import bp as invitations_bp
    from outreach.mail.views import bp as mail_bp
    from outreach.meetings.api import blp as meetings_api
    from outreach.meetings.views import bp as meetings_bp
    from outreach.obligations.api import blp as obligations_api
    from outreach.obligations.views import bp as obligations_bp
    from outreach.organisations.api import blp as organisations_api
    from outreach.organisations.views import bp as organisations_bp
    from outreach.participants.views import bp as participants_bp
    from outreach.rsvp.views import bp as rsvp_bp
    from outreach.universalization.api import blp as universalization_api
    from outreach.universalization.views import bp as universalization_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(interactions_bp)
    app.register_blueprint(dialogues_bp)
    app.register_blueprint(universalization_bp)
    app.register_blueprint(obligations_bp)
    app.register_blueprint(coordination_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(rsvp_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(mail_bp)
    api.register_blueprint(states_api)
    api.register_blueprint(public_states_api)
    api.register_blueprint(contacts_api)
    api.register_blueprint(organisations_api)
    api.register_blueprint(interactions_api)
    api.register_blueprint(dialogues_api)
    api.register_blueprint(universalization_api)
    api.register_blueprint(obligations_api)
    api.register_blueprint(meetings_api)
    api.register_blueprint(invitations_api)


def register_errorhandlers(app: Flask) -> None:
    """Styled error pages for people and JSON errors for API clients."""
    from outreach.core.errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    """Values and helpers every template may use."""
    from outreach.core.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    """Add the `flask --app outreach …` commands."""
    from outreach.cli import init_commands

    init_commands(app)
