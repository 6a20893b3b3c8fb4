"""A JSON backup of the whole database, and its import: for restores and for moving databases.

The document holds every table of the models, row by row, in dependency order, and the Alembic
revision it was taken at: an import goes only into a database at that same revision, so every
column means what it meant. Values keep their exact content (bytes as base64, datetimes as
ISO-8601 with offset): the audit trail is hash-chained, and one changed character would break it.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError as AlembicError
from flask import current_app
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Enum,
    Integer,
    LargeBinary,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

from .database import write_transaction
from .extensions import db
from .models import AuditEvent, Endorsement, User
from .models.types import utcnow

FORMAT = "endorse-backup"
VERSION = 1
BATCH = 1000  # rows read (yield_per) or inserted per round trip
#: An import refuses to mix with real data in these tables unless asked to replace it.
GUARDED_TABLES = (Endorsement.__tablename__, User.__tablename__, AuditEvent.__tablename__)


class BackupError(Exception):
    """The backup cannot be written or imported; the message says why, in one line."""


@dataclass(frozen=True)
class Backup:
    """A parsed, checked backup document."""

    revision: str
    exported_at: str
    tables: dict[str, list[dict[str, Any]]]


def tables() -> list[Table]:
    """Every table of the models, each after the tables it refers to."""
    return list(db.metadata.sorted_tables)


def current_revision(connection: Connection) -> str | None:
    """The database's Alembic revision (None when it was never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


# Export


def export_json(out: IO[str], batch: int = BATCH) -> dict[str, int]:
    """Write the whole database to ``out`` as one JSON document; return the rows per table.

    All tables are read in one transaction, so the backup is one consistent moment even while
    the app keeps writing. The JSON is written row by row, never held in memory whole.
    """
    written: dict[str, int] = {}
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot for every table (SQLite in WAL mode keeps one per transaction).
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        revision = current_revision(connection)
        if revision is None:
            raise BackupError("the database has no Alembic revision; run `flask db upgrade` first")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utcnow().isoformat(),
            "alembic_revision": revision,
        }
        out.write("{\n")
        for key, value in header.items():
            out.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
        out.write('"tables": {')
        for number, table in enumerate(tables()):
            out.write(f"{',' if number else ''}\n{json.dumps(table.name)}: [")
            count = 0
            for row in _rows(connection, table, batch):
                line = json.dumps(row, ensure_ascii=False, default=_unexpected)
                out.write(f"{',' if count else ''}\n{line}")
                count += 1
            out.write("\n]")
            written[table.name] = count
        out.write("\n}\n}\n")
    return written


def _rows(connection: Connection, table: Table, batch: int) -> Iterator[dict[str, Any]]:
    convert = [(column.name, _to_json(column)) for column in table.columns]
    query = select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(query, execution_options={"yield_per": batch}):
        yield {name: write(value) for (name, write), value in zip(convert, row, strict=True)}


