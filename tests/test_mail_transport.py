"""How the mailer talks to an SMTP server."""

from __future__ import annotations

from flask import Flask

from .helpers import Mailbox, SmtpServer, sign


def test_the_mailer_greets_with_the_sites_own_name(
    app: Flask, smtp_server: SmtpServer, mailbox: Mailbox
) -> None:
    """EHLO carries the base URL's host, so no connection waits on a name look-up."""
    smtp_server.greetings.clear()
    sign(app.test_client())
    assert len(mailbox.wait_for(1)) == 1
    assert smtp_server.greetings == ["endorse.test"]
