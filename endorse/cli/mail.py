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
from ..moderation import digest as moderators_digest

#: Seconds between the worker's looks at whether a digest is due (it is, once a day).
DIGEST_EVERY = 60.0


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
    next_digest = 0.0
    while not stopping:
        if time.monotonic() >= next_digest:
            next_digest = time.monotonic() + DIGEST_EVERY
            _queue_digests()
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


def _queue_digests() -> list[int]:
    """Queue the moderators' digests that are due; a failure waits for the next try."""
    try:
        return moderators_digest.send_due()
    except Exception as exc:  # the mail must keep flowing whatever the digest does
        click.echo(f"digest not queued: {type(exc).__name__}: {exc}", err=True)
        db.session.rollback()
        return []


@click.command("digest")
@with_appcontext
def digest() -> None:
    """Mail today's digest to each moderator due one (for cron; the mail worker does it too)."""
    ids = moderators_digest.send_due()
    report = outbox.deliver(ids) if ids else outbox.Report()
    click.echo(f"digests queued {len(ids)}, sent {len(report.sent)}")


COMMANDS = [send_mail, mail_worker, digest]
