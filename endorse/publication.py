"""The public view of endorsements: the only shape in which they leave the app.

``PublicEntry`` has no contact fields, and the queries select only public columns,
so no page, feed, export or API response built from it can leak personal data.
Pages are keyset-paginated (after/before an entry), so page 500 costs what page 1 does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Row,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    exists,
    func,
    or_,
    select,
    tuple_,
)

from . import projections
from .extensions import db
from .models import PUBLIC_STATES, Area, Category, Endorsement, Logo, Region, SearchName
from .operations import EDITABLE, PublicFields
from .text import LETTERS, OTHER_LETTER, fold

MAX_PER_PAGE = 200

# In the order of PublicEntry's fields: the public fields, then its id and publication date.
_PUBLIC_COLUMNS = (
    *(getattr(Endorsement, name) for name in EDITABLE),
    Endorsement.id,
    Endorsement.approved_at,
)


@dataclass(frozen=True, kw_only=True)
class PublicEntry(PublicFields):
    """A published organisation: its public fields, and nothing of the person who signed."""

    id: int
    approved_at: datetime | None
    has_logo: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category.value,
            "city": self.city,
            "region": self.region.value,
            "area": self.region.area.value,
            "website": self.website,
            "statement": self.statement,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "logo": self.has_logo,
        }


@dataclass(frozen=True, kw_only=True)
class SupporterQuery:
    """What a visitor asks of the list; every field optional."""

    text: str | None = None
    category: Category | None = None
    region: Region | None = None
    area: Area | None = None
    letter: str | None = None  # a–z or "#"
    after: int | None = None  # the id of the last entry of the previous page
    before: int | None = None  # the id of the first entry of the next page
    per_page: int  # ENDORSE_PER_PAGE unless the visitor asked for another size

    def filters(self) -> dict[str, str]:
        """The filters as query-string values, without the page position."""
        values = {
            "q": self.text,
            "category": self.category,
            "region": self.region,
            "area": self.area,
            "letter": self.letter,
        }
        return {k: str(v) for k, v in values.items() if v}


@dataclass(frozen=True)
class SupporterPage:
    entries: list[PublicEntry]
    total: int  # matching the filters, on all pages
    next_after: int | None  # pass as ``after`` for the next page
    previous_before: int | None  # pass as ``before`` for the previous page
    tallies: projections.CountSnapshot  # the counts the page was made with
    letters: frozenset[str] = field(default_factory=frozenset)  # letters that have entries


def _public() -> Select[int]:
    return select(Endorsement.id).where(Endorsement.state.in_(PUBLIC_STATES))


def _filtered(query: Select, wanted: SupporterQuery) -> Select:
    """``query`` over the endorsements, narrowed to the public ones ``wanted``."""
    return query.where(Endorsement.state.in_(PUBLIC_STATES), *_conditions(wanted, Endorsement))


def _conditions(wanted: SupporterQuery, table: Any) -> list[ColumnElement[bool]]:
    """What ``wanted`` asks, on ``table``'s normalized_name, category and region columns
    (the endorsements', or the search names')."""
    name = table.normalized_name
    conditions = []
    if wanted.text and (folded := fold(wanted.text)):
        conditions.append(name.contains(folded, autoescape=True))
    if wanted.category:
        conditions.append(table.category == wanted.category)
    if wanted.region:
        conditions.append(table.region == wanted.region)
    if wanted.area:
        conditions.append(table.region.in_([r for r in Region if r.area == wanted.area]))
    if wanted.letter == OTHER_LETTER:
        conditions.append(or_(name < "a", name >= "{"))  # "{" follows "z"
    elif wanted.letter in LETTERS:
        conditions.append(and_(name >= wanted.letter, name < chr(ord(wanted.letter) + 1)))
    return conditions


def _sort_key(entry_id: int | None) -> tuple[str, int] | None:
    if entry_id is None:
        return None
    name = db.session.scalar(
        select(Endorsement.normalized_name).where(
            Endorsement.id == entry_id, Endorsement.state.in_(PUBLIC_STATES)
        )
    )
    return (name, entry_id) if name is not None else None


def supporters(wanted: SupporterQuery) -> SupporterPage:
    """One page of approved organisations in alphabetical order (accents and case folded).

    One statement picks the page's ids by keyset from the matches (the name index covers it),
    then fetches their columns; a text search also counts its matches in that statement.
    """
    per_page = min(max(wanted.per_page, 1), MAX_PER_PAGE)
    matches = _matches(wanted)
    key = tuple_(matches.c.normalized_name, matches.c.id)
    ids = select(matches.c.id, matches.c.normalized_name)
    after, before = _sort_key(wanted.after), _sort_key(wanted.before)
    backwards = before is not None
    if before is not None:
        ids = ids.where(key < tuple_(*before)).order_by(
            matches.c.normalized_name.desc(), matches.c.id.desc()
        )
    else:
        if after is not None:
            ids = ids.where(key > tuple_(*after))
        ids = ids.order_by(matches.c.normalized_name, matches.c.id)
    chosen = ids.limit(per_page + 1).subquery("chosen")
    counted = _counted_here(wanted, matches)
    rows = db.session.execute(
        select(*_PUBLIC_COLUMNS, _has_logo(Endorsement.id), *counted)
        .join(chosen, chosen.c.id == Endorsement.id)
        .where(Endorsement.state.in_(PUBLIC_STATES))  # whatever the search names say
        .order_by(chosen.c.normalized_name, chosen.c.id)
    ).all()
    if backwards:
        more_before, more_after = len(rows) > per_page, True
        rows = rows[-per_page:] if more_before else rows
    else:
        more_before, more_after = after is not None, len(rows) > per_page
        rows = rows[:per_page]
    entries = [_entry(row) for row in rows]
    tallies = projections.read_counts()
    total = _tallied_total(wanted, tallies)
    if total is None and counted and rows:
        total = rows[0][-1]
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(matches)) or 0
    return SupporterPage(
        entries,
        total,
        next_after=entries[-1].id if entries and more_after else None,
        previous_before=entries[0].id if entries and more_before else None,
        tallies=tallies,
        letters=frozenset(tallies.by_initial),
    )


_ENTRY_FIELDS = (*EDITABLE, "id", "approved_at", "has_logo")


def _entry(row: Row[*tuple[Any, ...]]) -> PublicEntry:
    values = row._mapping
    return PublicEntry(**{name: values[name] for name in _ENTRY_FIELDS})


def _matches(wanted: SupporterQuery) -> Subquery | CTE:
    """The public entries that match, as (id, normalized_name), to page through in name order.

    A text search reads the narrow search names (``SearchName``), fenced off in a
    materialised CTE on PostgreSQL: the trigram index finds the matches wherever they are in
    the alphabet, and only those are sorted. Without the fence the planner walks the name
    index from "a", and a word common under "v" costs a walk through the whole list. Other
    filters page straight down the endorsements' name index.
    """
    if wanted.text:
        source = select(SearchName.endorsement_id.label("id"), SearchName.normalized_name).where(
            *_conditions(wanted, SearchName)
        )
        return source.cte("matches").prefix_with("MATERIALIZED", dialect="postgresql")
    return _filtered(select(Endorsement.id, Endorsement.normalized_name), wanted).subquery(
        "matches"
    )


def _counted_here(wanted: SupporterQuery, matches: Subquery | CTE) -> list[ColumnElement[int]]:
    """A text search's total, from the matches the page was picked from: no second scan."""
    if not wanted.text:
        return []
    return [select(func.count()).select_from(matches).scalar_subquery().label("total")]


