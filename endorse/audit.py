"""Appending to the audit trail, proving it unchanged, and erasing the personal data in it.

Each record's hash covers its content and the previous record's hash, so a record edited or
deleted in the database breaks the chain from there on; ``verify`` names the first broken
link. Appends are serialised (PostgreSQL: an advisory lock for the transaction; SQLite: its
single writer) so the chain never forks.

What a record says in words (a reason, an export's filters, an edit's changes) may name a
person, and a hash chain cannot forget. So the chain keeps no words (format 2): a record seals
a digest of its details, salted so that the digest cannot be checked against guesses, and the
details live in a row of their own that erasure and purge blank. The chain still verifies
afterwards, and ``verify`` says which records' details were erased. Records written before
format 2 sealed their details themselves: they verify as they always did (so do the chain
heads published from them), and their details cannot be erased.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, text, update

from .database import in_chunks
from .extensions import db
from .models import ActorKind, AuditDetails, AuditEvent, State
from .models.types import utcnow

GENESIS = "0" * 64
FORMAT = 2  # the format of new records' hashes; see the module's docstring
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
    """The hash a record should have, in its own format."""
    values = {column: getattr(event, column) for column in _EVENT_COLUMNS}
    if event.version != 1:
        return _sealed(values)
    # Format 1 sealed the details themselves, as records were before format 2.
    content = [*_chained(values), event.reason, event.data, event.prev_hash]
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _chained(values: dict[str, Any]) -> list[Any]:
    """What every format seals of a record, in order."""
    source, target = values.get("from_state"), values.get("to_state")
    return [
        values["created_at"].isoformat(),
        values.get("endorsement_id"),
        values.get("subject_user_id"),
        str(values["actor_kind"]),
        values.get("actor_user_id"),
        values["action"],
        source and str(source),
        target and str(target),
    ]


def _sealed(values: dict[str, Any]) -> str:
    """The hash of a format-2 record given as column values (by ``digest``, and by
    ``record_each`` before its records exist)."""
    content = [values["version"], *_chained(values), values["details_digest"], values["prev_hash"]]
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def details_digest(salt: str, reason: str | None, data: str | None) -> str:
    return hashlib.sha256(canonical([salt, reason, data]).encode()).hexdigest()


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
    previous = _lock_chain()
    event = AuditEvent(
        created_at=utcnow(),
        endorsement_id=endorsement_id,
        subject_user_id=subject_user_id,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        action=action,
        from_state=source,
        to_state=target,
        version=FORMAT,
        prev_hash=previous or GENESIS,
    )
    if reason is not None or data is not None:
        words = canonical(data) if data is not None else None
        salt = secrets.token_hex(16)
        event.details = AuditDetails(salt=salt, reason=reason, data=words)
        event.details_digest = details_digest(salt, reason, words)
    event.hash = digest(event)
    db.session.add(event)
    db.session.flush()
    return event


def _lock_chain() -> str | None:
    """Take the chain for this transaction; return its newest hash (None when empty)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    return db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))


