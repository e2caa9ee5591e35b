"""Staff pages of the outbox: the queue's state and the messages written to files."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__)
