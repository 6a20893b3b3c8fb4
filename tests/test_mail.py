"""The outbox: nothing lost when SMTP is down, retries with backoff, no double sends."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from endorse.extensions import db
from endorse.mail import messages, outbox
from endorse.models import Endorsement, MailKind, MailStatus, OutboxMessage, RejectReason, State
from endorse.models.types import utcnow

from .helpers import (
    Mailbox,
    SmtpServer,
    free_port,
    html_of,
    link_in,
    make_endorsement,
    sign,
    text_of,
)

ROOT = Path(__file__).resolve().parent.parent


def _messages(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_smtp_down_keeps_the_signature_and_the_mail_until_it_is_back(
    app_factory: Any, time_machine: Any
) -> None:
    port = free_port()
    app = app_factory(MAIL_URL=f"smtp://127.0.0.1:{port}", MAIL_BACKOFF_SECONDS=1)
    client = app.test_client()

    assert sign(client).status_code == 303
    [message] = _messages(app)
    assert message.status == MailStatus.PENDING
    assert message.attempts == 1
    assert message.last_error is not None
    assert message.last_error.startswith("ConnectionRefusedError: "), message.last_error
    assert message.next_attempt_at > utcnow()
    with app.app_context():
        assert db.session.scalar(select(Endorsement.name)) == "Kinderrechtencoalitie Vlaanderen vzw"

    server = SmtpServer(port)
    server.start()
    try:
        time_machine.move_to(message.next_attempt_at + timedelta(seconds=1))  # the retry is due
        result = app.test_cli_runner().invoke(args=["endorse", "send-mail"])
        assert "sent 1" in result.output, result.output
        [mail] = server.mailbox.wait_for(1)
        assert link_in(mail)
        again = app.test_cli_runner().invoke(args=["endorse", "send-mail"])
        assert "sent 0" in again.output
        assert len(server.mailbox.messages) == 1  # sending is over when send-mail returns
    finally:
        server.stop()
    [message] = _messages(app)
    assert message.status == MailStatus.SENT
    assert message.sent_at is not None


def test_retries_back_off_exponentially_then_give_up(app_factory: Any) -> None:
    app = app_factory(
        MAIL_URL=f"smtp://127.0.0.1:{free_port()}", MAIL_BACKOFF_SECONDS=60, MAIL_MAX_ATTEMPTS=3
    )
    sign(app.test_client())
    delays = []
    for _ in range(2):
        [message] = _messages(app)
        delays.append((message.next_attempt_at - utcnow()).total_seconds())
        with app.app_context():
            row = db.session.get(OutboxMessage, message.id)
            assert row is not None
            row.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
            db.session.commit()
            outbox.deliver()
    [message] = _messages(app)
    assert 50 < delays[0] <= 60
    assert 110 < delays[1] <= 120
    assert message.status == MailStatus.FAILED
    assert message.attempts == 3


def test_a_mail_claimed_by_a_sender_that_died_is_sent_after_its_lease(
    app_factory: Any, mailbox: Mailbox, time_machine: Any
) -> None:
    app = app_factory(MAIL_LEASE_SECONDS=300, MAIL_URL="console:")
    sign(app.test_client())  # the console sender delivers it after the response
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        row.status, row.sent_at = MailStatus.PENDING, None
        message_id = row.id
        db.session.commit()
        # A sender claims it, then dies before sending.
        claimed = outbox._claim(None, 10)
        assert [c.id for c in claimed] == [message_id]
        assert outbox.deliver().sent == []  # still leased to the dead sender
    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=301))  # the lease runs out
    with app.app_context():
        assert outbox.deliver().sent == [message_id]


@pytest.mark.system  # a real threaded server
@pytest.mark.real_commits
def test_the_response_does_not_wait_for_a_slow_smtp_server(
    live_server: Any, smtp_server: SmtpServer, mailbox: Mailbox
) -> None:
    import requests

    gate = threading.Event()
    smtp_server.gate = gate
    try:
        session = requests.Session()
        page = session.get(f"{live_server.url}/en/sign", timeout=10)
        token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        from .helpers import VALID_SIGNATURE

        response = session.post(
            f"{live_server.url}/en/sign",
            data={"csrf_token": token, **VALID_SIGNATURE},
            allow_redirects=False,
            timeout=10,
        )
        # The SMTP server is holding the mail, yet the signer already has the answer.
        assert response.status_code == 303
        assert mailbox.messages == []
    finally:
        gate.set()
        smtp_server.gate = None
    assert len(mailbox.wait_for(1)) == 1


def test_mails_have_text_and_html_and_are_in_the_signers_language(
    client: Any, mailbox: Mailbox
) -> None:
    sign(client, lang="fr")
    [mail] = mailbox.wait_for(1)
    assert mail["From"] == "Campaign <campaign@endorse.test>"
    assert mail["Message-ID"].startswith("<endorse-")
    assert link_in(mail) in html_of(mail)
    assert "Kinderrechtencoalitie" in text_of(mail)
    assert "/fr/confirm/" in text_of(mail)


def test_the_console_mailer_logs_and_keeps_a_copy(
    app_factory: Any, caplog: Any, tmp_path: Path
) -> None:
    app = app_factory(MAIL_URL="console:")
    with caplog.at_level("INFO"):
        sign(app.test_client())
    copies = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert len(copies) == 1
    assert b"/en/confirm/" in copies[0].read_bytes().replace(b"=\n", b"")
    assert any("Mail to ann@kinderrechten.example" in r.getMessage() for r in caplog.records)


@pytest.mark.system  # a worker process
@pytest.mark.real_commits
def test_the_mail_worker_process_delivers_and_stops_cleanly(
    app: Flask, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    # Queue a mail that the request could not send (SMTP was down at the time).
    down = dict(app.config)
    with app.app_context():
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
        sign(app.test_client())
        app.config["MAIL_URL"] = down["MAIL_URL"]
        row = db.session.scalars(select(OutboxMessage)).one()
        row.next_attempt_at = utcnow()
        db.session.commit()
    env = {
        **os.environ,
        "ENDORSE_DATABASE_URL": database_url,
        "ENDORSE_MAIL_URL": smtp_server.url,
        "ENDORSE_INSTANCE_PATH": str(tmp_path),
        "ENDORSE_SECRET_KEY": "test-secret-key-that-is-long-enough",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "endorse",
            "mail-worker",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        mailbox.wait_for(1, timeout=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "mail worker stopped" in output
    assert _messages(app)[0].status == MailStatus.SENT


# A server that refuses: one recipient for good, or the first try of a mail for now.


class _Refusing:
    """An aiosmtpd handler that refuses the ``refused`` addresses at RCPT (550) and answers
    the first ``temporary_failures`` mails at DATA with a 451; it keeps every mail offered."""

    def __init__(self) -> None:
        self.refused: set[str] = set()
        self.refusal = "550 5.1.1 No such mailbox here"
        self.temporary_failures = 0
        self.offered: list[EmailMessage] = []
        self.mailbox = Mailbox()

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.offered.append(message)  # type: ignore[arg-type]
        if self.temporary_failures:
            self.temporary_failures -= 1
            return "451 4.3.0 Try again later"
        self.mailbox.add(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing(app: Flask) -> Iterator[_Refusing]:
    """The app's mail goes to a refusing server on loopback, for this test."""
    handler = _Refusing()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    yield handler
    controller.stop()


