"""The `flask --app outreach …` commands: seed, users, import."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask

from outreach.audit.services import acting_as
from outreach.auth import services as accounts
from outreach.auth.models import Role
from outreach.reference.services import seed


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("seed")
def seed_command() -> None:
    """Load or refresh the treaty data, thematic areas and key organisations (idempotent)."""
    with acting_as("command: seed"):
        report = seed()
    click.echo(
        f"States: {len(report.created)} created, {len(report.updated)} updated; "
        f"thematic areas: {report.areas_created} created; "
        f"organisations: {report.organisations_created} created; "
        f"obligations: {report.obligations_created} created; "
        f"meetings: {report.meetings_created} created."
    )
    for iso3, fields in sorted(report.updated.items()):
        click.echo(f"  {iso3}: {', '.join(fields)}")
    if not report.changed:
        click.echo("Nothing to change.")


users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="The person's name.")
@click.option("--area", "areas", multiple=True, help="A thematic area slug (coordinators).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    email: str, role: str, name: str, areas: tuple[str, ...], password_stdin: bool
) -> None:
    """Create an account; without --password-stdin a random password is printed once."""
    password = (
        sys.stdin.readline().rstrip("\r\n") if password_stdin else accounts.generate_password()
    )
    with acting_as("command: users create"):
        try:
            user = accounts.create_user(email, role, password, name=name, area_slugs=areas)
        except accounts.AccountError as error:
            _fail(str(error))
            return
    click.echo(f"Created {user.role.value} {user.email}.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@users.command("list")
def users_list() -> None:
    """List every account with its role, areas and state."""
    for user in accounts.list_users():
        areas = ",".join(a.slug for a in user.areas) or "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role.value}\t{state}\t{areas}\t{user.name}")


@users.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account and end its sessions and API tokens."""
    with acting_as("command: users disable"):
        try:
            user = accounts.disable_user(email)
        except accounts.AccountError as error:
            _fail(str(error))
            return
    click.echo(f"Disabled {user.email}; its sessions and tokens no longer work.")


@users.command("password")
@click.argument("email")
def users_password(email: str) -> None:
    """Set a new password read from standard input; ends every session of the user."""
    password = sys.stdin.readline().rstrip("\r\n")
    with acting_as("command: users password"):
        try:
            user = accounts.set_password(email, password)
        except accounts.AccountError as error:
            _fail(str(error))
            return
    click.echo(f"Password of {user.email} changed; its sessions were ended.")


@users.command("token")
@click.argument("email")
def users_token(email: str) -> None:
    """Print a new personal API token (only its hash is stored)."""
    with acting_as("command: users token"):
        try:
            token = accounts.issue_api_token(email)
        except accounts.AccountError as error:
            _fail(str(error))
            return
    click.echo(token)


@users.command("ensure-admin")
@click.option(
    "--email", default=lambda: os.environ.get("OUTREACH_ADMIN_EMAIL", "admin@isu.example")
)
def users_ensure_admin(email: str) -> None:
    """On a database without users, create an administrator and print its password once."""
    if accounts.list_users():
        return
    password = accounts.generate_password()
    with acting_as("command: users ensure-admin"):
        try:
            user = accounts.create_user(email, Role.ADMIN, password, name="Administrator")
        except accounts.AccountError as error:
            _fail(f"{error} (OUTREACH_ADMIN_EMAIL or --email: {email!r})")
            return
    click.echo("")
    click.echo("  An administrator account was created. Sign in at /login with:")
    click.echo(f"    email:    {user.email}")
    click.echo(f"    password: {password}")
    click.echo("  This password is shown only once. Change it on the Account page.")
    click.echo("")


def init_commands(app: Flask) -> None:
    """Register the commands."""
    from outreach.imports.cli import import_group
    from outreach.mail.cli import mail_group

    app.cli.add_command(seed_command)
    app.cli.add_command(users)
    app.cli.add_command(import_group)
    app.cli.add_command(mail_group)
