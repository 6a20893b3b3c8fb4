"""A signer's correction of a published endorsement, waiting beside the live version.

The live fields stay public (list, count, API, feeds) until a moderator accepts the
correction; one waits per endorsement, and a newer one replaces it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .choices import Category, Region
from .endorsement import CITY_MAX, NAME_MAX, STATEMENT_MAX, WEBSITE_MAX
from .types import UTCDateTime, enum_type, utcnow


class Correction(Model):
    __tablename__ = "corrections"
    # SQLite would reuse the id of the row a newer proposal replaced: AUTOINCREMENT never does.
    __table_args__ = {"sqlite_autoincrement": True}

    # A new id for each proposal, so a moderator decides on the version they saw.
    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(
        ForeignKey("endorsements.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    city: Mapped[str] = mapped_column(String(CITY_MAX))
    region: Mapped[Region] = mapped_column(enum_type(Region))
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))
    statement: Mapped[str | None] = mapped_column(String(STATEMENT_MAX))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<Correction {self.id} of endorsement {self.endorsement_id}>"
