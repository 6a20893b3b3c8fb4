"""``flask db upgrade`` on an empty database yields exactly the models' schema, and keeps what
an older one holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
)

from endorse import audit
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import AuditEvent
from endorse.models.schema import include_for
from endorse.models.types import UTCDateTime, utcnow

pytestmark = pytest.mark.real_commits  # other connections, threads or DDL see the data


def test_migrations_match_the_models(app: Flask) -> None:
    # The test database was built from empty by the migrations alone (see conftest).
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_for(connection.dialect.name)},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_live_signature_index_is_partial_and_unique(app: Flask) -> None:
    with app.app_context():
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("endorsements")}
    live = indexes["uq_endorsements_live_email_name"]
    assert live["unique"]
    assert live["column_names"] == ["contact_email", "normalized_name"]


# The audit trail across migration 0007: records sealed before it (format 1) keep their hashes.

#: Two records as release 0006 wrote them, with the hashes it gave them (computed then): a
#: rejection whose reason names a person, and an export whose filter is an address.
LEGACY_TRAIL = [
    {
        "id": 1,
        "created_at": datetime(2026, 11, 30, 10, 0, 0, 123456, tzinfo=UTC),
        "endorsement_id": 7,
        "actor_kind": "moderator",
        "action": "transition",
        "from_state": "verified",
        "to_state": "rejected",
        "reason": "other: called Jan Peeters, jan@example.net",
        "data": None,
        "prev_hash": "0" * 64,
        "hash": "6d725df2c46b997408aacd72bfb54222c547c682a5e933ee3238ed448a808a23",
    },
    {
        "id": 2,
        "created_at": datetime(2026, 11, 30, 10, 5, 0, tzinfo=UTC),
        "endorsement_id": None,
        "actor_kind": "moderator",
        "action": "export",
        "from_state": None,
        "to_state": None,
        "reason": None,
        "data": '{"filters":{"text":"someone@example.net"}}',
        "prev_hash": "6d725df2c46b997408aacd72bfb54222c547c682a5e933ee3238ed448a808a23",
        "hash": "1a752482136ce249fcb46f194679c047baa4ddc3eb32069556c5cbbb5b82d58f",
    },
]
#: The chain head 0006 published for them at /api/v1/audit/head.
PUBLISHED = audit.Head(2, LEGACY_TRAIL[-1]["hash"])  # type: ignore[arg-type]

_LEGACY_EVENTS = Table(
    "audit_events",
    MetaData(),
    *(Column(name, Integer) for name in ("id", "endorsement_id", "subject_user_id")),
    Column("created_at", UTCDateTime()),
    *(Column(name, String) for name in ("actor_kind", "action", "from_state", "to_state")),
    Column("actor_user_id", Integer),
    *(Column(name, Text) for name in ("reason", "data", "prev_hash", "hash")),
)


def test_records_and_heads_from_before_format_2_still_verify(
    database_url: str, empty_app: Callable[..., Flask]
) -> None:
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    app = empty_app(backend, "0006")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(insert(_LEGACY_EVENTS), LEGACY_TRAIL)
            if backend == "postgresql":
                connection.execute(text("SELECT setval('audit_events_id_seq', 2)"))
        flask_migrate.upgrade()
        db.session.remove()

        assert audit.verify() == audit.Verification(2)
        assert audit.head() == PUBLISHED
        legacy = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.version, e.reason, e.data) for e in legacy] == [
            (1, LEGACY_TRAIL[0]["reason"], None),
            (1, None, LEGACY_TRAIL[1]["data"]),
        ]
        with write_transaction():
            audit.record(audit.SYSTEM, "export", data={"filters": {"text": "x@example.net"}})
            # Only format-2 details can be erased: the older ones are sealed in their hashes.
            assert audit.erase_exports_before(utcnow() + timedelta(days=1)) == 1
        result = audit.verify()
        assert (result.ok, result.checked, result.erased) == (True, 3, [3])
        assert db.session.get_one(AuditEvent, 3).prev_hash == PUBLISHED.hash


# The FAQ across migration 0009: edited answers move into one list per language.

_FAQ_ITEMS = Table(
    "faq_items",
    MetaData(),
    Column("id", Integer),
    Column("key", String),
    Column("language", String),
    Column("position", Integer),
    Column("question", String),
    Column("answer", Text),
    Column("updated_at", UTCDateTime()),
    Column("updated_by", Integer),
)


def test_edited_faq_answers_move_into_the_lists_and_back(
    database_url: str, empty_app: Callable[..., Flask]
) -> None:
    from endorse.content import lists
    from endorse.content.defaults import FAQ

    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    app = empty_app(backend, "0007")
    when = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    edited = [
        ("alternatives", "en", 7, "Are there alternatives?", "Yes: *case management*."),
        ("added-by-admins", "en", 9, "Who pays for detention?", "We all do."),
    ]
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                insert(_FAQ_ITEMS),
                [
                    dict(
                        zip(("key", "language", "position", "question", "answer"), row, strict=True)
                    )
                    | {"id": number, "updated_at": when, "updated_by": None}
                    for number, row in enumerate(edited, start=1)
                ],
            )
        flask_migrate.upgrade()
        db.session.remove()

        english = lists.items("faq", "en")
        assert [item["key"] for item in english] == [key for key, _t in FAQ] + ["added-by-admins"]
        by_key = {item["key"]: item for item in english}
        assert by_key["alternatives"]["answer"] == "Yes: *case management*."
        assert by_key["impact"]["answer"].startswith("Research has shown")  # kept as shown
        assert lists.is_default("faq", "fr")  # never edited: the built-in list, as before
        db.session.remove()

        flask_migrate.downgrade(revision="0007")
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(_FAQ_ITEMS.c.key, _FAQ_ITEMS.c.answer)
                .where(_FAQ_ITEMS.c.language == "en")
                .order_by(_FAQ_ITEMS.c.position)
            ).all()
        assert len(rows) == len(FAQ) + 1
        assert dict(rows)["alternatives"] == "Yes: *case management*."
