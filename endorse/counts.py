"""The public count: adjusted in the same transaction as every change that affects it.

Reading it sums one row per category, never the endorsements themselves; ``recount``
rebuilds it from the endorsements as a backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from .extensions import db
from .models import PUBLIC_STATES, Category, Endorsement, PublicCount, State
from .models.types import utcnow

_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CountSnapshot:
    organisations: int
    by_category: dict[str, int]
    updated_at: datetime


def adjust(category: Category, source: State, target: State) -> None:
    """Move the count for a state change from ``source`` to ``target``."""
    delta = int(target in PUBLIC_STATES) - int(source in PUBLIC_STATES)
    if delta:
        _add(category, delta)


def move(source: Category, target: Category) -> None:
    """A public endorsement changed category."""
    if source != target:
        _add(source, -1)
        _add(target, 1)


def _add(category: Category, delta: int) -> None:
    result = db.session.execute(
        update(PublicCount)
        .where(PublicCount.category == category.value)
        .values(organisations=PublicCount.organisations + delta, updated_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        db.session.add(PublicCount(category=category.value, organisations=max(delta, 0)))
        db.session.flush()


def read() -> CountSnapshot:
    rows = db.session.execute(select(PublicCount.category, PublicCount.organisations,
                                     PublicCount.updated_at)).all()
    by_category = {category.value: 0 for category in Category}
    updated_at = _EPOCH
    for category, organisations, changed in rows:
        by_category[category] = organisations
        updated_at = max(updated_at, changed)
    return CountSnapshot(sum(by_category.values()), by_category, updated_at)


def recount() -> CountSnapshot:
    """Rebuild the counts from the endorsements (call inside a write transaction)."""
    rows = db.session.execute(
        select(Endorsement.category, func.count())
        .where(Endorsement.state.in_(PUBLIC_STATES))
        .group_by(Endorsement.category)
    ).all()
    found = {category: number for category, number in rows}
    db.session.execute(delete(PublicCount))
    now = utcnow()
    for category in Category:
        db.session.add(PublicCount(category=category.value,
                                   organisations=found.get(category, 0), updated_at=now))
    db.session.flush()
    return read()