def record_each(
    actor: Actor,
    action: str,
    endorsement_ids: Sequence[int],
    *,
    source: State | None = None,
    target: State | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Append one record per endorsement, as many ``record`` calls would, in two statements:
    a bulk change (an import of thousands) costs no round trip per record. Returns how many."""
    if not endorsement_ids:
        return 0
    previous = _lock_chain() or GENESIS
    words = canonical(data) if data is not None else None
    has_details = reason is not None or data is not None
    now = utcnow()
    events: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    for endorsement_id in endorsement_ids:
        values: dict[str, Any] = {
            "created_at": now,
            "endorsement_id": endorsement_id,
            "actor_kind": actor.kind,
            "actor_user_id": actor.user_id,
            "action": action,
            "from_state": source,
            "to_state": target,
            "version": FORMAT,
            "details_digest": None,
            "prev_hash": previous,
        }
        if has_details:
            salt = secrets.token_hex(16)
            values["details_digest"] = details_digest(salt, reason, words)
            details.append({"salt": salt, "reason": reason, "data": words})
        values["hash"] = previous = _sealed(values)
        events.append(values)
    ids = list(
        db.session.scalars(
            insert(AuditEvent).returning(AuditEvent.id, sort_by_parameter_order=True), events
        )
    )
    if ids != sorted(ids):  # the chain is walked in id order: it must be the order appended
        raise RuntimeError("the audit records were not numbered in the order they chain")
    if details:
        db.session.execute(
            insert(AuditDetails),
            [{"event_id": event_id, **row} for event_id, row in zip(ids, details, strict=True)],
        )
    return len(ids)


_EVENT_COLUMNS = (
    "created_at",
    "endorsement_id",
    "subject_user_id",
    "actor_kind",
    "actor_user_id",
    "action",
    "from_state",
    "to_state",
    "version",
    "details_digest",
    "prev_hash",
    "hash",
)


# Erasure: the details of format-2 records; their chained fields and digests stay.


def _erase_details(*where: ColumnElement[bool]) -> int:
    """Blank the details of the format-2 records that ``where`` picks; return how many."""
    events = select(AuditEvent.id).where(AuditEvent.version >= 2, *where)
    result = db.session.execute(
        update(AuditDetails)
        .where(AuditDetails.event_id.in_(events), AuditDetails.erased_at.is_(None))
        .values(salt=None, reason=None, data=None, erased_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def erase_about(endorsement_id: int, mentions: Iterable[str] = ()) -> int:
    """Erase the details of every record about an endorsement (reasons may name its signer),
    and of every export whose filters mention one of ``mentions`` (its address, its name)."""
    erased = _erase_details(AuditEvent.endorsement_id == endorsement_id)
    for text_ in {mention.strip() for mention in mentions if mention and mention.strip()}:
        erased += _erase_details(
            AuditEvent.action == "export",
            AuditEvent.id.in_(
                select(AuditDetails.event_id).where(
                    func.lower(AuditDetails.data).contains(text_.lower(), autoescape=True)
                )
            ),
        )
    return erased


def erase_about_many(endorsement_ids: Sequence[int], mentions: Iterable[str] = ()) -> int:
    """``erase_about`` for many endorsements at once (undoing an import): one statement per
    thousand of them, and one read of the exports' filters for all their mentions."""
    erased = 0
    for chunk in in_chunks(endorsement_ids):
        erased += _erase_details(AuditEvent.endorsement_id.in_(chunk))
    wanted = {text_.strip().lower() for text_ in mentions if text_ and text_.strip()}
    if not wanted:
        return erased
    exports = db.session.execute(
        select(AuditDetails.event_id, AuditDetails.data)
        .join(AuditEvent, AuditEvent.id == AuditDetails.event_id)
        .where(AuditEvent.action == "export", AuditDetails.data.is_not(None))
    ).all()
    named = [
        event_id for event_id, data in exports if any(m in (data or "").lower() for m in wanted)
    ]
    if named:
        erased += _erase_details(AuditEvent.id.in_(named))
    return erased


def erase_exports_before(cutoff: datetime) -> int:
    """Erase the filters of exports older than ``cutoff``; the exports stay on record."""
    return _erase_details(AuditEvent.action == "export", AuditEvent.created_at < cutoff)


# Verification.


@dataclass(frozen=True)
class Verification:
    checked: int
    broken_id: int | None = None
    problem: str | None = None
    erased: list[int] = field(default_factory=list)  # records whose details were erased

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _details_problem(event: AuditEvent) -> str | None:
    """What is wrong with a record's details, if anything (format 1 seals them in its hash)."""
    details = event.details
    if event.version == 1:
        return None
    if event.details_digest is None:
        return None if details is None else "has details that its record does not seal"
    if details is None:
        return "its details are missing (deleted, not erased)"
    if details.erased_at is not None:
        blank = details.salt is None and details.reason is None and details.data is None
        return None if blank else "its details are marked erased but are not blank"
    if details.salt is None or event.details_digest != details_digest(
        details.salt, details.reason, details.data
    ):
        return "its details no longer match the digest its record seals (they were edited)"
    return None


def verify(batch: int = 1000) -> Verification:
    """Walk the whole chain in id order; stop at the first record that does not fit."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    erased: list[int] = []
    while True:
        events = (
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .unique()
            .all()
        )
        if not events:
            return Verification(checked, erased=erased)
        for event in events:
            if event.prev_hash != expected_prev:
                return Verification(
                    checked,
                    event.id,
                    "does not follow the record before it (a record was deleted or inserted)",
                    erased,
                )
            if digest(event) != event.hash:
                return Verification(
                    checked,
                    event.id,
                    "its content no longer matches its hash (the record was edited)",
                    erased,
                )
            if problem := _details_problem(event):
                return Verification(checked, event.id, problem, erased)
            if event.erased_at is not None:
                erased.append(event.id)
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
