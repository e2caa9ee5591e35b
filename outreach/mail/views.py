"""Staff pages of the outbox: the queue's state and the messages written to files."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import joinedload

from outreach.core.access import staff_required
from outreach.directory.lists import page_numbers, paginate
from outreach.extensions import db
from outreach.mail import digest as _digest  # noqa: F401  (registers the digest's renderer)
from outreach.mail import privacy as _privacy  # noqa: F401  (adds the outbox's eraser)
from outreach.mail.models import Mailing, OutboxMessage, OutboxStatus
from outreach.mail.status import queue_health, status_counts
from outreach.mail.transport import stored_file

bp = Blueprint("mail", __name__)

PROBLEMS = (OutboxStatus.DEFERRED, OutboxStatus.FAILED)
# What `?show=` may ask for: the problems (the default), everything, or one status.
SHOWN: dict[str, tuple[OutboxStatus, ...] | None] = {
    "problems": PROBLEMS,
    "all": None,
    **{status.value: (status,) for status in OutboxStatus},
}
TITLES = {
    "problems": "Deferred and failed messages",
    "all": "All messages",
    **{status.value: f"{status.label} messages" for status in OutboxStatus},
}


def _messages(statuses: tuple[OutboxStatus, ...] | None) -> sa.Select[tuple[OutboxMessage]]:
    query = sa.select(OutboxMessage).options(
        joinedload(OutboxMessage.mailing).joinedload(Mailing.meeting)
    )
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(statuses))
    return query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


@bp.route("/outbox")
@staff_required
def outbox() -> str:
    """Counts per status, then the messages that need attention (or any status), newest first."""
    show = request.args.get("show", "problems")
    if show not in SHOWN:
        show = "problems"
    page, per_page = page_numbers(request.args)
    counts = status_counts()
    return render_template(
        "mail/outbox.html",
        health=queue_health(counts=counts),
        counts=counts,
        show=show,
        title=TITLES[show],
        OutboxStatus=OutboxStatus,
        page=paginate(_messages(SHOWN[show]), page, per_page),
    )


@bp.route("/outbox/<int:message_id>.eml")
@staff_required
def message_file(message_id: int) -> ResponseReturnValue:
    """The .eml file written for a message when no mail server is configured."""
    message = db.get_or_404(OutboxMessage, message_id)
    path = stored_file(current_app.instance_path, message.eml_path)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="message/rfc822",
        as_attachment=True,
        download_name=f"message-{message.id}.eml",
    )
    # Someone's personal message: no copy left in a browser's or a proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    return response
