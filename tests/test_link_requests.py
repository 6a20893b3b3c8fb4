"""Asking for a link by address: the request does the same for any address; the sender looks
the address up, mails a known one in the language of the page it was asked from, and forgets
the request either way."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

import endorse
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.mail.outbox import wait_for_work_after_responses
from endorse.models import LinkRequest, MailKind, OutboxMessage, State

from .cluster import HIGH_LIMITS, Gunicorn, WatchedGate, app_env, browser
from .helpers import CSRF, Mailbox, SmtpServer, csrf_token, make_endorsement, text_of

pytestmark = pytest.mark.real_commits

KNOWN, UNKNOWN = "known@org.example", "nobody@nowhere.example"
#: Each form, with the state a known address's endorsement must be in for it to mail a link.
FORMS = {"new-link": State.UNVERIFIED, "manage": State.APPROVED}
ENDORSE = str(Path(endorse.__file__).parent)


def _post(client: FlaskClient, path: str, email: str) -> Any:
    """Post the form, leaving the response open: what runs after it has not run yet."""
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, "contact_email": email}, buffered=False)


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    """The SQL the app sends to its database meanwhile, without the values."""
    seen: list[str] = []

    def _record(*args: Any) -> None:
        seen.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@contextmanager
def _calls() -> Iterator[list[str]]:
    """Every function of ours that runs meanwhile, in order."""
    seen: list[str] = []

    def _profile(frame: FrameType, what: str, _arg: Any) -> None:
        code = frame.f_code
        if what == "call" and code.co_filename.startswith(ENDORSE):
            seen.append(f"{code.co_filename}:{code.co_name}")

    sys.setprofile(_profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)


def _alike(
    app: Flask, client: FlaskClient, path: str, watch: Callable[[], Any]
) -> tuple[list[str], list[str]]:
    """What ``watch`` saw during the request for a known address, and for an unknown one."""
    seen = {}
    for email in (UNKNOWN, KNOWN, UNKNOWN, KNOWN):  # the first two warm every cache
        token = csrf_token(client, path)
        with watch() as seen[email]:
            response = client.post(
                path, data={"csrf_token": token, "contact_email": email}, buffered=False
            )
        assert response.status_code == 303
        response.close()
    return seen[KNOWN], seen[UNKNOWN]


@pytest.mark.parametrize("form", FORMS)
def test_a_request_runs_the_same_sql_for_a_known_and_an_unknown_address(
    app: Flask, form: str
) -> None:
    make_endorsement(app, FORMS[form], contact_email=KNOWN)
    known, unknown = _alike(app, app.test_client(), f"/en/{form}", lambda: _statements(app))
    assert known == unknown
    assert any("INSERT INTO link_requests" in statement for statement in known)
    assert not any("endorsements" in statement for statement in known)


@pytest.mark.parametrize("form", FORMS)
def test_a_request_runs_the_same_code_for_a_known_and_an_unknown_address(
    app: Flask, form: str
) -> None:
    """Same statements, and the same functions of ours: so the same time, give or take noise
    that says nothing of the address."""
    make_endorsement(app, FORMS[form], contact_email=KNOWN)
    known, unknown = _alike(app, app.test_client(), f"/en/{form}", _calls)
    assert known == unknown
    assert any(call.endswith(":request_link") for call in known)


def _waiting(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(LinkRequest.kind, LinkRequest.email, LinkRequest.language).order_by(
                LinkRequest.id
            )
        )
        return [(kind.value, email, language) for kind, email, language in rows]


def _outbox(app: Flask, kind: MailKind) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
            )
            or 0
        )


@pytest.mark.parametrize(
    ("form", "kind", "lang", "words"),
    [
        ("manage", MailKind.MANAGE, "fr", "Voici votre lien"),
        ("new-link", MailKind.CONFIRM, "nl", "bevestig"),
    ],
)
def test_after_the_response_a_known_address_gets_its_link_in_the_page_language(
    app: Flask, mailbox: Mailbox, form: str, kind: MailKind, lang: str, words: str
) -> None:
    make_endorsement(app, FORMS[form], contact_email=KNOWN, language="en")
    mailbox.clear()
    client = app.test_client()
    for email in (UNKNOWN, KNOWN, UNKNOWN):
        response = _post(client, f"/{lang}/{form}", email)
        assert response.status_code == 303
        if email == KNOWN:
            assert mailbox.messages == []  # nothing before the response has gone out
        response.close()
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == KNOWN
    assert words.lower() in (text_of(mail) + mail["Subject"]).lower()
    assert f"http://endorse.test/{lang}/" in text_of(mail)
    assert wait_for_work_after_responses(timeout=30)  # each in a thread of its own
    assert _waiting(app) == []  # no address kept, known or not
    assert _outbox(app, kind) == (2 if kind == MailKind.CONFIRM else 1)  # and the sign-up's


def test_with_sending_left_to_the_worker_the_requests_wait_then_are_answered(
    app_factory: Any, mailbox: Mailbox
) -> None:
    app = app_factory(MAIL_SEND_AFTER_RESPONSE=False, MAILS_PER_KIND=2)
    make_endorsement(app, State.APPROVED, contact_email=KNOWN, language="nl")
    runner = app.test_cli_runner()
    runner.invoke(args=["endorse", "send-mail"])  # the confirmation mail of the sign-up
    mailbox.clear()
    client = app.test_client()
    for email in (KNOWN, UNKNOWN, KNOWN, KNOWN):
        response = _post(client, "/fr/manage", email)
        assert response.status_code == 303
        response.close()
    # The request recorded the same for every address, and looked nothing up.
    assert (
        _waiting(app)
        == [("manage", KNOWN, "fr"), ("manage", UNKNOWN, "fr")] + [("manage", KNOWN, "fr")] * 2
    )
    assert _outbox(app, MailKind.MANAGE) == 0

    result = runner.invoke(args=["endorse", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    mails = mailbox.wait_for(2)
    assert [mail["To"] for mail in mails] == [KNOWN, KNOWN]  # capped at MAILS_PER_KIND
    assert "/fr/manage/" in text_of(mails[0])
    assert _waiting(app) == []
    assert _outbox(app, MailKind.MANAGE) == 2
    assert runner.invoke(args=["endorse", "send-mail"]).output.startswith("sent 0")
    assert len(mailbox.messages) == 2


def test_a_request_that_cannot_be_answered_is_dropped_alone(
    app_factory: Any, mailbox: Mailbox
) -> None:
    """A row no sender knows how to answer (written by another version, say) must not stop
    the requests behind it, nor stay."""
    app = app_factory(MAIL_SEND_AFTER_RESPONSE=False)
    make_endorsement(app, State.APPROVED, contact_email=KNOWN)
    runner = app.test_cli_runner()
    runner.invoke(args=["endorse", "send-mail"])  # the confirmation mail of the sign-up
    mailbox.clear()
    with app.app_context(), write_transaction() as session:
        session.add(LinkRequest(kind=MailKind.INVITE, email=KNOWN, language="en"))
    response = _post(app.test_client(), "/nl/manage", KNOWN)
    response.close()
    result = runner.invoke(args=["endorse", "send-mail"])
    assert result.exit_code == 0, result.output
    [mail] = mailbox.wait_for(1)
    assert "/nl/manage/" in text_of(mail)
    assert _waiting(app) == []


def _post_until_closed(base_url: str, path: str, email: str) -> bytes:
    """Post the form over a connection of its own and read until the server closes it: what a
    client timing the request sees. Raises TimeoutError if it stays open 10 seconds."""
    visitor = browser()
    page = visitor.get(f"{base_url}{path}", timeout=30)
    found = CSRF.search(page.text)
    assert page.status_code == 200, page.status_code
    assert found, "no CSRF token on the form"
    body = f"csrf_token={found.group(1)}&contact_email={email}".replace("@", "%40").encode()
    cookies = "; ".join(f"{name}={value}" for name, value in visitor.cookies.items())
    port = int(base_url.rsplit(":", 1)[1])
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\n\r\n"
    )
    reply = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.encode() + body)
        while chunk := connection.recv(65536):
            reply += chunk
    return reply


@pytest.mark.system
def test_the_connection_ends_before_the_address_is_looked_up(
    app_factory: Any, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    """gunicorn, as deployed, sending after the response (the default): a known address's
    request ends while its mail still waits at a slow SMTP server, as an unknown one's does,
    so how long a request takes says nothing of the address."""
    app = app_factory()
    make_endorsement(app, State.APPROVED, contact_email=KNOWN)
    gate = WatchedGate()
    smtp_server.gate = gate
    try:
        env = app_env(database_url, tmp_path / "instance", MAIL_URL=smtp_server.url, **HIGH_LIMITS)
        with Gunicorn("gunicorn", env, tmp_path / "logs", workers=1) as server:
            server.wait_healthy()
            mailbox.clear()
            for email in (UNKNOWN, KNOWN, UNKNOWN):
                try:
                    reply = _post_until_closed(server.url, "/fr/manage", email)
                except TimeoutError:
                    pytest.fail(f"the request for {email} held its connection open")
                assert reply.startswith(b"HTTP/1.1 303"), reply[:200]
            assert gate.entered.wait(30), "the known address's mail never reached SMTP"
            assert mailbox.messages == []  # the connections ended before it was sent
            gate.set()
            [mail] = mailbox.wait_for(1)
    finally:
        smtp_server.gate = None
        gate.set()
    assert mail["To"] == KNOWN
    assert "/fr/manage/" in text_of(mail)
    assert _waiting(app) == []
