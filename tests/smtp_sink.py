"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told to
answer 4xx or 5xx, drop the connection, or go down and come back."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as it crossed the wire."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    sink: SmtpSink
    messages: list[Received] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        reply = self.sink.rcpt_replies.pop(0) if self.sink.rcpt_replies else None
        if reply and not reply.startswith("250"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        dropping = self.sink.drop_after is not None and len(self.messages) >= self.sink.drop_after
        if dropping or self.sink.drop_next > 0:
            self.sink.drop_next = max(0, self.sink.drop_next - 1)
            # Hang up without answering, as a server that crashed mid-delivery would.
            server.transport.close()
            return "421 closing"
        reply = self.sink.data_replies.pop(0) if self.sink.data_replies else None
        if reply and not reply.startswith("250"):
            return reply
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """`start()`, `stop()`, `messages`; `rcpt_replies`/`data_replies` are scripted answers
    ("450 …", "550 …") used one by one; `drop_after = k` hangs up on the (k+1)th message and
    every one after it; `drop_next = n` hangs up on the next n messages only."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.drop_after: int | None = None
        self.drop_next = 0
        self.handler = _Handler(self)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def config(self) -> dict[str, Any]:
        """The app settings that point mail at this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
