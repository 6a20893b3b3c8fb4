"""Appending to the audit trail and proving it unchanged.

Each record's hash covers its content and the previous record's hash, so a record
edited or deleted in the database breaks the chain from there on; ``verify`` names
the first broken link. Appends are serialised (PostgreSQL: an advisory lock for the
transaction; SQLite: its single writer) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from .extensions import db
from .models import ActorKind, AuditEvent, State
from .models.types import utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x656E646F  # "endo": the advisory lock key for appends on PostgreSQL


@dataclass(frozen=True)
class Actor:
    """Who caused a change, as the audit trail records it."""

    kind: ActorKind
    user_id: int | None = None

    @classmethod
    def moderator(cls, user_id: int) -> Actor:
        return cls(ActorKind.MODERATOR, user_id)


SIGNER = Actor(ActorKind.SIGNER)
SYSTEM = Actor(ActorKind.SYSTEM)


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(event: AuditEvent) -> str:
    content = [
        event.created_at.isoformat(),
        event.endorsement_id,
        event.subject_user_id,
        str(event.actor_kind),
        event.actor_user_id,
        event.action,
        event.from_state and str(event.from_state),
        event.to_state and str(event.to_state),
        event.reason,
        event.data,
        event.prev_hash,
    ]
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def record(
    actor: Actor,
    action: str,
    *,
    endorsement_id: int | None = None,
    subject_user_id: int | None = None,
    source: State | None = None,
    target: State | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one record; call inside the write transaction of the change it records."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    previous = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        created_at=utcnow(),
        endorsement_id=endorsement_id,
        subject_user_id=subject_user_id,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        action=action,
        from_state=source,
        to_state=target,
        reason=reason,
        data=canonical(data) if data is not None else None,
        prev_hash=previous or GENESIS,
    )
    event.hash = digest(event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class Verification:
    checked: int
    broken_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(batch: int = 1000) -> Verification:
    """Walk the whole chain in id order; stop at the first record that does not fit."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not events:
            return Verification(checked)
        for event in events:
            if event.prev_hash != expected_prev:
                return Verification(
                    checked,
                    event.id,
                    "does not follow the record before it (a record was deleted or inserted)",
                )
            if digest(event) != event.hash:
                return Verification(
                    checked,
                    event.id,
                    "its content no longer matches its hash (the record was edited)",
                )
            expected_prev = event.hash
            checked += 1
            last_id = event.id
        db.session.expunge_all()


@dataclass(frozen=True)
class Head:
    records: int
    hash: str


def head() -> Head:
    """The number of records and the newest hash: publish it, and later compare."""
    records = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return Head(records, last or GENESIS)
