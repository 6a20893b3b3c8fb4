"""The public count, kept per category so reading it never scans the endorsements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class PublicCount(db.Model):
    __tablename__ = "public_counts"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisations: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
