"""Values every template may use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from outreach.reference.models import CcmStatus


def _context() -> dict[str, Any]:
    return {"today": dt.date.today(), "CcmStatus": CcmStatus}


def init_templating(app: Flask) -> None:
    """Register the template context and tidy the whitespace of rendered pages."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_context)
