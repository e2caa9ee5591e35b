"""Personal links stay out of the logs: the access logs of the development server and of
gunicorn see "/rsvp/[link]" instead of the token (SECURITY 11)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

# The paths whose last part is a secret: RSVP, unsubscribe and private calendar feeds.
PERSONAL_LINK = re.compile(r"(/(?:rsvp|unsubscribe|feeds)/)[^/\s?#\"']+")
REDACTED = r"\1[link]"
# The access loggers of `flask run` and of gunicorn, which write each request's path.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """The text with the secret part of any personal link replaced."""
    return PERSONAL_LINK.sub(REDACTED, text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactPersonalLinks(logging.Filter):
    """Rewrites a record's message and arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _clean(record.msg)
        if isinstance(record.args, MutableMapping):
            # In place: gunicorn's mapping answers "-" for atoms it lacks, keep that class.
            for key, value in list(record.args.items()):
                record.args[key] = _clean(value)
        elif isinstance(record.args, Mapping):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_clean(value) for value in record.args)
        return True


FILTER = RedactPersonalLinks()


def install() -> None:
    """Add the filter to the access loggers once (it stays for every app in the process)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
