"""What every write keeps in step with the public endorsements: the tallies and the search names.

Both change in the transaction of the change that moved an endorsement in or out of the
public list (``republish``); ``recount`` rebuilds both from the endorsements as a backstop.

The tallies: a public endorsement is counted once under its category, its region and the
first letter of its name. Reading the counts reads those few dozen rows, never the
endorsements, so a page costs the same at 1,000 organisations as at 100,000.

Each worker keeps the last snapshot for ``COUNT_CACHE_SECONDS`` (a second by default):
a crowd on the home page costs one query a second per worker. A change made in this
worker forgets it at once; another worker's change shows within that second.

The search names: a narrow copy of the public names that searches read
(``models.SearchName``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from .database import in_chunks
from .extensions import db
from .models import (
    PUBLIC_STATES,
    Category,
    Endorsement,
    Facet,
    PublicTally,
    Region,
    SearchName,
    State,
)
from .models.types import utcnow
from .text import LETTERS, OTHER_LETTER, initial

_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Place:
    """Where a public endorsement is counted."""

    category: Category
    region: Region
    initial: str

    @classmethod
    def of(cls, entry: Endorsement) -> Place:
        return cls(entry.category, entry.region, initial(entry.normalized_name))

    def tally_keys(self) -> set[tuple[Facet, str]]:
        return {
            (Facet.CATEGORY, self.category.value),
            (Facet.REGION, self.region.value),
            (Facet.INITIAL, self.initial),
        }


@dataclass(frozen=True)
class CountSnapshot:
    organisations: int
    by_category: dict[str, int]
    updated_at: datetime
    by_region: dict[Region, int] = field(default_factory=dict)
    by_initial: dict[str, int] = field(default_factory=dict)  # only letters with entries

    @property
    def in_belgium(self) -> int:
        """The organisations active in Belgium: all but those abroad, whom the count includes."""
        return self.organisations - self.by_region.get(Region.ABROAD, 0)


def place_if_public(entry: Endorsement, state: State | None = None) -> Place | None:
    """Where ``entry`` counts when in ``state`` (its own by default), or None if not public."""
    return Place.of(entry) if (state or entry.state) in PUBLIC_STATES else None


def republish(before: Place | None, entry: Endorsement) -> None:
    """Bring the tallies and the search names up to date after ``entry`` changed; ``before``
    is where it counted until now. An entry public neither before nor after (a confirmation,
    say) touches neither."""
    after = place_if_public(entry)
    if before is None and after is None:
        return
    _shift(before, after)
    _sync_search_name(entry)


def count_in(entries: Sequence[Endorsement]) -> None:
    """Count many endorsements that just became public (an import) in a few statements: one
    tally update per key they touch, and their search rows in one insert."""
    _count_many(entries, 1)
    if entries:
        db.session.execute(
            insert(SearchName),
            [
                {
                    "endorsement_id": entry.id,
                    "normalized_name": entry.normalized_name,
                    "category": entry.category,
                    "region": entry.region,
                }
                for entry in entries
            ],
        )


def count_out(entries: Sequence[Endorsement]) -> None:
    """Stop counting many endorsements that were public (undoing an import): one tally
    update per key, and their search rows deleted a thousand at a time."""
    _count_many(entries, -1)
    for chunk in in_chunks([entry.id for entry in entries]):
        db.session.execute(delete(SearchName).where(SearchName.endorsement_id.in_(chunk)))


def _count_many(entries: Sequence[Endorsement], sign: int) -> None:
    deltas: Counter[tuple[Facet, str]] = Counter()
    for entry in entries:
        deltas.update(Place.of(entry).tally_keys())
    for (facet, key), delta in sorted(deltas.items()):
        _add(facet, key, sign * delta)


def _shift(before: Place | None, after: Place | None) -> None:
    """An endorsement stopped counting at ``before`` and now counts at ``after``."""
    old = before.tally_keys() if before else set()
    new = after.tally_keys() if after else set()
    for facet, key in old - new:
        _add(facet, key, -1)
    for facet, key in new - old:
        _add(facet, key, 1)


def _add(facet: Facet, key: str, delta: int) -> None:
    result = db.session.execute(
        update(PublicTally)
        .where(PublicTally.facet == facet, PublicTally.key == key)
        .values(organisations=PublicTally.organisations + delta, updated_at=utcnow())
    )
    # An UPDATE's result is a CursorResult, but Session.execute is typed as returning Result.
    if result.rowcount == 0:  # type: ignore[attr-defined]
        db.session.add(PublicTally(facet=facet, key=key, organisations=max(delta, 0)))
        db.session.flush()
    db.session.info[_CHANGED] = True


def _sync_search_name(entry: Endorsement) -> None:
    """Make ``entry``'s search row match it: there with its fields while public, else gone."""
    row = db.session.get(SearchName, entry.id)
    if entry.state not in PUBLIC_STATES:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(
            SearchName(
                endorsement_id=entry.id,
                normalized_name=entry.normalized_name,
                category=entry.category,
                region=entry.region,
            )
        )
    else:
        row.normalized_name, row.category, row.region = (
            entry.normalized_name,
            entry.category,
            entry.region,
        )