def _has_logo(entry_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    return exists().where(Logo.endorsement_id == entry_id).label("has_logo")


def _tallied_total(wanted: SupporterQuery, tallies: projections.CountSnapshot) -> int | None:
    """The total when the tallies hold it (no filter, or a single one); None to count."""
    filters = [
        name for name in ("text", "category", "region", "area", "letter") if getattr(wanted, name)
    ]
    if not filters:
        return tallies.organisations
    if len(filters) > 1:
        return None
    if wanted.category:
        return tallies.by_category.get(wanted.category.value, 0)
    if wanted.region:
        return tallies.by_region.get(wanted.region, 0)
    if wanted.area:
        return by_area(tallies.by_region)[wanted.area]
    if wanted.letter:
        return tallies.by_initial.get(wanted.letter, 0)
    return None


def newest(limit: int = 6) -> list[PublicEntry]:
    rows = db.session.execute(
        select(*_PUBLIC_COLUMNS, _has_logo(Endorsement.id))
        .where(Endorsement.state.in_(PUBLIC_STATES))
        .order_by(Endorsement.approved_at.desc(), Endorsement.id.desc())
        .limit(limit)
    ).all()
    return [_entry(row) for row in rows]


def all_public() -> Select:
    """Every public entry in alphabetical order, for exports (stream it)."""
    return (
        select(*_PUBLIC_COLUMNS)
        .where(Endorsement.state.in_(PUBLIC_STATES))
        .order_by(Endorsement.normalized_name, Endorsement.id)
    )


def by_area(regions: dict[Region, int]) -> dict[Area, int]:
    """The provinces rolled up into Flanders, Wallonia, Brussels (and abroad)."""
    totals = {area: 0 for area in Area}
    for region, number in regions.items():
        totals[region.area] += number
    return totals


def public_logo(endorsement_id: int) -> Logo | None:
    """A logo, only while its endorsement is public."""
    return db.session.scalar(
        select(Logo).where(
            Logo.endorsement_id == endorsement_id,
            exists(_public().where(Endorsement.id == Logo.endorsement_id)),
        )
    )
