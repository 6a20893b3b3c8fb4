"""Writing mail to the outbox and delivering it, with retries, at most once per claim.

A request writes its message in the same transaction as the change that caused it, so
a mail exists exactly when the change does. Delivery happens after the response, in a
thread of its own (or in ``flask endorse send-mail`` / ``mail-worker``): a sender claims
due rows, sends them, and marks each sent or schedules a retry with exponential backoff.
PostgreSQL claims with ``FOR UPDATE SKIP LOCKED``; SQLite's single writer makes the claim
exclusive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import Flask, Response, after_this_request, current_app, has_request_context
from sqlalchemy import func, or_, select

from ..database import write_transaction
from ..extensions import db
from ..models import Endorsement, MailKind, MailStatus, OutboxMessage
from ..models.types import utcnow
from .messages import Draft
from .transport import open_sender

log = logging.getLogger(__name__)


def enqueue_for(entry: Endorsement, kind: MailKind, draft: Draft) -> OutboxMessage | None:
    """Add a mail to ``entry``'s contact, unless it already had its share of this kind.

    Call inside a write transaction that holds ``entry``; returns None when capped.
    """
    if entry.contact_email is None:
        return None
    sent_before = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.endorsement_id == entry.id, OutboxMessage.kind == kind)
    )
    if (sent_before or 0) >= current_app.config["MAILS_PER_KIND"]:
        log.info("mail %s to endorsement %s capped", kind, entry.id)
        return None
    return enqueue(entry.contact_email, kind, draft, endorsement_id=entry.id)


def enqueue(
    recipient: str, kind: MailKind, draft: Draft, endorsement_id: int | None = None
) -> OutboxMessage:
    """Add a mail to the outbox, inside the caller's write transaction."""
    message = OutboxMessage(
        endorsement_id=endorsement_id,
        kind=kind,
        recipient=recipient,
        subject=draft.subject,
        body_text=draft.text,
        body_html=draft.html,
    )
    db.session.add(message)
    return message


def deliver_after_response(message_ids: Iterable[int]) -> None:
    """Try to send these mails once the response has gone out, so SMTP never delays it."""
    ids = list(message_ids)
    if ids:
        after_response(lambda: deliver(ids))


def after_response(work: Callable[[], object]) -> None:
    """Run ``work`` in an app context once the response has gone out, if the settings say so.

    It runs in a thread of its own, started as the server closes the response: the server
    then closes the connection at once, so neither the database nor SMTP shows in how long a
    request takes to end (a known address must look like an unknown one). A failure is only
    logged: whatever ``work`` left undone, the mail worker does later.
    """
    if not has_request_context() or not current_app.config["MAIL_SEND_AFTER_RESPONSE"]:
        return
    # The app itself, to use after the request: Flask types current_app as the app, not its proxy.
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def _hook(response: Response) -> Response:
        response.call_on_close(lambda: _start(app, work))
        return response


#: The threads started after responses that have not finished yet, in this process.
_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def _start(app: Flask, work: Callable[[], object]) -> None:
    # Not a daemon: a worker process that exits (a restart, a deploy) finishes its sends first.
    thread = threading.Thread(target=_run_in_context, args=(app, work), name="after-response")
    with _running_lock:
        _running.add(thread)
    thread.start()


def _run_in_context(app: Flask, work: Callable[[], object]) -> None:
    try:
        with app.app_context():
            try:
                work()
            except Exception:  # the worker will retry; the response has long gone
                log.exception("delivery after response failed")
    finally:
        with _running_lock:
            _running.discard(threading.current_thread())


def wait_for_work_after_responses(timeout: float | None = None) -> bool:
    """Wait until the work started after responses so far has finished; False on timeout.

    For whoever must see its effects before going on: a process about to stop, a test.
    """
    with _running_lock:
        threads = list(_running)
    deadline = None if timeout is None else time.monotonic() + timeout
    for thread in threads:
        thread.join(None if deadline is None else max(deadline - time.monotonic(), 0))
    return not any(thread.is_alive() for thread in threads)


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # will be retried
    given_up: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str
    created_at: datetime


def deliver(message_ids: Iterable[int] | None = None, limit: int = 100) -> Report:
    """Send due mails (only ``message_ids`` when given); never raises for a failed send."""
    report = Report()
    claimed = _claim(None if message_ids is None else list(message_ids), limit)
    if not claimed:
        return report
    errors: dict[int, str] = {}
    try:
        with open_sender() as send:
            for message in claimed:
                try:
                    send(_email(message))
                except Exception as exc:  # one refused recipient must not stop the rest
                    errors[message.id] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # the server could not be reached at all
        for message in claimed:
            errors.setdefault(message.id, f"{type(exc).__name__}: {exc}")
    _settle(claimed, errors, report)
    return report


def _claim(ids: list[int] | None, limit: int) -> list[_Claimed]:
    now = utcnow()
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    query = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status == MailStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == MailStatus.SENDING) & (OutboxMessage.locked_until < now),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    with write_transaction() as session:
        rows = list(session.scalars(query))
        for row in rows:
            row.status = MailStatus.SENDING
            row.locked_until = now + lease
            row.attempts += 1
        claimed = [
            _Claimed(
                row.id,
                row.recipient,
                row.subject,
                row.body_text,
                row.body_html,
                row.created_at,
            )
            for row in rows
        ]
    return claimed


def _settle(claimed: list[_Claimed], errors: dict[int, str], report: Report) -> None:
    cfg = current_app.config
    now = utcnow()
    with write_transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in claimed]))
        )
        for row in rows:
            row.locked_until = None
            if row.id not in errors:
                row.status, row.sent_at, row.last_error = MailStatus.SENT, now, None
                report.sent.append(row.id)
            elif row.attempts >= cfg["MAIL_MAX_ATTEMPTS"]:
                row.status, row.last_error = MailStatus.FAILED, errors[row.id][:2000]
                report.given_up.append(row.id)
            else:
                delay = cfg["MAIL_BACKOFF_SECONDS"] * 2 ** (row.attempts - 1)
                row.status, row.last_error = MailStatus.PENDING, errors[row.id][:2000]
                row.next_attempt_at = now + timedelta(seconds=delay)
                report.failed.append(row.id)
    for message_id, error in errors.items():
        log.warning("mail %s not sent: %s", message_id, error)


def _email(message: _Claimed) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Reply-To"] = current_app.config["CONTACT_EMAIL"]  # never the unattended sender
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    # Stable per outbox row: a retried mail carries the same id, so inboxes can de-duplicate.
    email["Message-ID"] = f"<endorse-{message.id}-{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def pending_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_([MailStatus.PENDING, MailStatus.SENDING]))
        )
        or 0
    )
