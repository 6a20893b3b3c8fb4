"""``flask endorse ...``: moderation and upkeep from the command line."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from . import accounts, audit, counts, demo, operations, ops, search_index
from .database import write_transaction
from .errors import DomainError
from .extensions import db
from .mail import outbox
from .models import Endorsement, Role, State, User


@click.group("endorse")
def endorse_cli() -> None:
    """Moderate endorsements and run the mail outbox."""


def _actor(moderator_email: str | None) -> audit.Actor:
    if not moderator_email:
        return audit.SYSTEM
    user = db.session.scalar(select(User).where(User.email == moderator_email.lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active moderator account {moderator_email}")
    return audit.Actor.moderator(user.id)


@endorse_cli.command("create-user")
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
        user = accounts.create(email, password, Role(role), audit.SYSTEM)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} {user.email}")


@endorse_cli.command("list")
@click.option(
    "--state",
    type=click.Choice([s.value for s in State]),
    default=State.VERIFIED.value,
    show_default=True,
)
@with_appcontext
def list_endorsements(state: str) -> None:
    """List endorsements in a state, oldest first, with duplicate hints."""
    entries = db.session.scalars(
        select(Endorsement).where(Endorsement.state == State(state)).order_by(Endorsement.id)
    ).all()
    for entry in entries:
        duplicate = entry.duplicate_of_id
        hint = f"  [possible duplicate of #{duplicate}]" if duplicate else ""
        click.echo(
            f"#{entry.id}  {entry.name} ({entry.category.value}, {entry.city}, "
            f"{entry.region.value})  {entry.contact_name} <{entry.contact_email}>{hint}"
        )
    click.echo(f"{len(entries)} {state}")


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


@endorse_cli.command("approve")
@click.argument("endorsement_id", type=int)
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def approve(endorsement_id: int, moderator: str | None) -> None:
    """Publish a verified endorsement."""
    _decide(operations.approve, "approved", endorsement_id, moderator)


@endorse_cli.command("reject")
@click.argument("endorsement_id", type=int)
@click.option("--reason", required=True, help="Why, for the audit trail.")
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def reject(endorsement_id: int, reason: str, moderator: str | None) -> None:
    """Refuse a verified endorsement."""
    _decide(operations.reject, "rejected", endorsement_id, moderator, note=reason)


@endorse_cli.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Deliver the mails that are due, once."""
    report = outbox.deliver()
    click.echo(
        f"sent {len(report.sent)}, to retry {len(report.failed)}, "
        f"given up {len(report.given_up)}, pending {outbox.pending_count()}"
    )


@endorse_cli.command("mail-worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def mail_worker(interval: float) -> None:
    """Deliver mail as it becomes due, until stopped (SIGTERM or Ctrl-C)."""
    stopping = False

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo("mail worker started")
    while not stopping:
        report = outbox.deliver()
        db.session.remove()
        if report.sent or report.failed or report.given_up:
            click.echo(
                f"sent {len(report.sent)}, to retry {len(report.failed)}, "
                f"given up {len(report.given_up)}"
            )
        else:
            time.sleep(interval)
    click.echo("mail worker stopped")


@endorse_cli.command("recount")
@with_appcontext
def recount() -> None:
    """Rebuild the public count and the search names from the endorsements."""
    with write_transaction():
        snapshot = counts.recount()
        search_index.rebuild()
    click.echo(f"{snapshot.organisations} organisations")


@endorse_cli.command("config")
@with_appcontext
def show_config() -> None:
    """Print the effective configuration, secrets masked."""
    for key, value in ops.effective_config(current_app.config).items():
        click.echo(f"{key} = {value}")


@endorse_cli.command("purge")
@click.option(
    "--unverified-days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete unconfirmed signatures older than this (default: configured).",
)
@click.option(
    "--closed-days",
    type=click.IntRange(min=1),
    default=None,
    help="Erase contact data of rejected or withdrawn ones closed longer than this.",
)
@with_appcontext
def purge(unverified_days: int | None, closed_days: int | None) -> None:
    """Remove personal data we no longer need; the audit trail stays."""
    cfg = current_app.config
    report = operations.purge(
        unverified_days or cfg["PURGE_UNVERIFIED_DAYS"], closed_days or cfg["PURGE_CLOSED_DAYS"]
    )
    click.echo(f"deleted {report.deleted} unconfirmed, erased contact data of {report.erased}")


@endorse_cli.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load demo supporters (once) and print a moderator login with a fresh password."""
    added = demo.load_supporters()
    email, password = demo.reset_moderator()
    click.echo(f"Demo supporters added: {added}")
    click.echo(f"Moderator login: {email} / {password}")


@endorse_cli.group("audit")
def audit_cli() -> None:
    """Check the audit trail."""


@audit_cli.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check the whole hash chain; name the first broken record."""
    result = audit.verify()
    if not result.ok:
        raise click.ClickException(
            f"audit record #{result.broken_id} {result.problem}; "
            f"{result.checked} records before it are intact"
        )
    head = audit.head()
    click.echo(f"audit trail intact: {result.checked} records, head {head.hash}")


from . import cli_backup  # noqa: E402,F401  (registers export/import)
