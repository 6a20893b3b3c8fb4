"""Delivering the outbox from the command line: once, or as a worker that runs until stopped.

Each round first answers the requests for links (``mail.links``), whose mails then go out
with the rest."""

from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..mail import links, outbox


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Answer the requests for links, then deliver the mails that are due, once."""
    links.answer()
    report = outbox.deliver()
    click.echo(
        f"sent {len(report.sent)}, to retry {len(report.failed)}, "
        f"given up {len(report.given_up)}, pending {outbox.pending_count()}"
    )


@click.command("mail-worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def mail_worker(interval: float) -> None:
    """Answer requests for links and deliver mail as it becomes due, until stopped (SIGTERM
    or Ctrl-C)."""
    stopping = False

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo("mail worker started")
    while not stopping:
        answered = links.answer()
        report = outbox.deliver()
        db.session.remove()
        if answered or report.sent or report.failed or report.given_up:
            click.echo(
                f"sent {len(report.sent)}, to retry {len(report.failed)}, "
                f"given up {len(report.given_up)}"
            )
        else:
            time.sleep(interval)
    click.echo("mail worker stopped")


COMMANDS = [send_mail, mail_worker]
