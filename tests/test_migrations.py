"""``flask db upgrade`` on an empty database yields exactly the models' schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from endorse.extensions import db
from endorse.models.schema import include_for

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
