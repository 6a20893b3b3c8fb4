"""``flask endorse export --json`` and ``flask endorse import``: back up, restore or move databases.

The logic lives in :mod:`endorse.backup`; these commands only open files and print summaries.
"""

from __future__ import annotations

from typing import IO

import click
from flask.cli import with_appcontext

from .. import backup


@click.command("export")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Write every table as one JSON document (the only format so far).",
)
@click.option(
    "--output",
    "-o",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write; '-' is standard output.",
)
@with_appcontext
def export_backup(as_json: bool, output: str) -> None:
    """Back up the whole database, to restore it or move it with `flask endorse import`."""
    if not as_json:
        raise click.UsageError("say which format: --json")
    try:
        # Atomic: a failed export leaves no half-written backup that looks complete.
        with click.open_file(output, "w", encoding="utf-8", atomic=output != "-") as out:
            written = backup.export_json(out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    where = "" if output == "-" else f" to {output}"
    click.echo(f"exported {sum(written.values())} rows of {len(written)} tables{where}", err=True)


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--replace",
    is_flag=True,
    help="Delete everything in this database first (it must otherwise be empty).",
)
@with_appcontext
def import_backup(file: IO[bytes], replace: bool) -> None:
    """Load a backup made by `flask endorse export --json`, in one transaction."""
    try:
        document = backup.load(file)
        imported = backup.import_backup(document, replace=replace)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for name, count in imported.items():
        click.echo(f"{name}: {count}")
    click.echo(
        f"imported {sum(imported.values())} rows into {len(imported)} tables "
        f"(backup made {document.exported_at})"
    )


COMMANDS = [export_backup, import_backup]
