"""Where mail goes: an SMTP server, or the console and a folder for local development."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

Send = Callable[[EmailMessage], object]  # what it returns (SMTP's refusals) goes unused


@contextmanager
def open_sender() -> Iterator[Send]:
    """A ``send`` function for the configured ENDORSE_MAIL_URL, its connection opened once."""
    url = urlsplit(current_app.config["MAIL_URL"])
    if url.scheme == "console":
        yield _console_sender(Path(current_app.instance_path) / "mail")
        return
    timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
    # Our name in EHLO, from the base URL: without it smtplib asks socket.getfqdn(), which
    # can stall for seconds where the host's own name is not in /etc/hosts.
    helo = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    with _smtp_connection(url.scheme, url.hostname or "localhost", url.port, timeout, helo) as smtp:
        query = parse_qs(url.query)
        if url.scheme == "smtp" and query.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            smtp.starttls(context=ssl.create_default_context())
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        yield smtp.send_message


@contextmanager
def _smtp_connection(
    scheme: str, host: str, port: int | None, timeout: int, helo: str
) -> Iterator[smtplib.SMTP]:
    if scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host,
            port or 465,
            local_hostname=helo,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(host, port or 25, local_hostname=helo, timeout=timeout)
    # SMTP is a dialogue of small writes: without this, Nagle's algorithm holds each command
    # back until the previous one is acknowledged (a third fewer mails a second on loopback).
    if smtp.sock is not None:
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _console_sender(folder: Path) -> Send:
    def send(message: EmailMessage) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        path = folder / f"{name}.eml"
        path.write_bytes(bytes(message))
        text = message.get_body(("plain",))
        current_app.logger.info(
            "Mail to %s: %s\n%s\n(saved as %s)",
            message["To"],
            message["Subject"],
            text.get_content() if text else "",
            path,
        )

    return send
