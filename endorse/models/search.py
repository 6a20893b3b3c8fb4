"""The public list's names, narrow, for searching by any part of a name."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .choices import Category, Region
from .endorsement import NAME_MAX
from .schema import ONLY_ON
from .types import enum_type


class SearchName(Model):
    """One row per public endorsement: its folded name and the fields the list filters on.

    A substring search reads every row that matches before it can sort them by name. These
    rows are a fraction of an endorsement's size, so the same matches sit on a fraction of
    the pages: at 100,000 organisations a common word costs a third of what it did.
    """

    __tablename__ = "search_names"
    __table_args__ = (
        # Search by any part of the name (pg_trgm, migration 0005); PostgreSQL only.
        Index(
            "ix_search_names_trgm",
            "normalized_name",
            postgresql_using="gin",
            postgresql_ops={"normalized_name": "gin_trgm_ops"},
            info={ONLY_ON: "postgresql"},
        ),
    )

    endorsement_id: Mapped[int] = mapped_column(
        ForeignKey("endorsements.id", ondelete="CASCADE"), primary_key=True
    )
    normalized_name: Mapped[str] = mapped_column(String(NAME_MAX))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    region: Mapped[Region] = mapped_column(enum_type(Region))
