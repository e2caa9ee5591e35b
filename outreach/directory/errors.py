"""Errors the directory's services raise, with messages meant for the person who acted."""

from __future__ import annotations

from typing import Any


class ValidationError(ValueError):
    """Some values are not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ConflictError(Exception):
    """Someone else saved the record since it was opened; nothing was overwritten."""

    def __init__(self, record: Any, their_changes: list[dict[str, Any]]) -> None:
        super().__init__("the record was changed by someone else")
        self.record = record
        self.their_changes = their_changes
