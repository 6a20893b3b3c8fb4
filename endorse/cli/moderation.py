"""Moderation from the command line: accounts, the list of endorsements with their hints, and
decisions. Each command calls the operation or query the console calls."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from .. import operations
from ..audit import SYSTEM, Actor
from ..errors import DomainError
from ..models import Endorsement, Role, State
from ..models.types import MAX_ID
from ..moderation import accounts, queries


def _actor(moderator_email: str | None) -> Actor:
    if not moderator_email:
        return SYSTEM
    user = accounts.active_by_email(moderator_email)
    if user is None:
        raise click.ClickException(f"no active moderator account {moderator_email}")
    return Actor.moderator(user.id)


#: An endorsement's number as the database can hold it.
ENDORSEMENT_ID = click.IntRange(1, MAX_ID)


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MODERATOR.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create a moderator account (the password is asked for, never passed as an argument)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create(email, password, Role(role), SYSTEM)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} {user.email}")


@click.command("list")
@click.option(
    "--state",
    type=click.Choice([s.value for s in State]),
    default=State.VERIFIED.value,
    show_default=True,
)
@with_appcontext
def list_endorsements(state: str) -> None:
    """List endorsements in a state, oldest first, with the hints the console shows."""
    listed = queries.in_state(State(state))
    for entry, hints in listed:
        click.echo(
            f"#{entry.id}  {entry.name} ({entry.category.value}, {entry.city}, "
            f"{entry.region.value})  {entry.contact_name} <{entry.contact_email}>"
        )
        for hint in _describe(hints):
            click.echo(f"    ! {hint}")
    click.echo(f"{len(listed)} {state}")


def _describe(hints: queries.Hints) -> list[str]:
    """The hints in words, one line each, as the console's hint box lists them."""

    def ids(entries: list[Endorsement]) -> str:
        return ", ".join(f"#{other.id}" for other in entries)

    lines = []
    if hints.same_name:
        lines.append(f"possible duplicate of {ids(hints.same_name)} (same name)")
    if hints.same_email_domain:
        lines.append(f"same email domain as {ids(hints.same_email_domain)}")
    if hints.same_website:
        lines.append(f"same website as {ids(hints.same_website)}")
    if hints.webmail:
        lines.append("webmail address: anyone can open one")
    if hints.domain_mismatch:
        lines.append("the email address is not on the website's domain")
    return lines


def _decide(
    decide: Callable[..., bool],
    done: str,
    endorsement_id: int,
    moderator: str | None,
    **kwargs: str,
) -> None:
    try:
        changed = decide(endorsement_id, _actor(moderator), **kwargs)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"#{endorsement_id} {done}" if changed else f"#{endorsement_id} unchanged")


@click.command("approve")
@click.argument("endorsement_id", type=ENDORSEMENT_ID)
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def approve(endorsement_id: int, moderator: str | None) -> None:
    """Publish a verified endorsement."""
    _decide(operations.approve, "approved", endorsement_id, moderator)


@click.command("reject")
@click.argument("endorsement_id", type=ENDORSEMENT_ID)
@click.option("--reason", required=True, help="Why, for the audit trail.")
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def reject(endorsement_id: int, reason: str, moderator: str | None) -> None:
    """Refuse a verified endorsement."""
    _decide(operations.reject, "rejected", endorsement_id, moderator, note=reason)


COMMANDS = [create_user, list_endorsements, approve, reject]
