"""Public pages behind personal links (RSVP, unsubscribe) and the calendar feeds."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rsvp", __name__)