def _to_json(column: Column[Any]) -> Callable[[Any], Any]:
    """How to write the column's values as JSON; decided once per column, for speed."""
    kind = _base_type(column)
    if isinstance(kind, DateTime):
        return _optional(
            lambda value: (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        )
    if isinstance(kind, LargeBinary):
        return _optional(lambda value: base64.b64encode(value).decode("ascii"))
    if isinstance(kind, Enum):
        return _optional(lambda value: value.value if isinstance(value, enum.Enum) else value)
    return _same


def _unexpected(value: Any) -> Any:
    raise BackupError(f"cannot write a value of type {type(value).__name__} to JSON")


# Import


def load(stream: IO[bytes] | IO[str]) -> Backup:
    """Parse a backup and check its shape, before anything touches the database."""
    try:
        document = json.load(stream)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"the file is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f'the file is not an endorse backup (its "format" is not "{FORMAT}")')
    if document.get("version") != VERSION:
        raise BackupError(
            f"backup format version {document.get('version')!r} is not supported "
            f"(this app reads version {VERSION})"
        )
    revision, data = document.get("alembic_revision"), document.get("tables")
    if not isinstance(revision, str) or not isinstance(data, dict):
        raise BackupError('the backup has no "alembic_revision" or no "tables"')
    known = {table.name: table for table in tables()}
    if unknown := sorted(set(data) - set(known)):
        raise BackupError(f"the backup holds tables this app does not have: {', '.join(unknown)}")
    if missing := sorted(set(known) - set(data)):
        raise BackupError(f"the backup lacks tables: {', '.join(missing)}")
    for name, rows in data.items():
        columns = set(known[name].columns.keys())
        if not isinstance(rows, list):
            raise BackupError(f"table {name}: not a list of rows")
        for number, row in enumerate(rows, 1):
            if not isinstance(row, dict) or set(row) != columns:
                raise BackupError(f"table {name}, row {number}: its columns are not the table's")
    return Backup(revision, str(document.get("exported_at")), data)


def import_backup(backup: Backup, *, replace: bool = False) -> dict[str, int]:
    """Load a backup into this database in one transaction; return the rows per table.

    Every table is emptied first, so rows that the migrations seeded (the public count's)
    end up exactly as in the backup. Without ``replace`` it refuses a database that holds
    real data: a restore must never quietly overwrite a live campaign.
    """
    imported: dict[str, int] = {}
    with write_transaction() as session:
        connection = session.connection()
        target = current_revision(connection)
        if target != backup.revision:
            raise BackupError(_revision_mismatch(backup.revision, target))
        if not replace:
            held = [
                name
                for name in GUARDED_TABLES
                if session.execute(select(1).select_from(db.metadata.tables[name]).limit(1)).first()
            ]
            if held:
                raise BackupError(
                    f"the target database already holds rows in {', '.join(held)}; "
                    f"add --replace to delete everything in it first"
                )
        _delete_everything(session)
        for table in tables():
            imported[table.name] = _insert(session, table, backup.tables[table.name])
        if connection.dialect.name == "postgresql":
            _reset_sequences(session)
    return imported


def _revision_mismatch(wanted: str, target: str | None) -> str:
    """Say how to bring the target to the backup's revision, which depends on which is newer."""
    problem = (
        f"the backup is of database revision {wanted} but this database is at "
        f"{target or 'no revision'}"
    )
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        scripts.get_revision(wanted)
        older = target is not None and wanted in {
            script.revision for script in scripts.iterate_revisions(target, "base")
        }
    except AlembicError:
        return (
            f"{problem}; this app's migrations do not know one of them: import with the "
            f"app version that made the backup"
        )
    command = "downgrade" if older else "upgrade"
    return f"{problem}: it needs revision {wanted} (`flask db {command} {wanted}`)"


def _self_references(table: Table) -> list[str]:
    """The table's columns that refer to the table itself (an endorsement's duplicate_of_id)."""
    return [
        column.name
        for column in table.columns
        if any(key.column.table is table for key in column.foreign_keys)
    ]


def _delete_everything(session: Session) -> None:
    """Empty every table, those that refer to others first.

    A column that refers to its own table gets an index for the time of the deletion: without
    one, every deleted row makes the database scan the whole table for rows pointing at it,
    which takes hours for 100,000 endorsements. The index goes with the transaction.
    """
    quote = session.get_bind().dialect.identifier_preparer.quote
    temporary = []
    for table in tables():
        for column in _self_references(table):
            name = quote(f"tmp_backup_{table.name}_{column}")
            session.execute(text(f"CREATE INDEX {name} ON {quote(table.name)} ({quote(column)})"))
            temporary.append(name)
    for table in reversed(tables()):
        session.execute(table.delete())
    for name in temporary:
        session.execute(text(f"DROP INDEX {name}"))


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert the rows in batches; references to the same table are set once all rows exist."""
    convert = {column.name: _from_json(column) for column in table.columns}
    own = _self_references(table)
    # Setting those references again would otherwise also move ``onupdate`` columns.
    keep = own + [
        column.name
        for column in table.columns
        if column.onupdate is not None and column.name not in own
    ]
    primary = [column.name for column in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    try:
        for start in range(0, len(rows), BATCH):
            batch = [
                {name: convert[name](value) for name, value in row.items()}
                for row in rows[start : start + BATCH]
            ]
            for row in batch:
                if any(row[name] is not None for name in own):
                    later.append({f"b_{name}": row[name] for name in primary + keep})
                    row.update({name: None for name in own})
            session.execute(insert(table), batch)
        if later:
            statement = (
                update(table)
                .where(*(table.c[name] == bindparam(f"b_{name}") for name in primary))
                .values({name: bindparam(f"b_{name}") for name in keep})
            )
            session.execute(statement, later)
    except (ValueError, TypeError) as exc:  # bad base64, datetime or enum value
        raise BackupError(f"table {table.name}: a value cannot be read back: {exc}") from exc
    except DBAPIError as exc:
        problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise BackupError(f"table {table.name}: the database refused a row: {problem}") from exc
    return len(rows)


def _from_json(column: Column[Any]) -> Callable[[Any], Any]:
    """How to turn a JSON value back into what the column's type binds."""
    kind = _base_type(column)
    if isinstance(kind, DateTime):
        return _optional(_parse_datetime)
    if isinstance(kind, LargeBinary):
        return _optional(lambda encoded: base64.b64decode(encoded, validate=True))
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return _optional(kind.enum_class)
    return _same


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    """The column's type under any TypeDecorator (UTCDateTime is a DateTime)."""
    kind: TypeEngine[Any] = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _same(value: Any) -> Any:
    return value


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _parse_datetime(text: str) -> datetime:
    """An aware UTC datetime; a value without an offset is taken as UTC, as the app stores it."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _reset_sequences(session: Session) -> None:
    """Move PostgreSQL's id sequences past the imported ids, so new rows do not collide."""
    for table in tables():
        column = table.c.get("id")
        if column is None or not column.primary_key or not isinstance(column.type, Integer):
            continue
        highest = func.max(column)
        session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"),
                    func.coalesce(highest, 1),
                    highest.is_not(None),
                )
            ).select_from(table)
        )
