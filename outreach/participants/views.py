"""Pages of a meeting's follow-through: reminders, attendance, sponsorship, participants."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("participants", __name__)
