"""The audit trail: append-only, hash-chained, and free of personal data."""

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
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str | None] = mapped_column(Text)  # canonical JSON: what changed
    # Each record seals its content and its predecessor's hash: editing or deleting
    # any record breaks every hash after it.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # The moderator who acted, for the console; loaded with the record.
    actor: Mapped[User | None] = relationship(lazy="joined", viewonly=True)