def _outbox_by_recipient(app: Flask) -> dict[str, OutboxMessage]:
    return {message.recipient: message for message in _messages(app)}


def test_a_refused_recipient_does_not_send_the_rest_of_its_batch_again(
    app: Flask, refusing: _Refusing, time_machine: Any
) -> None:
    time_machine.move_to(utcnow(), tick=False)
    refusing.refused = {"refused@org.example"}
    for address in ("first@org.example", "refused@org.example", "last@org.example"):
        make_endorsement(app, contact_email=address, name=f"Organisation of {address}")
    queued = _outbox_by_recipient(app)
    assert [m.status for m in queued.values()] == [MailStatus.PENDING] * 3

    with app.app_context():
        report = outbox.deliver()
    ids = {address: message.id for address, message in queued.items()}
    assert sorted(report.sent) == sorted([ids["first@org.example"], ids["last@org.example"]])
    assert report.failed == [ids["refused@org.example"]]
    after = _outbox_by_recipient(app)
    assert after["first@org.example"].status == MailStatus.SENT
    assert after["last@org.example"].status == MailStatus.SENT
    assert after["refused@org.example"].status == MailStatus.PENDING
    assert "550" in (after["refused@org.example"].last_error or "")

    time_machine.shift(timedelta(seconds=app.config["MAIL_BACKOFF_SECONDS"] + 1))
    with app.app_context():
        again = outbox.deliver()
    assert (again.sent, again.failed) == ([], [ids["refused@org.example"]])
    received = sorted(str(m["To"]) for m in refusing.mailbox.messages)
    assert received == ["first@org.example", "last@org.example"]  # each once


