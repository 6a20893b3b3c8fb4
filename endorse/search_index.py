"""The narrow copy of the public names that searches read, kept in step with every change.

``sync`` runs in the transaction of each change that can publish, unpublish, rename,
move or recategorise an endorsement; ``rebuild`` recreates the copy from the endorsements
as a backstop (``flask endorse recount``) and after bulk loads.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from .extensions import db
from .models import PUBLIC_STATES, Endorsement, SearchName


def sync(entry: Endorsement) -> None:
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


def rebuild() -> int:
    """Recreate every search row from the public endorsements (inside a write transaction)."""
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
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
