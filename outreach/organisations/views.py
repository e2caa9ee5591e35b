"""Pages of organisations."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("organisations", __name__)


@bp.route("/organisations")
def organisation_list() -> str:
    """The list of organisations (being built)."""
    abort(404)