def test_a_retried_mail_keeps_its_message_id(
    app: Flask, refusing: _Refusing, time_machine: Any
) -> None:
    time_machine.move_to(utcnow(), tick=False)
    refusing.temporary_failures = 1
    make_endorsement(app, contact_email="retry@org.example")
    with app.app_context():
        assert len(outbox.deliver().failed) == 1
    assert refusing.mailbox.messages == []
    time_machine.shift(timedelta(seconds=app.config["MAIL_BACKOFF_SECONDS"] + 1))
    with app.app_context():
        assert len(outbox.deliver().sent) == 1
    first_try, second_try = refusing.offered
    assert first_try["Message-ID"] == second_try["Message-ID"]
    assert first_try["Message-ID"].startswith("<endorse-")
    [delivered] = refusing.mailbox.messages
    assert delivered["Message-ID"] == first_try["Message-ID"]
    [message] = _messages(app)
    assert (message.status, message.attempts) == (MailStatus.SENT, 2)


#: A web address, a domain-like word or an email address, as a mail program would link them.
ADDRESS = re.compile(r"[\w-]+://\S+|\S+@[\w-]+(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
HREF = re.compile(r"""href=["']([^"']*)["']""")


def test_mails_carry_no_link_but_our_own(app: Flask) -> None:
    """A name from before the sign form refused addresses (or a moderator's edit) still
    reaches mails: there, every address in it is defused."""
    entry_id = make_endorsement(
        app,
        State.VERIFIED,
        name="Free money at evil.example or ｅｖｉｌ．ｅｘａｍｐｌｅ",
        contact_name="Ann, mail ann@evil.example or see http://evil.example/x",
        contact_email="ann@payload.example",
    )
    with app.app_context():
        entry = db.session.get_one(Endorsement, entry_id)
        drafts = [
            messages.confirmation(entry),
            messages.already_confirmed(entry),
            messages.rejected(entry, RejectReason.SPAM, None),
            messages.manage(entry),
            messages.correction_accepted(entry),
            messages.correction_refused(entry),
        ]
    ours = "write-to-us@endorse.test"  # the campaign's contact address, in every HTML footer
    for draft in drafts:
        for body in (draft.text, draft.html.replace(f'href="mailto:{ours}"', "")):
            body = body.replace(f">{ours}<", "><")
            found = [a for a in ADDRESS.findall(body) if not a.startswith("http://endorse.test/")]
            assert found == [], body
            assert "evil[.]example" in body
        hrefs = HREF.findall(draft.html)
        assert f"mailto:{ours}" in hrefs
        assert all(h.startswith("http://endorse.test/") for h in hrefs if h != f"mailto:{ours}")


#: The header names as RFC 5322 and RFC 3834 spell them, the way every mail writes them.
HEADERS = ("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted")


def test_every_mail_carries_the_headers_inboxes_expect(client: Any, mailbox: Mailbox) -> None:
    before = utcnow()
    sign(client)
    [mail] = mailbox.wait_for(1)
    assert [name for name in mail if name.lower() in {h.lower() for h in HEADERS}] == [*HEADERS]
    assert mail["Auto-Submitted"] == "auto-generated"  # out-of-office replies stay away
    sent = parsedate_to_datetime(mail["Date"])
    assert before - timedelta(seconds=1) <= sent <= utcnow() + timedelta(seconds=1)
    assert mail["Message-ID"].endswith("@endorse.test>")  # the sender's domain
    html = mail.get_body(("html",))
    assert html is not None
    assert str(html["Content-Type"]).startswith("text/html;")


@pytest.mark.parametrize(
    ("sender", "domain"),
    [
        ('Campaign <"news@desk"@campaign.example>', "campaign.example"),
        ("Campaign <>", "localhost"),  # a sender with no address still gets a valid id
    ],
)
def test_the_message_id_names_the_senders_domain(
    app_factory: Any, sender: str, domain: str
) -> None:
    app = app_factory(MAIL_URL="console:", MAIL_FROM=sender)
    sign(app.test_client())
    [copy] = (Path(app.instance_path) / "mail").glob("*.eml")
    mail = message_from_bytes(copy.read_bytes(), policy=policy.default)
    assert re.fullmatch(rf"<endorse-\d+-\d+@{re.escape(domain)}>", mail["Message-ID"])


def test_the_cap_on_mails_counts_each_endorsement_apart(app_factory: Any) -> None:
    """One mail of a kind allowed: the first goes, the second is capped, and another
    organisation's first still goes."""
    app = app_factory(MAILS_PER_KIND=1)
    first = make_endorsement(app, contact_email="one@org.example")
    with app.app_context():
        entry = db.session.get_one(Endorsement, first)
        assert outbox.enqueue_for(entry, MailKind.MANAGE, messages.manage(entry, "en")) is not None
        assert outbox.enqueue_for(entry, MailKind.MANAGE, messages.manage(entry, "en")) is None
        db.session.commit()
    second = make_endorsement(app, contact_email="two@org.example", name="Another Org")
    with app.app_context():
        entry = db.session.get_one(Endorsement, second)
        assert outbox.enqueue_for(entry, MailKind.MANAGE, messages.manage(entry, "en")) is not None


def test_a_refused_mail_keeps_the_servers_words_bounded_and_is_given_up_by_id(
    app: Flask, refusing: _Refusing, time_machine: Any
) -> None:
    """The error says which exception and what the server said, cut at 2,000 characters;
    the last attempt moves the mail to the given-up list under its own id."""
    time_machine.move_to(utcnow(), tick=False)
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    address = "refused@org.example"
    refusing.refused = {address}
    # A wordy server: a reply of six lines of 400 characters (SMTP allows 512 a line).
    refusing.refusal = "\r\n".join(["550-5.1.1 " + "x" * 400] * 5 + ["550 5.1.1 " + "y" * 400])
    make_endorsement(app, contact_email=address)
    [queued] = _messages(app)
    with app.app_context():
        assert outbox.pending_count() == 1
        first = outbox.deliver()
    [message] = _messages(app)
    assert first.failed == [queued.id]
    assert message.last_error is not None
    assert message.last_error.startswith("SMTPRecipientsRefused: ")
    assert len(message.last_error) == 2000  # of the server's 2,400 characters and more
    time_machine.shift(timedelta(seconds=app.config["MAIL_BACKOFF_SECONDS"] + 1))
    with app.app_context():
        last = outbox.deliver()
        assert outbox.pending_count() == 0
    [message] = _messages(app)
    assert (last.given_up, message.status) == ([queued.id], MailStatus.FAILED)
    assert message.last_error is not None
    assert len(message.last_error) == 2000


def test_a_sender_takes_no_more_than_its_limit_and_counts_what_waits(
    app: Flask, refusing: _Refusing
) -> None:
    for index in range(3):
        make_endorsement(app, contact_email=f"n{index}@org.example", name=f"Organisation {index}")
    with app.app_context():
        assert outbox.pending_count() == 3
        assert len(outbox.deliver(limit=2).sent) == 2
        assert outbox.pending_count() == 1
        assert len(outbox.deliver(limit=2).sent) == 1
        assert outbox.pending_count() == 0


def test_a_lease_holds_to_its_last_instant(app_factory: Any, time_machine: Any) -> None:
    """A sender that claimed a mail owns it for the whole lease: another may take it only
    once the lease is over, not at its last instant."""
    app = app_factory(MAIL_LEASE_SECONDS=300, MAIL_URL="console:", MAIL_SEND_AFTER_RESPONSE=False)
    claimed_at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    time_machine.move_to(claimed_at, tick=False)
    sign(app.test_client())
    with app.app_context():
        [claimed] = outbox._claim(None, 10)
    time_machine.move_to(claimed_at + timedelta(seconds=300), tick=False)
    with app.app_context():
        assert outbox.deliver().sent == []
    time_machine.move_to(claimed_at + timedelta(seconds=300, milliseconds=1), tick=False)
    with app.app_context():
        assert outbox.deliver().sent == [claimed.id]


def test_the_work_after_responses_is_forgotten_once_done(app: Flask, client: Any) -> None:
    """A worker process serves requests for days: it must not keep every thread it started."""
    for _ in range(3):
        sign(client)
    assert outbox.wait_for_work_after_responses(timeout=30)
    assert outbox._running == set()


def test_a_capped_or_failed_mail_is_logged_for_the_operator(
    app: Flask, refusing: _Refusing, caplog: Any
) -> None:
    app.config["MAILS_PER_KIND"] = 1
    refusing.refused = {"refused@org.example"}
    entry_id = make_endorsement(app, contact_email="refused@org.example")
    with app.app_context(), caplog.at_level("INFO", logger="endorse.mail.outbox"):
        entry = db.session.get_one(Endorsement, entry_id)
        assert outbox.enqueue_for(entry, MailKind.CONFIRM, messages.confirmation(entry)) is None
        [queued] = db.session.scalars(select(OutboxMessage.id)).all()
        outbox.deliver()
    logged = [record.getMessage() for record in caplog.records]
    assert f"mail confirm to endorsement {entry_id} capped" in logged
    assert any(
        line.startswith(f"mail {queued} not sent: SMTPRecipientsRefused: ") for line in logged
    ), logged
