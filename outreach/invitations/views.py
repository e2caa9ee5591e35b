"""Pages of a meeting's audience: adding people, the preview, messages, sending."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invitations", __name__)
