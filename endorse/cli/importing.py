"""``flask endorse import-supporters``: the organisations that signed before the site existed.

The logic lives in :mod:`endorse.importing`; this prints its report. Problems are named in
the language of the terminal (``LANG``) when it is French or Dutch, else in English.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from .. import importing
from ..config import LANGUAGES
from ..errors import DomainError
from ..models.imports import CONSENT_NOTE_MAX
from .moderation import _actor


def _locale() -> str:
    language = (os.environ.get("LC_ALL") or os.environ.get("LANG") or "en")[:2].lower()
    return language if language in LANGUAGES else "en"


def describe(report: importing.Plan) -> list[str]:
    """The report, one line per problem or skipped row, then the totals."""
    lines = []
    for problem in report.problems:
        where = f"line {problem.line}" if problem.line else "file"
        column = f", {problem.column}" if problem.column else ""
        lines.append(f"{where}{column}: {problem.message}")
    for row in report.duplicates:
        if row.same_as is not None:
            same = f"#{row.same_as.endorsement_id} ({row.same_as.state.value})"
        else:
            same = f"line {row.same_as_line}"
        lines.append(f"line {row.line}: already on record as {same}, skipped")
    if report.imported_before:
        numbers = ", ".join(f"#{number}" for number in report.imported_before)
        lines.append(f"this file was imported before (import {numbers})")
    lines.append(
        f"{len(report.rows)} rows: {len(report.to_import)} to import, "
        f"{len(report.duplicates)} already on record, {len(report.problems)} problems"
    )
    return lines


@click.command("import-supporters")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and print the report; change nothing."
)
@click.option(
    "--claim-mails",
    is_flag=True,
    help="Mail each contact with an address once: listed, with a link to check it.",
)
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    help="The language of rows whose language column is empty (required if any is).",
)
@click.option(
    "--consent-note",
    help="How these organisations gave their consent, kept with each entry.",
)
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def import_supporters(
    file: Path,
    dry_run: bool,
    claim_mails: bool,
    language: str | None,
    consent_note: str | None,
    moderator: str | None,
) -> None:
    """Import a CSV file of organisations that signed before the site: all rows or none."""
    if consent_note and len(consent_note) > CONSENT_NOTE_MAX:
        raise click.BadParameter(
            f"at most {CONSENT_NOTE_MAX} characters", param_hint="--consent-note"
        )
    actor = _actor(moderator)
    content = file.read_bytes()
    options = importing.Options(language, consent_note, claim_mails)
    with force_locale(_locale()):
        if dry_run:
            report = importing.plan(content, file.name, options)
            outcome = importing.Outcome(report)
        else:
            outcome = importing.run(content, file.name, options, actor)
        for line in describe(outcome.plan):
            click.echo(line)
    if not outcome.plan.ok:
        raise click.ClickException("nothing imported: correct the file and try again")
    if dry_run:
        click.echo("dry run: nothing changed")
        return
    if outcome.import_id is None:
        click.echo("nothing to import: every organisation is already on record")
        return
    click.echo(f"import #{outcome.import_id}: {outcome.imported} organisations published")
    if claim_mails:
        click.echo(
            f"{outcome.mails} mails queued: `flask endorse send-mail` or the mail worker sends them"
        )


@click.command("undo-import")
@click.argument("import_id", type=click.IntRange(min=1))
@click.option("--moderator", help="Your account's email, for the audit trail.")
@with_appcontext
def undo_import(import_id: int, moderator: str | None) -> None:
    """Withdraw every entry of an import and erase their personal data."""
    try:
        withdrawn = importing.undo(import_id, _actor(moderator))
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"import #{import_id} undone: {withdrawn} entries withdrawn, their contacts erased")


COMMANDS = [import_supporters, undo_import]
