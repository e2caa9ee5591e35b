"""Pages of the import: upload, map columns, preview, import, undo."""

from __future__ import annotations

from flask import Blueprint, abort

from outreach.core.access import staff_required

bp = Blueprint("imports", __name__)


@bp.route("/import")
@staff_required
def import_start() -> str:
    """Choose what to import and upload the file (being built)."""
    abort(404)
