"""The moderators' daily digest: when something waits, at the set hour, once a day, in their
language, through the outbox; never when nothing waits or for an account that turned it off."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from endorse import audit, operations
from endorse.extensions import db
from endorse.mail import outbox
from endorse.models import DigestSent, MailKind, OutboxMessage, Role, State, User
from endorse.moderation import accounts, digest
from endorse.tokens import Purpose, make_token

from .helpers import Mailbox, SmtpServer, make_endorsement, make_user, text_of

ROOT = Path(__file__).resolve().parent.parent
# 08:30 in Brussels (winter time, UTC+1), the default hour being 8.
MORNING = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


def _users(app: Flask) -> dict[str, int]:
    ids = {
        "fr": make_user(app, "modo@campaign.example"),
        "en": make_user(app, "admin@campaign.example", "admin"),
    }
    with app.app_context():
        accounts.set_preferences(ids["fr"], "fr", True)
    return ids


def _run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["endorse", "digest"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _digests(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MailKind.DIGEST)
            .order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def test_each_moderator_gets_the_digest_in_their_language(
    app: Flask, mailbox: Mailbox, time_machine: Any
) -> None:
    time_machine.move_to(MORNING - timedelta(days=2), tick=False)
    make_endorsement(app, State.VERIFIED, contact_email="a@org.example")
    time_machine.move_to(MORNING, tick=False)
    make_endorsement(app, State.VERIFIED, contact_email="b@org.example")
    _users(app)
    mailbox.clear()
    assert "digests queued 2, sent 2" in _run(app)
    mails = {mail["To"]: mail for mail in mailbox.wait_for(2)}
    french, english = mails["modo@campaign.example"], mails["admin@campaign.example"]
    assert french["Subject"] == "2 soutiens attendent une décision"
    assert "2 nouveaux soutiens attendent" in text_of(french)
    assert "30 novembre 2026" in text_of(french)  # the oldest, on the campaign's calendar
    assert english["Subject"] == "2 endorsements await a decision"
    assert "November 30, 2026" in text_of(english)
    assert "http://endorse.test/moderate/queue" in text_of(english)


def test_a_waiting_correction_counts_too(app: Flask, mailbox: Mailbox, time_machine: Any) -> None:
    time_machine.move_to(MORNING, tick=False)
    entry_id = make_endorsement(app, State.APPROVED)
    with app.app_context():
        entry = db.session.get(operations.Endorsement, entry_id)
        assert entry is not None
        fields = operations.PublicFields(
            name=entry.name, category=entry.category, city="Dinant", region=entry.region
        )
        token = make_token(Purpose.MANAGE, entry_id, entry.token_nonce)
        operations.edit_by_signer(token, fields)
    make_user(app, "mod@campaign.example")
    mailbox.clear()
    _run(app)
    [mail] = mailbox.wait_for(1)
    assert "1 correction by a signer awaits review." in text_of(mail)
    assert "new endorsement" not in text_of(mail)


def test_no_mail_when_nothing_waits(app: Flask, mailbox: Mailbox, time_machine: Any) -> None:
    time_machine.move_to(MORNING, tick=False)
    make_endorsement(app, State.APPROVED)
    make_endorsement(app, State.UNVERIFIED, contact_email="x@org.example")  # not confirmed yet
    _users(app)
    mailbox.clear()
    assert "digests queued 0" in _run(app)
    assert _digests(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 0


def test_it_waits_for_the_hour_in_the_campaigns_time_zone(
    app: Flask, mailbox: Mailbox, time_machine: Any
) -> None:
    make_endorsement(app, State.VERIFIED)
    make_user(app, "mod@campaign.example")
    time_machine.move_to(datetime(2026, 12, 2, 6, 59, tzinfo=UTC), tick=False)  # 07:59 there
    _run(app)
    assert _digests(app) == []
    time_machine.move_to(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), tick=False)  # 08:00 there
    _run(app)
    assert len(_digests(app)) == 1
    # In summer Brussels is UTC+2; the hour is a setting, the zone too.
    app.config.update(DIGEST_HOUR=18, TIMEZONE="America/New_York")
    time_machine.move_to(datetime(2026, 12, 3, 22, 59, tzinfo=UTC), tick=False)  # 17:59 there
    _run(app)
    assert len(_digests(app)) == 1
    time_machine.move_to(datetime(2026, 12, 3, 23, 0, tzinfo=UTC), tick=False)  # 18:00 there
    _run(app)
    assert len(_digests(app)) == 2


def test_once_a_day_however_often_it_runs(app: Flask, mailbox: Mailbox, time_machine: Any) -> None:
    make_endorsement(app, State.VERIFIED)
    make_user(app, "mod@campaign.example")
    time_machine.move_to(MORNING, tick=False)
    mailbox.clear()
    _run(app)
    time_machine.move_to(MORNING + timedelta(hours=10), tick=False)  # 18:30, the same day
    _run(app)
    assert len(_digests(app)) == 1
    time_machine.move_to(MORNING + timedelta(days=1), tick=False)  # the next morning
    _run(app)
    assert len(_digests(app)) == 2
    assert len(mailbox.wait_for(2)) == 2


def test_an_account_that_turned_it_off_or_is_inactive_gets_none(
    app: Flask, mailbox: Mailbox, time_machine: Any
) -> None:
    make_endorsement(app, State.VERIFIED)
    ids = _users(app)
    gone = make_user(app, "gone@campaign.example")
    with app.app_context():
        accounts.set_preferences(ids["fr"], "fr", False)
        accounts.set_active(gone, False, audit.SYSTEM)
    time_machine.move_to(MORNING, tick=False)
    mailbox.clear()
    _run(app)
    assert [mail.recipient for mail in _digests(app)] == ["admin@campaign.example"]


@pytest.mark.real_commits
def test_two_senders_at_once_send_one_digest_each(
    app_factory: Any, mailbox: Mailbox, time_machine: Any
) -> None:
    time_machine.move_to(MORNING, tick=False)
    first, second = app_factory(), app_factory()  # two workers, each with its own connections
    make_endorsement(first, State.VERIFIED)
    for number in range(3):
        make_user(first, f"mod{number}@campaign.example")
    mailbox.clear()
    start = threading.Barrier(4)
    queued: list[int] = []
    errors: list[BaseException] = []

    def send(app: Flask) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                queued.extend(digest.send_due())
        except BaseException as exc:  # pragma: no cover  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(app,)) for app in (first, second) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(queued) == 3
    with first.app_context():
        outbox.deliver()
    recipients = sorted(mail.recipient for mail in _digests(first))
    assert recipients == [f"mod{number}@campaign.example" for number in range(3)]
    # The signer's confirmation went out with them: four mails, one digest each.
    delivered = [mail["To"] for mail in mailbox.wait_for(4)]
    assert sorted(to for to in delivered if to.endswith("@campaign.example")) == recipients


@pytest.mark.system  # a process of its own
@pytest.mark.real_commits
def test_the_mail_worker_sends_the_digest(
    app: Flask, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    make_endorsement(app, State.VERIFIED)
    with app.app_context():
        accounts.create(
            "nl@campaign.example", "a long enough password", Role.MODERATOR, audit.SYSTEM
        )
        user = db.session.scalar(select(User).where(User.email == "nl@campaign.example"))
        assert user is not None
        accounts.set_preferences(user.id, "nl", True)
    mailbox.clear()
    env = {
        **os.environ,
        "ENDORSE_DATABASE_URL": database_url,
        "ENDORSE_MAIL_URL": smtp_server.url,
        "ENDORSE_INSTANCE_PATH": str(tmp_path),
        "ENDORSE_SECRET_KEY": "test-secret-key-that-is-long-enough",
        "ENDORSE_DIGEST_HOUR": "0",  # whatever the time of the run
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "endorse", "mail-worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        mails = mailbox.wait_for(2, timeout=30)  # the signer's confirmation, and the digest
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    [mail] = [mail for mail in mails if mail["To"] == "nl@campaign.example"]
    assert mail["Subject"] == "1 steunbetuiging wacht op een beslissing"
