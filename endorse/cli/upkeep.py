"""Upkeep from the command line or cron: the counts, the settings, the privacy purge, the audit
chain."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import audit, importing, operations, projections
from ..config import effective_config
from ..database import write_transaction
from ..moderation import lockout


@click.command("recount")
@with_appcontext
def recount() -> None:
    """Rebuild the public count and the search names from the endorsements."""
    with write_transaction():
        snapshot = projections.recount()
    click.echo(f"{snapshot.organisations} organisations")


@click.command("config")
@with_appcontext
def show_config() -> None:
    """Print the effective configuration, secrets masked."""
    for key, value in effective_config(current_app.config).items():
        click.echo(f"{key} = {value}")


@click.command("purge")
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
    forgotten = lockout.forget_stale()
    uploads = importing.forget_expired_uploads()
    click.echo(
        f"deleted {report.deleted} unconfirmed, erased contact data of {report.erased}, "
        f"erased the details of {report.details_erased} audit records, "
        f"forgot {forgotten} old counts of failed sign-ins"
        + (f" and {uploads} expired uploads of supporters" if uploads else "")
    )


@click.group("audit")
def audit_cli() -> None:
    """Check the audit trail."""


@audit_cli.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check the whole hash chain; name the first broken record, and those whose details
    (personal data) were erased."""
    result = audit.verify()
    erased = _ranges(result.erased)
    if not result.ok:
        raise click.ClickException(
            f"audit record #{result.broken_id} {result.problem}; "
            f"{result.checked} records before it are intact"
            + (f" (details erased from {len(result.erased)}: {erased})" if erased else "")
        )
    head = audit.head()
    click.echo(f"audit trail intact: {result.checked} records, head {head.hash}")
    if erased:
        click.echo(f"details erased (personal data) from {len(result.erased)} records: {erased}")


def _ranges(ids: list[int]) -> str:
    """Ids in order, runs written as ranges: "#3, #7-#9"."""
    runs: list[list[int]] = []
    for number in ids:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"#{run[0]}" if len(run) == 1 else f"#{run[0]}-#{run[-1]}" for run in runs)


COMMANDS = [recount, show_config, purge, audit_cli]
