"""`flask --app outreach import contacts|organisations FILE`: the import from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from outreach.audit.services import acting_as
from outreach.imports import services
from outreach.imports.fields import CONTACTS, FIELDS, ORGANISATIONS

STATUS_WORDS = {
    "created": "created",
    "updated": "updated",
    "unchanged": "skipped duplicate (nothing to update)",
    "skipped": "skipped duplicate",
    "repeat": "skipped (repeated in the file)",
    "error": "error",
    "would create": "ok (would create)",
    "would update": "ok (would update)",
}

import_group = click.Group("import", help="Import contacts or organisations from CSV or XLSX.")


def _run(kind: str, path: Path, dry_run: bool, on_duplicate: str) -> None:
    """Read, map automatically, import (or not, in a dry run) and report row by row."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    with path.open("rb") as handle:
        content = handle.read(limit + 1)
    try:
        with acting_as(f"command: import {kind}"):
            table, mapping, result = services.import_file(
                kind, path.name, content, on_duplicate=on_duplicate, dry_run=dry_run
            )
    except services.ReadError as error:
        click.echo(f"Error: {path.name}: {error}", err=True)
        sys.exit(1)
    except services.MappingError as error:
        click.echo(f"Error: {path.name}: {' '.join(error.messages)}", err=True)
        click.echo("Name the columns as in the import page's list of fields.", err=True)
        sys.exit(1)
    labels = {f.name: f.label for f in FIELDS[kind]}
    rows = len(table.rows)
    click.echo(
        f"{path.name}: {table.file_format}, {table.detail}; {rows:,} row{'' if rows == 1 else 's'}."
    )
    matched = [
        f"{services.column_name(table.headers, i)} → {labels[name] if name else 'left out'}"
        for i, name in enumerate(mapping)
    ]
    click.echo("Columns: " + "; ".join(matched))
    for row in result.rows:
        line = f"Row {row.number}: {STATUS_WORDS.get(row.status, row.status)}"
        if row.label:
            line += f" — {row.label}"
        if row.messages:
            line += f" ({'; '.join(row.messages)})"
        click.echo(line)
    if result.new_organisations:
        verb = "would be created" if dry_run else "created"
        click.echo(f"Organisations {verb}: " + "; ".join(result.new_organisations))
    counts = {
        "created": result.count("created", "would create"),
        "updated": result.count("updated", "would update"),
        "skipped as duplicates": result.count("skipped", "unchanged"),
        "repeated in the file": result.count("repeat"),
        "with errors": result.errors,
    }
    summary = ", ".join(f"{count:,} {what}" for what, count in counts.items() if count)
    if dry_run:
        click.echo(f"Dry run, nothing saved. Would be: {summary or 'nothing'}.")
    elif result.batch is not None:
        click.echo(
            f"Imported as batch {result.batch.id}: {summary}. "
            f"Undo it at /import/batches/{result.batch.id}."
        )
    else:
        click.echo(f"Nothing imported: {summary or 'no rows'}.")
    if result.imported == 0 and result.errors:
        sys.exit(1)


def _command(kind: str) -> click.Command:
    @click.command(kind, help=f"Import {kind} from a CSV or XLSX file, columns matched by header.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check and report every row; save nothing.")
    @click.option(
        "--on-duplicate",
        type=click.Choice(services.ON_DUPLICATE),
        default=services.SKIP,
        show_default=True,
        help="What to do with rows matching a record already in Outreach.",
    )
    def command(file: Path, dry_run: bool, on_duplicate: str) -> None:
        _run(kind, file, dry_run, on_duplicate)

    return command


import_group.add_command(_command(CONTACTS))
import_group.add_command(_command(ORGANISATIONS))
