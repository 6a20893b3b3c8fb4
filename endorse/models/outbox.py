"""The mail outbox: a request writes a message here in its own transaction; delivery comes after."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, enum_type, utcnow


class MailKind(StrEnum):
    CONFIRM = "confirm"  # the confirmation link
    ALREADY_CONFIRMED = "already_confirmed"  # a re-signing of a confirmed endorsement
    REJECTED = "rejected"  # a moderator's refusal, when they chose to tell the signer
    INVITE = "invite"  # a set-password link for a new moderator
    MANAGE = "manage"  # a signer's link to see, edit, withdraw or erase their endorsement
    CLAIM = "claim"  # an imported supporter's one mail: listed, with a link to check it


class MailStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until locked_until
    SENT = "sent"
    FAILED = "failed"  # gave up after the maximum number of attempts


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int | None] = mapped_column(index=True)
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
