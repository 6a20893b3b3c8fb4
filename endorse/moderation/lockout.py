"""Failed sign-ins: a growing delay per address, kept in the database.

An address is counted as the sign-in reads it (``accounts.login_address``: email-validator's
normalised form), so every spelling that reaches an account (full-width letters, another
dot, an invisible joiner) draws on that account's count. Addresses without an account are
counted the same way, so the answers never tell which addresses have one.

Each attempt is counted before its password is checked, and a success takes the count away:
attempts sent at the same moment cannot slip several guesses into one pause. After
``LOGIN_FREE_FAILURES`` failures, the next attempt waits ``LOGIN_DELAY_SECONDS``, doubling
with each further failure up to ``LOGIN_MAX_DELAY_SECONDS``; an attempt made while waiting is
refused, whatever its password, and adds nothing. So someone guessing gets a few tries an
hour, and someone trying to keep a moderator out can make them wait minutes, not lock them
out; an admin can clear the count at once.

The counts are rows in the database, so every worker and server sees the same ones, whatever
the rate limiter's storage (the per-IP limit stays with Flask-Limiter).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit
from ..audit import Actor
from ..database import write_transaction
from ..errors import DomainError, NotFound
from ..extensions import db
from ..models import LoginFailures, User
from ..models.types import utcnow

#: A count is forgotten this long after its last failure (or after its longest pause, if later).
FORGET_AFTER = timedelta(days=1)


class MustWait(DomainError):
    """Too many failed sign-ins with this address: the next attempt waits ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins; wait {seconds} seconds")
        self.seconds = seconds


def address_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()


def _forget_after() -> timedelta:
    return max(FORGET_AFTER, timedelta(seconds=current_app.config["LOGIN_MAX_DELAY_SECONDS"]))


def _pause(failures: int) -> timedelta:
    """How long to wait after ``failures`` failures: nothing at first, then growing."""
    cfg = current_app.config
    beyond = failures - cfg["LOGIN_FREE_FAILURES"]
    if beyond < 0:
        return timedelta(0)
    seconds = cfg["LOGIN_DELAY_SECONDS"] * 2 ** min(beyond, 32)
    return timedelta(seconds=min(seconds, cfg["LOGIN_MAX_DELAY_SECONDS"]))


def begin_attempt(address: str) -> None:
    """Count an attempt with ``address`` before its password is checked; raise ``MustWait``
    (counting nothing) while the address has to wait."""
    key = address_key(address)
    now = utcnow()
    with write_transaction():
        row = _locked(key, now)
        if now - row.last_failed_at > _forget_after():
            row.failures, row.blocked_until = 0, None
        if row.blocked_until is not None and row.blocked_until > now:
            raise MustWait(math.ceil((row.blocked_until - now).total_seconds()))
        row.failures += 1
        row.last_failed_at = now
        pause = _pause(row.failures)
        row.blocked_until = now + pause if pause else None


def _locked(key: str, now: datetime) -> LoginFailures:
    """The row of ``key``, made if need be, locked until the transaction ends."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(LoginFailures)
        .values(address_key=key, failures=0, last_failed_at=now)
        .on_conflict_do_nothing()
    )
    return db.session.get_one(LoginFailures, key, with_for_update=True, populate_existing=True)


def succeeded(address: str) -> None:
    """A right password: the address's failures are forgiven. Call inside a write transaction."""
    db.session.execute(
        delete(LoginFailures).where(LoginFailures.address_key == address_key(address))
    )


@dataclass(frozen=True)
class Failures:
    count: int
    waiting_until: datetime | None


def of_accounts(users: list[User]) -> dict[int, Failures]:
    """The failed sign-ins counted against each account that has some, for the Accounts page."""
    keys = {address_key(user.email): user.id for user in users}
    now = utcnow()
    rows = db.session.scalars(
        select(LoginFailures).where(LoginFailures.address_key.in_(keys))
    ).all()
    return {
        keys[row.address_key]: Failures(
            row.failures,
            row.blocked_until if row.blocked_until and row.blocked_until > now else None,
        )
        for row in rows
        if row.failures and now - row.last_failed_at <= _forget_after()
    }


def clear(user_id: int, actor: Actor) -> bool:
    """An admin forgives an account's failed sign-ins: it can sign in at once. On the record."""
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(f"no account #{user_id}")
        row = db.session.get(LoginFailures, address_key(user.email), with_for_update=True)
        if row is None or not row.failures:
            return False
        audit.record(
            actor, "user.clear_failures", subject_user_id=user.id, data={"failures": row.failures}
        )
        db.session.delete(row)
    return True


def forget_stale() -> int:
    """Delete the counts nobody added to for a day (they would count from zero anyway)."""
    now = utcnow()
    with write_transaction():
        result = db.session.execute(
            delete(LoginFailures).where(LoginFailures.last_failed_at < now - _forget_after())
        )
    return int(getattr(result, "rowcount", 0) or 0)
