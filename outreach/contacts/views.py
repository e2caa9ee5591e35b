"""Pages of contacts and experts."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("contacts", __name__)


@bp.route("/contacts")
def contact_list() -> str:
    """The list of contacts (being built)."""
    abort(404)


@bp.route("/experts")
def expert_list() -> str:
    """The resource base of expertise (being built)."""
    abort(404)
