"""The public view of endorsements: the only shape in which they leave the app.

``PublicEntry`` has no contact fields, and the queries select only public columns,
so no page, feed or export built from it can leak personal data by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .extensions import db
from .models import PUBLIC_STATES, Category, Endorsement, Region

_PUBLIC_COLUMNS = (
    Endorsement.id,
    Endorsement.name,
    Endorsement.category,
    Endorsement.city,
    Endorsement.region,
    Endorsement.website,
    Endorsement.statement,
    Endorsement.approved_at,
)


@dataclass(frozen=True)
class PublicEntry:
    id: int
    name: str
    category: Category
    city: str
    region: Region
    website: str | None
    statement: str | None
    approved_at: datetime | None


@dataclass(frozen=True)
class Page:
    entries: list[PublicEntry]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def supporters(page: int, per_page: int) -> Page:
    """Approved organisations in alphabetical order (accents and case folded)."""
    public = Endorsement.state.in_(PUBLIC_STATES)
    total = db.session.scalar(select(func.count()).select_from(Endorsement).where(public)) or 0
    number = min(max(page, 1), max(1, -(-total // per_page)))
    rows = db.session.execute(
        select(*_PUBLIC_COLUMNS)
        .where(public)
        .order_by(Endorsement.normalized_name, Endorsement.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page([PublicEntry(*row) for row in rows], number, per_page, total)
