"""`flask --app outreach mail work [--once]` delivers the outbox; `mail digest` queues digests."""

from __future__ import annotations

import click
from flask.cli import AppGroup

mail_group = AppGroup("mail", help="Deliver the outbox and queue the daily digest.")


@mail_group.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def work(once: bool) -> None:
    """Deliver queued messages."""
    raise click.ClickException("not built yet")
