"""Values and helpers every template may use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, request, url_for

from outreach.reference.models import CcmStatus


def url_with(**changes: Any) -> str:
    """The current page's address with some query values changed (None removes one); a new
    filter or sort goes back to the first page."""
    view_args = request.view_args or {}
    # Names starting with "_" are url_for's own options (_external, _scheme, _anchor…), and a
    # route parameter would clash: taken from a crafted address they would mislead or fail.
    args = {
        name: values
        for name, values in request.args.to_dict(flat=False).items()
        if not name.startswith("_") and name not in view_args
    }
    if "page" not in changes:
        args.pop("page", None)
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = value if isinstance(value, list) else [str(value)]
    return url_for(request.endpoint or "core.home", **view_args, **args)


def _context() -> dict[str, Any]:
    return {"today": dt.date.today(), "CcmStatus": CcmStatus}


def init_templating(app: Flask) -> None:
    """Register the template context and tidy the whitespace of rendered pages."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["url_with"] = url_with
    app.context_processor(_context)
