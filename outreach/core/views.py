"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template

from outreach.directory.services import status_counts
from outreach.reference.services import manifest

bp = Blueprint("core", __name__)


@bp.route("/")
def home() -> str:
    """Where a signed-in user lands: the counts by status and the way to each part."""
    counts = status_counts()
    return render_template(
        "core/home.html", counts=counts, total=sum(counts.values()), manifest=manifest()
    )
