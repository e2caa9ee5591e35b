"""Turn an outbox row and its rendered email into the bytes sent over SMTP (RFC 5322, iMIP)."""

from __future__ import annotations

import email.charset
import time
from dataclasses import dataclass
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_mail import Message

from outreach.mail.models import MailPurpose, OutboxMessage
from outreach.mail.outbox import OutgoingEmail
from outreach.meetings.calendar import calendar_mime_part

ICS_FILENAME = "invite.ics"
ICS_ATTACHMENT_TYPE = "application/ics"
# Messages a machine sends on its own schedule (RFC 3834): out-of-office replies skip them.
AUTOMATIC_PURPOSES = frozenset({MailPurpose.DIGEST})
# Everything str.splitlines() breaks on, and NUL: any of them would let a value start a new header.
LINE_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class HeaderInjectionError(ValueError):
    """A header value holds a line break: the message is refused, nothing is sent."""


@dataclass(frozen=True)
class Wire:
    """One message ready for the transport: envelope, bytes, and what names its .eml file."""

    outbox_id: int
    envelope_from: str
    recipient: str
    data: bytes
    subject: str


class CalendarMessage(Message):
    """Flask-Mail's message, with `method=` on its text/calendar part (which `alts` drops),
    quoted-printable text parts, and the name of the .ics copy on its Content-Type."""

    def __init__(self, *args: Any, calendar_method: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendar_method = calendar_method

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        if subtype == "calendar" and text is not None and self.calendar_method:
            return calendar_mime_part(text.encode("utf-8"), self.calendar_method)
        # Quoted-printable keeps every part 7-bit: no relay has to support 8BITMIME.
        charset = email.charset.Charset("utf-8")
        charset.body_encoding = email.charset.QP
        return MIMEText(text or "", subtype, charset)

    def _message(self) -> MIMEBase:
        message = super()._message()
        for part in message.walk():
            if part.get_content_type() == ICS_ATTACHMENT_TYPE:
                part.set_param("name", ICS_FILENAME)
        return message


def check_header(label: str, value: str | None) -> None:
    """Refuse a header value that could end its line and start another (SECURITY I3)."""
    if value and any(ch in LINE_BREAKS for ch in value):
        raise HeaderInjectionError(f"The {label} contains a line break; nothing was sent.")


def default_sender() -> tuple[str, str]:
    """The (name, address) of MAIL_DEFAULT_SENDER."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])


def _sender(rendered: OutgoingEmail) -> tuple[str, str]:
    if rendered.sender:
        return rendered.sender_name, rendered.sender
    return default_sender()


def _extra_headers(message: OutboxMessage, rendered: OutgoingEmail) -> dict[str, str]:
    headers = {}
    if message.mailing.purpose in AUTOMATIC_PURPOSES:
        headers["Auto-Submitted"] = "auto-generated"
    if rendered.unsubscribe_url:
        # RFC 8058: mail providers offer a one-click "Unsubscribe" that POSTs to this URL.
        headers["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _check_headers(message: OutboxMessage, rendered: OutgoingEmail) -> None:
    sender_name, sender = _sender(rendered)
    for label, value in (
        ("recipient's name", message.to_name),
        ("recipient's address", message.to_address),
        ("subject", rendered.subject),
        ("sender's name", sender_name),
        ("sender's address", sender),
        ("reply-to address", rendered.reply_to),
        ("unsubscribe link", rendered.unsubscribe_url),
        ("message id", message.message_id),
        ("calendar method", rendered.calendar_method),
    ):
        check_header(label, value)
    if rendered.calendar is not None and not rendered.calendar_method:
        raise ValueError("A calendar file needs its method (REQUEST or CANCEL).")


def compose(message: OutboxMessage, rendered: OutgoingEmail, sent_at: float | None = None) -> Wire:
    """Build the wire bytes of one message: one recipient, the row's Message-ID, and for an
    invitation text, HTML and the calendar part, plus the .ics copy as an attachment."""
    _check_headers(message, rendered)
    mime = CalendarMessage(
        subject=rendered.subject,
        recipients=[(message.to_name, message.to_address)],
        body=rendered.text,
        reply_to=rendered.reply_to or None,
        date=sent_at if sent_at is not None else time.time(),
        extra_headers=_extra_headers(message, rendered),
        calendar_method=(rendered.calendar_method or "").upper() or None,
    )
    # Set after construction: Flask-Mail's constructor flattens a (name, address) pair into
    # "name <address>", which a comma in the name would break.
    mime.sender = _sender(rendered)
    mime.msgId = message.message_id
    # The parts in the order of CALENDAR.md, the calendar last; set after construction because
    # Flask-Mail's `html=` argument would put the HTML after anything given in `alts`.
    mime.alts = {"html": rendered.html}
    if rendered.calendar is not None:
        mime.alts["calendar"] = rendered.calendar.decode("utf-8")
        mime.attach(ICS_FILENAME, ICS_ATTACHMENT_TYPE, rendered.calendar, "attachment")
    return Wire(
        outbox_id=message.id,
        envelope_from=default_sender()[1],
        recipient=message.to_address,
        data=mime.as_bytes(),
        subject=rendered.subject,
    )
