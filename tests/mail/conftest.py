"""Helpers of the mail tests: a quick worker configuration, a stand-in message, queued rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from outreach.extensions import db
from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import RENDERERS, OutgoingEmail, Recipient, enqueue, new_mailing

RSVP_URL = "http://outreach.test/rsvp/a-secret-personal-token"
BODY = "Dear guest, please answer by the link below."


@pytest.fixture(autouse=True)
def quick_worker(app_config: dict[str, Any]) -> None:
    """No pause between messages (F6 sets its own rate) and a short SMTP timeout."""
    app_config.update(MAIL_RATE_PER_MINUTE=0, MAIL_TIMEOUT_SECONDS=5, MAIL_BATCH_SIZE=50)


def plain_message(message: OutboxMessage) -> OutgoingEmail:
    """A short message with a personal link, as the invitation renderers write them."""
    return OutgoingEmail(
        subject=f"A note for {message.to_name}",
        text=f"{BODY}\n{RSVP_URL}\n",
        html=f'<p>{BODY}</p><p><a href="{RSVP_URL}">Answer</a></p>',
    )


@pytest.fixture(autouse=True)
def use_renderer(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Test messages are built by `plain_message`, or by fn after `use_renderer(fn)`."""

    def use(function: Callable[[OutboxMessage], OutgoingEmail] = plain_message) -> None:
        monkeypatch.setitem(RENDERERS, MailPurpose.TEST, function)

    use()
    return use


def queue_messages(
    count: int,
    *,
    prefix: str = "guest",
    expires_at: dt.datetime | None = None,
    purpose: MailPurpose = MailPurpose.TEST,
) -> list[int]:
    """Queue `count` messages to guest0@…, guest1@… in one committed mailing."""
    mailing = new_mailing(purpose, note="test mailing")
    rows = enqueue(
        mailing,
        [
            Recipient(
                address=f"{prefix}{i}@mission.example",
                dedupe_key=f"test:{prefix}:{i}",
                name=f"Guest {i}",
                expires_at=expires_at,
            )
            for i in range(count)
        ],
    )
    db.session.commit()
    return [row.id for row in rows]


def rows(ids: list[int]) -> list[OutboxMessage]:
    """The rows as the database holds them now."""
    db.session.expire_all()
    return [db.session.get_one(OutboxMessage, i) for i in ids]


def delivered_to(sink: Any) -> list[str]:
    """The recipient of each message the server accepted, in order."""
    return [address for received in sink.messages for address in received.rcpt_tos]
