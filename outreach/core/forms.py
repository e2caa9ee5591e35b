"""What every form page does with a service's answer: messages next to fields, the version the
form was opened at, and someone else's changes in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from outreach.directory.errors import ValidationError

HIDDEN_FIELDS = ("CSRFTokenField", "HiddenField")


def show_errors(
    form: Any,
    error: ValidationError,
    fallback: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Put each of the service's messages next to its field (`aliases` maps the service's names
    to the form's); a message about no visible field goes next to `fallback`, or the first one."""
    visible = [field for field in form if field.type not in HIDDEN_FIELDS]
    default = getattr(form, fallback) if fallback else visible[0]
    for name, message in error.errors.items():
        target = getattr(form, (aliases or {}).get(name, name), None)
        if target is None or target.type in HIDDEN_FIELDS:
            target = default
        target.errors = [*list(target.errors), message]


def form_version(value: str | None) -> int:
    """The version the form was opened at; a missing or tampered one is a conflict (0), never a
    silent overwrite."""
    valid = value and value.isascii() and value.isdigit() and len(value) < 10
    return int(value) if valid else 0


def plain(_name: str, value: Any) -> str:
    """A recorded value as people read it: its label when it has one, a dash when empty."""
    if value is None or value == "":
        return "—"
    return str(getattr(value, "label", value))


def readable_changes(
    changes: Sequence[dict[str, Any]],
    labels: Mapping[str, str],
    readable: Callable[[str, Any], str] = plain,
) -> list[dict[str, Any]]:
    """Someone else's changes (as a ConflictError holds them) in words, for the labelled fields."""
    return [
        {
            **change,
            "label": labels[change["field"]],
            "before": readable(change["field"], change["before"]),
            "after": readable(change["field"], change["after"]),
        }
        for change in changes
        if change["field"] in labels
    ]
