"""SQL statements per public request: a fixed number, however long the list (no N+1)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from endorse import operations
from endorse.audit import SYSTEM
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import Category, Endorsement, Logo, Region
from endorse.models.types import utcnow

# path -> statements. The counts are read once (COUNT_CACHE_SECONDS=0 here, so every
# request reads them); a page is one statement; a page after another entry looks that
# entry up first; a search counts its matches in the page's statement. The home page also reads
# the position the campaign edits: its title and introduction, then its sections.
EXPECTED = {
    "/en/": 4,
    "/en/supporters": 2,
    "/en/supporters?after={middle}": 3,
    "/en/supporters?before={middle}": 3,
    "/en/supporters?q=ligue": 2,
    "/en/supporters?q=ligue&after={middle}": 3,
    "/en/supporters?letter=l": 2,
    "/en/supporters?category=ngo&region=namur": 3,  # two filters: counted, not tallied
    "/api/v1/supporters": 2,
    "/api/v1/supporters?q=ligue&per_page=200": 2,
    "/api/v1/count": 1,
}


# SQLite's BEGIN IMMEDIATE and connection PRAGMAs travel as statements too; they are not queries.
_HOUSEKEEPING = ("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_HOUSEKEEPING):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _publish(app: Flask, start: int, count: int) -> None:
    """``count`` public organisations, every third with a logo."""
    with app.app_context():
        for number in range(start, start + count):
            entry_id = operations.add_published(
                operations.Submission(
                    name=f"Ligue {number:03d}",
                    category=Category.NGO,
                    city="Namur",
                    region=Region.NAMUR,
                    contact_name="C",
                    contact_email=f"c{number}@org.example",
                    language="fr",
                    consent_publish=True,
                ),
                SYSTEM,
                "test data",
            )
            if number % 3 == 0:
                content = f"logo {number}".encode()
                with write_transaction() as session:
                    session.add(
                        Logo(
                            endorsement_id=entry_id,
                            content_type="image/webp",
                            content=content,
                            width=10,
                            height=10,
                            sha256=hashlib.sha256(content).hexdigest(),
                            consent_at=utcnow(),
                        )
                    )


def _measure(app: Flask) -> dict[str, int]:
    with app.app_context():
        ids = db.session.scalars(select(Endorsement.id).order_by(Endorsement.normalized_name))
        ordered = list(ids)
    middle = ordered[len(ordered) // 2]
    client = app.test_client()
    measured = {}
    for template in EXPECTED:
        path = template.format(middle=middle)
        with statements(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        measured[template] = len(seen)
    return measured


def test_statements_per_request_do_not_grow_with_the_list(app_factory: Any) -> None:
    app = app_factory(COUNT_CACHE_SECONDS=0)
    _publish(app, 0, 6)
    small = _measure(app)
    _publish(app, 6, 240)  # several pages, a third of them with logos
    large = _measure(app)
    assert small == EXPECTED, small
    assert large == EXPECTED, large
