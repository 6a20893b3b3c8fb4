"""The app as deployed: several gunicorn servers and mail workers, each its own process, on one
database and one Redis. Nothing is lost or doubled, limits hold across servers, SQLite copes
with several workers, and a mail worker killed mid-send neither loses nor repeats a mail."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.engine import Engine

from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import Endorsement, MailStatus, OutboxMessage, State
from endorse.models.types import utcnow

from .cluster import (
    HIGH_LIMITS,
    REDIS_URL,
    ROOT,
    MailWorker,
    Outcome,
    WatchedGate,
    app_env,
    connections_to,
    fetch,
    fresh_limits,
    public_count,
    sign_up,
    signer_email,
    start_servers,
    submit_form,
    wait_until_closed,
)
from .helpers import Mailbox, SmtpServer, eventually, free_port, link_in, path_of, sign

# gunicorn servers and mail workers, other processes, read what the test commits.
pytestmark = [pytest.mark.system, pytest.mark.real_commits]

#: Sign-ups in the two-server test. SQLite takes them too, one writer at a time.
SIGNUPS = {"postgresql": 500, "sqlite": 500}
CLIENTS = 24  # concurrent visitors: enough to keep four workers busy, bounded for 2 cores
APPROVED = 20
UNSENT = (MailStatus.PENDING, MailStatus.SENDING)


def _backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgres") else "sqlite"


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _engine_of(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


def _drained(engine: Engine, timeout: float = 90.0) -> bool:
    """Wait until no mail is waiting or being sent: every sender has settled its claims."""
    unsent = OutboxMessage.status.in_(UNSENT)
    return eventually(lambda: _count(engine, OutboxMessage, unsent), 0, timeout) == 0


def _failures(outcomes: list[Outcome], expected: list[int]) -> list[str]:
    return [
        o.error or f"statuses {o.statuses}" for o in outcomes if o.error or o.statuses != expected
    ]


def _requests(*batches: list[Outcome]) -> int:
    return sum(len(o.statuses) for batch in batches for o in batch)


def test_two_servers_share_the_load_and_lose_nothing(
    app: Flask, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    """Two servers and a mail worker race for the same rows: each sign-up stored once and each
    mail sent once, whichever process got there first."""
    backend = _backend(database_url)
    total = SIGNUPS[backend]
    engine = _engine_of(app)
    counters = fresh_limits()
    env = app_env(
        database_url,
        tmp_path / "instance",
        MAIL_URL=smtp_server.url,
        RATELIMIT_STORAGE_URL=REDIS_URL,
        RATELIMIT_KEY_PREFIX=counters,
        **HIGH_LIMITS,
    )
    figures: dict[str, float] = {}
    signups: list[Outcome] = []
    confirmations: list[Outcome] = []
    stored = delivered = by_worker = 0
    began = time.monotonic()
    try:
        with ExitStack() as stack:
            servers = start_servers(stack, 2, env, tmp_path / "logs")
            # The app sends after each response; the worker takes whatever is due: they race.
            worker = stack.enter_context(
                MailWorker("mail-worker", env, tmp_path / "logs", interval=0.5)
            )
            figures["boot"] = time.monotonic() - began

            start = time.monotonic()
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                signups = list(pool.map(lambda i: sign_up(servers[i % 2].url, i), range(total)))
            figures["sign"] = time.monotonic() - start
            stored = _count(engine, Endorsement)

            start = time.monotonic()
            assert _drained(engine), "the outbox did not drain"
            time.sleep(1.0)  # a second sender still holding a claimed mail would deliver now
            figures["drain"] = time.monotonic() - start
            mails = mailbox.messages
            delivered = len(mails)
            by_worker = sum(int(n) for n in re.findall(r"^sent (\d+),", worker.output, re.M))

            assert _failures(signups, [200, 303]) == []
            with engine.connect() as connection:
                rows = connection.execute(select(Endorsement.name, Endorsement.contact_email)).all()
            expected = {signer_email(i) for i in range(total)}
            emails = [row.contact_email for row in rows]
            assert [row for row in rows if row.contact_email not in expected] == []
            assert len(emails) == len(set(emails)) == total
            assert set(emails) == expected
            assert _count(engine, OutboxMessage) == total
            assert _count(engine, OutboxMessage, OutboxMessage.status == MailStatus.SENT) == total
            per_recipient = Counter(str(mail["To"]) for mail in mails)
            assert {to: n for to, n in per_recipient.items() if n != 1} == {}
            assert set(per_recipient) == expected

            # Half the signers follow their link, through one server or the other.
            by_recipient = {str(mail["To"]): mail for mail in mails}
            chosen = list(range(0, total, 2))
            start = time.monotonic()
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                confirmations = list(
                    pool.map(
                        lambda j: submit_form(
                            servers[j % 2].url,
                            path_of(link_in(by_recipient[signer_email(chosen[j])])),
                            {},
                        ),
                        range(len(chosen)),
                    )
                )
            figures["confirm"] = time.monotonic() - start
            assert _failures(confirmations, [200, 303]) == []
            verified = Endorsement.state == State.VERIFIED
            assert _count(engine, Endorsement, verified) == len(chosen) == total // 2
            with engine.connect() as connection:
                verified_emails = set(
                    connection.scalars(select(Endorsement.contact_email).where(verified))
                )
            assert verified_emails == {signer_email(i) for i in chosen}

            # Nothing is public before a moderator says so; then both servers show it within
            # the count cache's second (ENDORSE_COUNT_CACHE_SECONDS, 1 by default).
            assert [public_count(server.url) for server in servers] == [0, 0]
            with engine.connect() as connection:
                to_approve = connection.scalars(
                    select(Endorsement.id).where(verified).order_by(Endorsement.id).limit(APPROVED)
                ).all()
            runner = app.test_cli_runner()
            for endorsement_id in to_approve:
                result = runner.invoke(args=["endorse", "approve", str(endorsement_id)])
                assert f"#{endorsement_id} approved" in result.output, result.output
            shown = eventually(
                lambda: [public_count(server.url) for server in servers],
                [APPROVED, APPROVED],
                timeout=3,
            )
            assert shown == [APPROVED, APPROVED]
            assert len(mailbox.messages) == total  # confirming and approving send nothing
            for process in (*servers, worker):
                assert "Traceback" not in process.stderr, process.stderr[-4000:]
    finally:
        figures["total"] = time.monotonic() - began
        errors = len(_failures(signups, [200, 303])) + len(_failures(confirmations, [200, 303]))
        sign_seconds = figures.get("sign", 0.0)
        print(
            f"\n[{backend}] 2 servers x 2 workers + mail worker: "
            f"{_requests(signups, confirmations)} requests, "
            f"{stored} sign-ups stored of {total} "
            f"in {sign_seconds:.1f}s ({total / sign_seconds if sign_seconds else 0:.0f}/s), "
            f"{delivered} mails delivered ({by_worker} by the mail worker, the rest after "
            f"the response; drained {figures.get('drain', 0.0):.1f}s), "
            f"{sum(o.final == 303 for o in confirmations)} confirmed in "
            f"{figures.get('confirm', 0.0):.1f}s, {errors} errors, "
            f"boot {figures.get('boot', 0.0):.1f}s, total {figures['total']:.1f}s"
        )


def test_rate_limits_are_counted_across_servers(
    app: Flask, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    """A visitor switching servers behind a load balancer gets no fresh budget: Redis counts
    for all. With per-process memory, each worker would count alone."""
    counters = fresh_limits()
    limits = {**HIGH_LIMITS, "SIGN_LIMIT": "6 per hour"}
    shared = app_env(
        database_url,
        tmp_path / "instance",
        MAIL_URL=smtp_server.url,
        RATELIMIT_STORAGE_URL=REDIS_URL,
        RATELIMIT_KEY_PREFIX=counters,
        **limits,
    )
    with ExitStack() as stack:
        servers = start_servers(stack, 2, shared, tmp_path / "logs", prefix="redis")
        outcomes = [sign_up(servers[i % 2].url, i) for i in range(7)]
    assert [o.error for o in outcomes] == [None] * 7
    assert [o.final for o in outcomes] == [303] * 6 + [429]
    assert int(outcomes[-1].headers["Retry-After"]) > 0

    alone = app_env(
        database_url,
        tmp_path / "instance",
        MAIL_URL=smtp_server.url,
        RATELIMIT_STORAGE_URL="memory://",
        **limits,
    )
    with ExitStack() as stack:
        servers = start_servers(stack, 2, alone, tmp_path / "logs", prefix="memory")
        apart = [sign_up(servers[i % 2].url, 100 + i) for i in range(12)]
    assert [o.error for o in apart] == [None] * 12
    # Six per server: whichever of its workers took them, none has counted past six.
    passed = sum(o.final == 303 for o in apart)
    assert passed > 6
    assert passed == 12


def _sqlite_for_workers(database_url: str, tmp_path: Path) -> str:
    """The test database when it is SQLite; else a fresh SQLite file, migrated as in
    production, so this test always runs."""
    if _backend(database_url) == "sqlite":
        return database_url
    url = f"sqlite:///{tmp_path / 'several-workers.sqlite'}"
    env = app_env(url, tmp_path / "instance")
    migrated = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return url


def test_sqlite_with_several_workers_shows_no_locked_database(
    app: Flask, database_url: str, smtp_server: SmtpServer, mailbox: Mailbox, tmp_path: Path
) -> None:
    """Four processes of four threads write one SQLite file while others read it: the
    ``BEGIN IMMEDIATE`` and WAL set-up must turn every clash into a short wait, never a 500."""
    sqlite_url = _sqlite_for_workers(database_url, tmp_path)
    total = 200
    counters = fresh_limits()
    env = app_env(
        sqlite_url,
        tmp_path / "instance",
        MAIL_URL=smtp_server.url,
        RATELIMIT_STORAGE_URL=REDIS_URL,
        RATELIMIT_KEY_PREFIX=counters,
        **HIGH_LIMITS,
    )
    tasks: list[tuple[list[int], Callable[[], Outcome]]] = []
    engine = create_engine(sqlite_url)
    try:
        with ExitStack() as stack:
            [server] = start_servers(
                stack, 1, env, tmp_path / "logs", prefix="sqlite", workers=4, threads=4
            )
            for i in range(total):
                tasks.append(([200, 303], partial(sign_up, server.url, i)))
                read = "/en/supporters" if i % 2 else "/api/v1/count"
                tasks.append(([200], partial(fetch, server.url, read)))
            start = time.monotonic()
            with ThreadPoolExecutor(max_workers=32) as pool:
                outcomes = list(pool.map(lambda task: task[1](), tasks))
            seconds = time.monotonic() - start
            drained = _drained(engine)
            log = server.stderr
        failures = [
            o.error or f"statuses {o.statuses}, expected {expected}"
            for (expected, _), o in zip(tasks, outcomes, strict=True)
            if o.error or o.statuses != expected
        ]
        statuses = Counter(status for o in outcomes for status in o.statuses)
        print(
            f"\n[sqlite, 4 workers x 4 threads] {sum(statuses.values())} requests "
            f"({total} sign-ups, {total} reads) in {seconds:.1f}s, statuses "
            f"{dict(sorted(statuses.items()))}, {len(failures)} errors, "
            f"{len(mailbox.messages)} mails"
        )
        assert failures == []
        assert "database is locked" not in log, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
        assert _count(engine, Endorsement) == total
        assert drained, "the outbox did not drain"
        assert _count(engine, OutboxMessage, OutboxMessage.status == MailStatus.SENT) == total
    finally:
        engine.dispose()


def _outbox(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(
                    OutboxMessage.recipient,
                    OutboxMessage.status,
                    OutboxMessage.attempts,
                    OutboxMessage.locked_until,
                    OutboxMessage.sent_at,
                ).order_by(OutboxMessage.id)
            ).all()
        )


def _make_due(app: Flask) -> None:
    """Time passes: the retries the failed sends scheduled are due now."""
    with app.app_context(), write_transaction() as session:
        session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))


def test_a_mail_worker_killed_mid_send_loses_nothing_and_sends_once(
    app_factory: Any, app: Flask, database_url: str, mailbox: Mailbox, tmp_path: Path
) -> None:
    """A worker killed while the SMTP server holds its mail leaves its claims leased; the next
    worker sends them once the lease ends, and the SMTP server never had the first copy."""
    queued = 3
    down = app_factory(MAIL_URL=f"smtp://127.0.0.1:{free_port()}")  # SMTP is down
    client = down.test_client()
    for i in range(queued):
        signed = sign(client, name=f"Queued Organisation {i}", contact_email=signer_email(i))
        assert signed.status_code == 303
    engine = _engine_of(app)
    waiting = _outbox(engine)
    assert [(row.status, row.attempts) for row in waiting] == [(MailStatus.PENDING, 1)] * queued

    server = SmtpServer()
    gate = WatchedGate()
    server.gate = gate
    server.start()
    env = app_env(database_url, tmp_path / "instance", MAIL_URL=server.url, MAIL_LEASE_SECONDS=2)
    try:
        with ExitStack() as stack:
            first = stack.enter_context(MailWorker("mail-worker-1", env, tmp_path / "logs"))
            _make_due(app)
            assert gate.entered.wait(30), f"no mail reached DATA:\n{first.output[-4000:]}"
            assert connections_to(server.port) > 0  # so waiting for none below means something
            first.kill()  # mid-send: the SMTP server has the message, the worker no answer
            # The server notices the connection drop (and drops the unanswered mail) first.
            assert wait_until_closed(server.port), "the SMTP server kept the connection"
            gate.set()
            time.sleep(0.5)
            assert server.mailbox.messages == []  # the dead worker's mail was never accepted
            leased = _outbox(engine)
            assert [(row.status, row.attempts) for row in leased] == [
                (MailStatus.SENDING, 2)
            ] * queued
            lease_ends: datetime = max(row.locked_until for row in leased)

            second = stack.enter_context(MailWorker("mail-worker-2", env, tmp_path / "logs"))
            server.mailbox.wait_for(queued, timeout=30)
            all_sent = [MailStatus.SENT] * queued
            assert eventually(lambda: [row.status for row in _outbox(engine)], all_sent) == (
                all_sent
            )
            time.sleep(1.0)  # a duplicate would arrive now
            assert second.stop() == 0, second.output
            assert "mail worker stopped" in second.output
    finally:
        gate.set()
        server.stop()
    mails = server.mailbox.messages
    assert Counter(str(mail["To"]) for mail in mails) == Counter(
        signer_email(i) for i in range(queued)
    )
    settled = _outbox(engine)
    assert [row.attempts for row in settled] == [3] * queued  # failed, dead claim, sent
    assert all(row.sent_at >= lease_ends for row in settled)  # only after the lease ended
    assert mailbox.messages == []  # nothing went to any other server
