"""``flask endorse ...``: moderation, mail, upkeep, backups and demo content from the command line.

Each module holds one group of commands and knows nothing of the others; this one gathers
them under ``endorse``.
"""

from __future__ import annotations

import click

from . import backup, demo, importing, mail, moderation, upkeep


@click.group("endorse")
def endorse_cli() -> None:
    """Moderate endorsements and run the mail outbox."""


for _module in (moderation, mail, upkeep, backup, importing, demo):
    for _command in _module.COMMANDS:
        endorse_cli.add_command(_command)
