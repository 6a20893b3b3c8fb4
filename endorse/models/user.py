"""Moderator accounts, and the failed sign-ins counted against an address."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import Model
from ..tokens import new_nonce
from .types import UTCDateTime, enum_type, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.MODERATOR)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to end every session of the account at once (logout, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)
    # Changes when a set-password link is used, so each link works once.
    token_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The console's and the digest's language; None: the browser's, and English for mail.
    language: Mapped[str | None] = mapped_column(String(2))
    # Whether the daily mail about entries awaiting a decision comes.
    digest: Mapped[bool] = mapped_column(default=True)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    # Flask-Login: a deactivated account is signed out, and the id carries the session
    # version, so bumping it ends old sessions.
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str, method: str) -> None:
        """Keep only a salted hash, made with werkzeug's ``method`` (e.g. "scrypt:32768:8:1")."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginFailures(Model):
    """Sign-in attempts with one address that have not succeeded, and until when the next one
    must wait (see ``moderation.lockout``). For any address typed, with or without an account."""

    __tablename__ = "login_failures"

    # SHA-256 of the address as the sign-in reads it: no typed address is kept as such.
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DigestSent(Model):
    """One row per account and day a digest went out: the database, not the senders, makes
    it once a day, however many workers and cron jobs try at the same moment."""

    __tablename__ = "digests_sent"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # in ENDORSE_TIMEZONE
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
