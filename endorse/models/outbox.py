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
    CORRECTION_ACCEPTED = "correction_accepted"  # a signer's correction is now public
    CORRECTION_REFUSED = "correction_refused"  # a signer's correction was not accepted
    DIGEST = "digest"  # a moderator's daily note of entries awaiting a decision
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


class LinkRequest(Model):
    """Someone asked for a link (``kind`` CONFIRM or MANAGE) for an address, from a page in
    ``language``. Recorded alike for any address, so the request reveals nothing; the sender
    looks the address up and deletes the row, so it is kept only until then."""

    __tablename__ = "link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
