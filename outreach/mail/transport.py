"""Where messages go: an SMTP relay over one reused connection, or .eml files in the instance
folder when no MAIL_SERVER is configured. Each send returns a result classified by reply code."""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from outreach.directory.search import fold
from outreach.mail.compose import Wire

# Replies after which the server asks everyone to come back later, not just this message.
QUEUE_WIDE_CODES = frozenset({421, 451})


class Outcome(enum.StrEnum):
    """What a send attempt means for the message."""

    SENT = "sent"
    TEMPORARY = "temporary"  # 4xx, timeout, refused or dropped connection: try again later
    PERMANENT = "permanent"  # 5xx: the server will never take it


@dataclass(frozen=True)
class Result:
    """The outcome of one send, with the server's code and words when it answered."""

    outcome: Outcome
    code: int | None = None
    detail: str = ""
    eml_path: str | None = None

    @property
    def pauses_queue(self) -> bool:
        """The server asked us to back off altogether (421 closing, 451 local trouble)."""
        return self.code in QUEUE_WIDE_CODES


def classify(code: int) -> Outcome:
    """Judge an SMTP reply by its code, never by the exception smtplib wraps it in."""
    if 200 <= code < 300:
        return Outcome.SENT
    if 500 <= code < 600:
        return Outcome.PERMANENT
    # 4xx, and smtplib's -1 for a reply it could not read: the server may take it later.
    return Outcome.TEMPORARY


def _reply(code: int, text: bytes | str) -> Result:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return Result(classify(code), code, f"{code} {' '.join(words.split())}"[:500])


class Transport(Protocol):
    """Sends one prepared message at a time; `close()` ends the batch."""

    paced: bool

    def send(self, wire: Wire, day: dt.date) -> Result: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection for a whole batch. A connection lost mid-batch is reopened once for
    the next message; after that, or when the server cannot be reached, the rest of the batch
    is reported as a temporary failure without waiting on the network again."""

    paced = True

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._opened = 0
        self._unreachable = ""

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["MAIL_SERVER"], int(self.config["MAIL_PORT"])
        timeout = float(self.config["MAIL_TIMEOUT_SECONDS"])
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if self.config.get("MAIL_USE_TLS"):
                smtp.starttls(context=context)
            if self.config.get("MAIL_USERNAME") and self.config.get("MAIL_PASSWORD"):
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _connection(self) -> smtplib.SMTP | Result:
        """The open connection, or the reason there is none."""
        if self._smtp is not None and self._smtp.sock is not None:
            return self._smtp
        self._smtp = None
        if self._unreachable:
            return Result(Outcome.TEMPORARY, None, self._unreachable)
        if self._opened >= 2:
            self._unreachable = "The mail server dropped the connection again."
            return Result(Outcome.TEMPORARY, None, self._unreachable)
        self._opened += 1
        try:
            self._smtp = self._connect()
        except smtplib.SMTPResponseException as error:
            self._unreachable = _reply(error.smtp_code, error.smtp_error).detail
            return Result(Outcome.TEMPORARY, error.smtp_code, self._unreachable)
        except (OSError, smtplib.SMTPException) as error:
            self._unreachable = f"The mail server could not be reached ({_describe(error)})."
            return Result(Outcome.TEMPORARY, None, self._unreachable)
        return self._smtp

    def send(self, wire: Wire, day: dt.date) -> Result:
        """Hand one message to the server and classify its answer."""
        smtp = self._connection()
        if isinstance(smtp, Result):
            return smtp
        try:
            refused = smtp.sendmail(wire.envelope_from, [wire.recipient], wire.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            return _reply(code, text)
        except smtplib.SMTPResponseException as error:
            # Sender refused, data refused, 421 on the way: all carry the server's code.
            return _reply(error.smtp_code, error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            return Result(Outcome.TEMPORARY, None, f"The connection was lost ({_describe(error)}).")
        if refused:  # a partial refusal is returned, not raised
            code, text = next(iter(refused.values()))
            return _reply(code, text)
        return Result(Outcome.SENT, 250, "250 accepted")

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None

    def close(self) -> None:
        """Say goodbye politely if the server is still listening."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None


class FileTransport:
    """The embedded default: each message becomes <instance>/mail/<date>/<id>-<subject>.eml."""

    paced = False

    def __init__(self, instance_path: str) -> None:
        self.root = Path(instance_path)

    def send(self, wire: Wire, day: dt.date) -> Result:
        """Write the message's bytes; the path recorded is relative to the instance folder."""
        relative = Path("mail") / day.isoformat() / f"{wire.outbox_id}-{slug(wire.subject)}.eml"
        target = self.root / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(wire.data)
            os.replace(partial, target)  # never a half-written file under the final name
        except OSError as error:
            return Result(Outcome.TEMPORARY, None, f"The file could not be written ({error}).")
        return Result(Outcome.SENT, None, "written to a file", relative.as_posix())

    def close(self) -> None:
        """Nothing to close."""


def slug(text: str, length: int = 50) -> str:
    """A file-name-safe form of a subject: "Updated: 14MSP" becomes "updated-14msp"."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return words[:length].rstrip("-") or "message"


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def open_transport(config: dict[str, Any], instance_path: str) -> Transport:
    """SMTP when a server is configured, files otherwise."""
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(instance_path)


def stored_file(instance_path: str, relative: str | None) -> Path | None:
    """The .eml file a row names, if it exists and lies inside the instance's mail folder."""
    if not relative:
        return None
    root = (Path(instance_path) / "mail").resolve()
    path = (Path(instance_path) / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
