"""The audit trail: append-only, hash-chained, and free of personal data by design.

A record's chained fields say who did what to which endorsement or account, and when. What it
says in words (a moderator's reason, an export's filters, an edit's changes) is its *details*,
kept in a row of their own: the chain seals a salted digest of them, so erasure and purge can
blank them and the chain still verifies (see ``endorse.audit``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .states import State
from .types import UTCDateTime, enum_type, utcnow
from .user import User


class ActorKind(StrEnum):
    SIGNER = "signer"
    MODERATOR = "moderator"
    SYSTEM = "system"


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # By id only, with no foreign key: purging an endorsement must not break the trail.
    endorsement_id: Mapped[int | None] = mapped_column(index=True)
    subject_user_id: Mapped[int | None]  # the account an admin action was about
    actor_kind: Mapped[ActorKind] = mapped_column(enum_type(ActorKind))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    from_state: Mapped[State | None] = mapped_column(enum_type(State))
    to_state: Mapped[State | None] = mapped_column(enum_type(State))
    # The format of the hash: 1 sealed the details themselves (records written before
    # migration 0007; their details can never be erased), 2 seals ``details_digest``.
    version: Mapped[int]
    details_digest: Mapped[str | None] = mapped_column(String(64))  # None: no details
    # Each record seals its content and its predecessor's hash: editing or deleting
    # any record breaks every hash after it.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # The moderator who acted, for the console; loaded with the record.
    actor: Mapped[User | None] = relationship(lazy="joined", viewonly=True)
    details: Mapped[AuditDetails | None] = relationship(lazy="joined")

    @property
    def reason(self) -> str | None:
        return self.details.reason if self.details is not None else None

    @property
    def data(self) -> str | None:
        """Canonical JSON: what changed, what was exported..."""
        return self.details.data if self.details is not None else None

    @property
    def erased_at(self) -> datetime | None:
        """When the details were erased, if they were."""
        return self.details.erased_at if self.details is not None else None


class AuditDetails(Model):
    """What a record says in words, which may name a person: erasable."""

    __tablename__ = "audit_details"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("audit_events.id", ondelete="CASCADE"), primary_key=True
    )
    # Random, so that the digest the chain keeps cannot be checked against guesses of what
    # the details said once they are erased (format 2; none for format 1).
    salt: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str | None] = mapped_column(Text)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
