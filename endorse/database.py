"""Engine set-up and the one way to open a write transaction.

SQLite allows one writer at a time. A transaction that reads first and writes later
can fail at once with "database is locked" when another writer got in between, and
the busy timeout does not help then. So every write transaction starts with
``BEGIN IMMEDIATE``: it waits (up to the busy timeout) for the write lock up front.
Reads keep a plain ``BEGIN`` and, in WAL mode, never wait for writers.

Erased personal data must not linger in SQLite's files: ``secure_delete`` overwrites what a
write removes with zeros, and ``checkpoint`` empties the write-ahead log, which keeps the
pages as they were before the erasure until SQLite copies it into the database.

On PostgreSQL a web request must not wait on the database longer than a visitor waits: the
connection has a client-side connect timeout (config.py), and each statement of a request a
``statement_timeout`` (a statement stuck behind a lock ends as a 503, not as a worker that
gunicorn kills). Commands and migrations run without one: a long import is no error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)
_BEGIN_OPTION = "endorse_sqlite_begin"
_TIMEOUT_INFO = "endorse_statement_timeout"


def configure_engine(app: Flask) -> None:
    """Set up SQLite for several concurrent workers, PostgreSQL for impatient visitors."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine, app.config["DATABASE_STATEMENT_TIMEOUT"])


def _configure_postgresql(engine: Engine, statement_timeout: int) -> None:
    request_timeout = statement_timeout * 1000 or None  # milliseconds; 0: the server's own

    @event.listens_for(engine, "checkout")
    def _statement_timeout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # A pooled connection serves requests and, in one process, perhaps a command too:
        # set what this use needs, and only when it differs from what the connection has.
        wanted = request_timeout if has_request_context() else None
        if record.info.get(_TIMEOUT_INFO) == wanted:
            return
        with dbapi_connection.cursor() as cursor:
            if wanted is None:
                cursor.execute("RESET statement_timeout")
            else:
                cursor.execute(f"SET statement_timeout = {int(wanted)}")
        dbapi_connection.commit()  # a later rollback must not undo it
        record.info[_TIMEOUT_INFO] = wanted


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
        cursor.execute("PRAGMA secure_delete=ON")  # what is deleted is zeroed, not left behind
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


#: Values one ``IN (...)`` list may hold: bound parameters are capped (SQLite 32,766,
#: PostgreSQL 65,535 a statement), and short lists keep each statement quick.
IN_LIST_MAX = 1000

_T = TypeVar("_T")


def in_chunks(values: Sequence[_T], size: int = IN_LIST_MAX) -> Iterator[Sequence[_T]]:
    """``values`` in consecutive slices of at most ``size``, for one statement each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


def checkpoint(wait_seconds: int) -> bool:
    """After an erasure, on SQLite: copy the write-ahead log into the database and empty it.

    Until then the log keeps the erased data as it was, in the pages the erasure rewrote.
    Waits up to ``wait_seconds`` for other writers; returns whether the log is now empty.
    When it is not (other writers kept it busy), SQLite's own checkpoints copy it later and
    later writes overwrite it. PostgreSQL needs nothing here: see the README on VACUUM.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return True
    if session.in_transaction():
        session.commit()
    connection = session.connection()  # a new transaction that has read nothing yet
    try:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
    except OperationalError:  # this connection is inside a write transaction of its own
        busy = 1
    finally:
        timeout = current_app.config["SQLITE_BUSY_TIMEOUT"]
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        session.rollback()
    if busy:
        log.info("the write-ahead log is busy; SQLite copies the erasure at its next checkpoint")
    return not busy
