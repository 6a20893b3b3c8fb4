"""Figures for the moderators' dashboard, and the chart of approvals drawn as SVG points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from .extensions import db
from .models import PUBLIC_STATES, Category, Endorsement, Region, State


@dataclass(frozen=True)
class Overview:
    by_state: dict[State, int]
    by_category: dict[Category, int]  # public only
    by_region: dict[Region, int]  # public only


def overview() -> Overview:
    def grouped(column: object, public: bool) -> dict[object, int]:
        query = select(column, func.count()).group_by(column)
        if public:
            query = query.where(Endorsement.state.in_(PUBLIC_STATES))
        return dict(db.session.execute(query).all())  # type: ignore[arg-type]

    states = grouped(Endorsement.state, public=False)
    categories = grouped(Endorsement.category, public=True)
    regions = grouped(Endorsement.region, public=True)
    return Overview(
        {s: states.get(s, 0) for s in State},
        {c: categories.get(c, 0) for c in Category},
        {r: regions.get(r, 0) for r in Region},
    )


@dataclass(frozen=True)
class Chart:
    """A cumulative line of approvals per day, scaled into a width × height box."""

    width: int
    height: int
    points: str  # for <polyline points="...">
    first: date | None
    last: date | None
    total: int


def approvals_chart(width: int = 600, height: int = 160) -> Chart:
    days = (
        db.session.execute(
            select(Endorsement.approved_at).where(
                Endorsement.state.in_(PUBLIC_STATES), Endorsement.approved_at.is_not(None)
            )
        )
        .scalars()
        .all()
    )
    per_day: dict[date, int] = {}
    for moment in days:
        per_day[moment.date()] = per_day.get(moment.date(), 0) + 1
    if not per_day:
        return Chart(width, height, "", None, None, 0)
    first, last = min(per_day), max(per_day)
    span = max((last - first).days, 1)
    total = sum(per_day.values())
    running = 0
    coordinates = [f"0,{height}"]
    day = first
    while day <= last:
        running += per_day.get(day, 0)
        x = round((day - first).days / span * width, 1)
        y = round(height - running / total * height, 1)
        coordinates.append(f"{x},{y}")
        day += timedelta(days=1)
    return Chart(width, height, " ".join(coordinates), first, last, total)
