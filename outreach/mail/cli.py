"""`flask --app outreach mail work [--once]` delivers the outbox; `mail digest` queues digests;
`mail prune` deletes old message files."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from outreach.audit.services import acting_as
from outreach.db import utcnow
from outreach.mail.digest import queue_digests
from outreach.mail.retention import prune_files
from outreach.mail.worker import Pacer, default_worker_id, deliver_due

mail_group = AppGroup("mail", help="Deliver the outbox and queue the daily digest.")
log = logging.getLogger("outreach.mail")


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT end the loop between two messages instead of in the middle of one."""

    def handler(signum: int, _frame: Any) -> None:
        log.info("mail worker: %s received, stopping", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def work_forever(stop: threading.Event) -> None:
    """Deliver what is due, wait MAIL_POLL_SECONDS, and again, until told to stop."""
    worker = default_worker_id()
    poll = max(1, int(current_app.config["MAIL_POLL_SECONDS"]))
    # One pacer across runs keeps the rate limit between batches; waiting on the event lets a
    # signal cut a pause short.
    pacer = Pacer(int(current_app.config["MAIL_RATE_PER_MINUTE"]), sleep=stop.wait)
    target = current_app.config["MAIL_SERVER"] or "files in the instance folder"
    click.echo(f"Delivering mail to {target} as {worker}; Ctrl+C stops.")
    while not stop.is_set():
        report = deliver_due(worker=worker, pacer=pacer, stop=stop)
        if report.sent or report.written or report.deferred or report.failed:
            click.echo(report.summary())
        stop.wait(poll)
    click.echo("Mail worker stopped.")


@mail_group.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def work(once: bool) -> None:
    """Deliver queued messages: keep going, or just once (for cron or a test)."""
    with acting_as("command: mail work"):
        if once:
            click.echo(deliver_due().summary())
            return
        stop = threading.Event()
        _stop_on_signals(stop)
        work_forever(stop)


@mail_group.command("digest")
def digest() -> None:
    """Queue today's follow-up digest for each user with follow-ups overdue or due this week."""
    with acting_as("command: mail digest"):
        queued = queue_digests(dt.date.today())
    if queued:
        click.echo(
            f"Queued {queued} digest{'s' if queued != 1 else ''}; the mail worker sends them."
        )
    else:
        click.echo("No digest to queue: nobody has follow-ups due, or today's are already queued.")


@mail_group.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep the files of the last DAYS days (default MAIL_KEEP_FILES_DAYS).",
)
def prune(days: int | None) -> None:
    """Delete the .eml files of messages older than the retention period (for cron)."""
    keep = days or current_app.config["MAIL_KEEP_FILES_DAYS"]
    with acting_as("command: mail prune"):
        deleted = prune_files(keep, utcnow())
    click.echo(
        f"Deleted {deleted} message file{'s' if deleted != 1 else ''} older than {keep} days."
    )
