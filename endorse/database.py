"""Engine set-up and the one way to open a write transaction.

SQLite allows one writer at a time. A transaction that reads first and writes later
can fail at once with "database is locked" when another writer got in between, and
the busy timeout does not help then. So every write transaction starts with
``BEGIN IMMEDIATE``: it waits (up to the busy timeout) for the write lock up front.
Reads keep a plain ``BEGIN`` and, in WAL mode, never wait for writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from .extensions import db

_BEGIN_OPTION = "endorse_sqlite_begin"


def configure_engine(app: Flask) -> None:
    """Set up SQLite for several concurrent workers; PostgreSQL needs nothing."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])


def _configure_sqlite(engine: Engine, busy_timeout: int) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block in one write transaction: commit on success, roll back on error."""
    session = db.session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_transaction() entered with unsaved changes")
        # A read transaction may be open; end it so the writer's BEGIN comes first.
        session.commit()
    session.connection(execution_options={_BEGIN_OPTION: "immediate"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
