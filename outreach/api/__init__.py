"""The JSON API under /api/v1, described by an OpenAPI document built from its schemas."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from outreach.api.schemas import ErrorSchema


class OutreachApi(Api):
    """flask-smorest's Api, leaving error pages to outreach.core.errors (HTML for people,
    JSON under /api/)."""

    ERROR_SCHEMA = ErrorSchema  # documents the body that outreach.core.errors sends

    def _register_error_handlers(self) -> None:
        return None

    def init_app(self, app: Flask, *, spec_kwargs: dict | None = None) -> None:
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            "bearerAuth",
            {"type": "http", "scheme": "bearer", "description": "A token from `users token`."},
        )


api = OutreachApi()