def read_counts() -> CountSnapshot:
    """The counts, at most ``COUNT_CACHE_SECONDS`` old (and fresh after a change here)."""
    cache = _cache()
    now = time.monotonic()
    cached = cache.get("snapshot")
    if cached is not None and now - cached[0] < current_app.config["COUNT_CACHE_SECONDS"]:
        return cached[1]
    snapshot = _read()
    cache["snapshot"] = (now, snapshot)
    return snapshot


def _read() -> CountSnapshot:
    rows = db.session.execute(
        select(
            PublicTally.facet, PublicTally.key, PublicTally.organisations, PublicTally.updated_at
        )
    ).all()
    by_category = {category.value: 0 for category in Category}
    by_region = {region: 0 for region in Region}
    by_initial: dict[str, int] = {}
    updated_at = _EPOCH
    for facet, key, organisations, changed in rows:
        updated_at = max(updated_at, changed)
        if facet == Facet.CATEGORY:
            by_category[key] = organisations
        elif facet == Facet.REGION and key in Region._value2member_map_:
            by_region[Region(key)] = organisations
        elif facet == Facet.INITIAL and organisations > 0:
            by_initial[key] = organisations
    return CountSnapshot(sum(by_category.values()), by_category, updated_at, by_region, by_initial)


def recount() -> CountSnapshot:
    """Rebuild the tallies and the search names from the endorsements (call inside a write
    transaction): the backstop for both, and the step after a bulk load."""
    _rebuild_search_names()
    # Every value gets a row, even at zero, so approvals only ever UPDATE.
    tallies = {key: 0 for key in _every_key()}
    first = func.substr(Endorsement.normalized_name, 1, 1)
    rows = db.session.execute(
        select(Endorsement.category, Endorsement.region, first, func.count())
        .where(Endorsement.state.in_(PUBLIC_STATES))
        .group_by(Endorsement.category, Endorsement.region, first)
    ).all()
    for category, region, letter, number in rows:
        for key in Place(category, region, initial(letter or OTHER_LETTER)).tally_keys():
            tallies[key] = tallies.get(key, 0) + number
    db.session.execute(delete(PublicTally))
    now = utcnow()
    db.session.add_all(
        PublicTally(facet=facet, key=key, organisations=number, updated_at=now)
        for (facet, key), number in tallies.items()
    )
    db.session.flush()
    db.session.info[_CHANGED] = True
    return _read()


def _rebuild_search_names() -> int:
    """Recreate every search row from the public endorsements."""
    db.session.execute(delete(SearchName))
    result = db.session.execute(
        insert(SearchName).from_select(
            ["endorsement_id", "normalized_name", "category", "region"],
            select(
                Endorsement.id,
                Endorsement.normalized_name,
                Endorsement.category,
                Endorsement.region,
            ).where(Endorsement.state.in_(PUBLIC_STATES)),
        )
    )
    # An INSERT's result is a CursorResult, but Session.execute is typed as returning Result.
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _every_key() -> list[tuple[Facet, str]]:
    return (
        [(Facet.CATEGORY, c.value) for c in Category]
        + [(Facet.REGION, r.value) for r in Region]
        + [(Facet.INITIAL, letter) for letter in (*LETTERS, OTHER_LETTER)]
    )


# The per-worker cache lives on the app, and is forgotten when a transaction that changed
# the counts commits.
_CHANGED = "endorse_counts_changed"
_CACHE = "endorse_counts"


def init_app(app: Flask) -> None:
    """Give the app its count cache, and listen (once per process) for commits that change it."""
    app.extensions[_CACHE] = {}
    if not event.contains(Session, "after_commit", _forget):
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _keep)


def _cache() -> dict[str, tuple[float, CountSnapshot]]:
    cache: dict[str, tuple[float, CountSnapshot]] = current_app.extensions[_CACHE]
    return cache


def _forget(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        _cache().clear()


def _keep(session: Session) -> None:
    session.info.pop(_CHANGED, None)
