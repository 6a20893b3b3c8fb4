"""Tallies of the public endorsements, kept so that reading a count never scans them.

One row per facet value: each category, each region and each first letter of the
A–Z index. The public total is the sum of the category rows.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class Facet(StrEnum):
    CATEGORY = "category"
    REGION = "region"
    INITIAL = "initial"  # a–z, or "#" for a name that starts with anything else


class PublicTally(Model):
    __tablename__ = "public_tallies"

    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisations: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
