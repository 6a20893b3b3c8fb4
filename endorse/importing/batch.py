"""Planning, running and undoing an import, and adding one organisation by hand.

All or nothing: a file with any invalid row imports nothing, and the plan names each
problem. A row whose name (normalised) is already on record, or on an earlier row, is
skipped, so importing a file twice imports nothing the second time. What is imported is
published at once and dated by when it was signed, not by the day of the import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, text

from .. import audit, operations, projections
from ..audit import Actor
from ..database import checkpoint, in_chunks, write_transaction
from ..errors import DomainError, NotFound
from ..extensions import db
from ..mail import messages
from ..mail.outbox import deliver_after_response, enqueue
from ..models import (
    LIVE_STATES,
    Endorsement,
    ImportStatus,
    MailKind,
    State,
    SupporterImport,
)
from ..models.imports import CONSENT_NOTE_MAX, FILENAME_MAX
from ..models.types import utcnow
from ..tokens import new_nonce
from . import csvfile
from .csvfile import Problem, RawRow
from .rows import Row, check

IMPORTED_CONSENT = "imported"  # consent_version of an entry that signed before the site
BY_HAND_CONSENT = "added by hand"
_IMPORT_LOCK = 0x696D706F  # "impo": one import at a time on PostgreSQL
_NAME_CHUNK = 500


class NotImported(DomainError):
    """An import that cannot be undone: it was undone already, or never ran."""


@dataclass(frozen=True)
class Options:
    """What the importer chose for the whole file."""

    language: str | None = None  # for rows that name none
    consent_note: str | None = None  # how these organisations gave their consent
    claim_mails: bool = False  # one mail to each contact with an address


@dataclass(frozen=True)
class Existing:
    endorsement_id: int
    state: State


@dataclass
class PlannedRow:
    """What will happen to one row: imported, skipped as a duplicate, or refused."""

    line: int
    values: dict[str, str]
    row: Row | None = None
    problems: list[Problem] = field(default_factory=list)
    same_as: Existing | None = None  # an endorsement already on record
    same_as_line: int | None = None  # an earlier row of the file

    @property
    def duplicate(self) -> bool:
        return self.same_as is not None or self.same_as_line is not None

    @property
    def imported(self) -> bool:
        return self.row is not None and not self.duplicate


@dataclass
class Plan:
    """The report on a file: the same for a dry run, the console's preview and the import."""

    filename: str
    sha256: str
    rows: list[PlannedRow] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)  # the header, the encoding
    imported_before: list[int] = field(default_factory=list)  # imports of the same file

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for row in self.rows for p in row.problems)]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_import(self) -> list[Row]:
        return [planned.row for planned in self.rows if planned.imported and planned.row]

    @property
    def duplicates(self) -> list[PlannedRow]:
        return [planned for planned in self.rows if planned.duplicate]


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def plan(content: bytes, filename: str, options: Options, today: date | None = None) -> Plan:
    """Read and check the whole file, and say what importing it would do; changes nothing."""
    today = today or utcnow().date()
    report = Plan(filename=filename[:FILENAME_MAX], sha256=sha256_of(content))
    report.imported_before = list(
        db.session.scalars(
            select(SupporterImport.id).where(
                SupporterImport.sha256 == report.sha256,
                SupporterImport.status == ImportStatus.IMPORTED,
            )
        )
    )
    try:
        raw_rows, report.file_problems = csvfile.read(content)
    except csvfile.Unreadable as exc:
        report.file_problems = [exc.problem]
        return report
    if not raw_rows and not report.file_problems:
        report.file_problems.append(Problem(2, None, _l("The file has no rows.")))
    report.rows = [_check(raw, options, today) for raw in raw_rows]
    _find_duplicates(report.rows)
    return report


def _check(raw: RawRow, options: Options, today: date) -> PlannedRow:
    checked = check(raw, options.language, today)
    if isinstance(checked, Row):
        return PlannedRow(raw.line, raw.values, row=checked)
    return PlannedRow(raw.line, raw.values, problems=checked)


def _find_duplicates(planned: list[PlannedRow]) -> None:
    """Mark the rows whose organisation is already on record, or on an earlier row."""
    first_line: dict[str, int] = {}
    for item in planned:
        if item.row is None:
            continue
        key = item.row.normalized_name
        if key in first_line:
            item.same_as_line = first_line[key]
        else:
            first_line[key] = item.line
    existing = _existing(list(first_line))
    for item in planned:
        if item.row is not None and item.same_as_line is None:
            item.same_as = existing.get(item.row.normalized_name)


def _existing(names: list[str]) -> dict[str, Existing]:
    """Endorsements on record under these names, except those of an undone import (a file
    imported by mistake and undone may be imported again once corrected)."""
    undone = select(SupporterImport.id).where(SupporterImport.status == ImportStatus.UNDONE)
    found: dict[str, Existing] = {}
    for chunk in in_chunks(names, _NAME_CHUNK):
        rows = db.session.execute(
            select(Endorsement.normalized_name, Endorsement.id, Endorsement.state)
            .where(
                Endorsement.normalized_name.in_(chunk),
                (Endorsement.import_id.is_(None)) | Endorsement.import_id.not_in(undone),
            )
            .order_by(Endorsement.id)
        )
        for name, endorsement_id, state in rows:
            found.setdefault(name, Existing(endorsement_id, state))
    return found


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    import_id: int | None = None  # None: nothing was imported
    imported: int = 0
    mails: int = 0


def run(
    content: bytes,
    filename: str,
    options: Options,
    actor: Actor,
    *,
    staged_id: int | None = None,
) -> Outcome:
    """Import the file in one transaction, or nothing if any row is invalid."""
    consent_note = _consent_note(options.consent_note)
    mail_ids: list[int] = []
    with write_transaction():
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})
        report = plan(content, filename, options)
        if not report.ok or not report.to_import:
            return Outcome(report)  # nothing to do: no import on record, nothing audited
        batch = _batch(report, options, actor, staged_id)
        rows = report.to_import
        entries = _insert(rows, batch.id, consent_note)
        projections.count_in(entries)
        details = {"import": batch.id, "file": report.filename, "sha256": report.sha256}
        audit.record_each(
            actor,
            "import",
            [entry.id for entry in entries],
            target=State.APPROVED,
            reason=f"imported from {report.filename} (SHA-256 {report.sha256})",
            data=details,
        )
        batch.status = ImportStatus.IMPORTED
        batch.imported, batch.skipped = len(entries), len(report.duplicates)
        batch.imported_at = utcnow()
        batch.content = None  # the entries keep what it held
        audit.record(
            actor,
            "import_file",
            reason=f"{len(entries)} imported, {len(report.duplicates)} already on record",
            data={**details, "claim_mails": options.claim_mails},
        )
        if options.claim_mails:
            mail_ids = _claim_mails(entries)
        import_id = batch.id
    deliver_after_response(mail_ids)
    return Outcome(report, import_id, len(entries), len(mail_ids))


def _consent_note(note: str | None) -> str | None:
    note = " ".join((note or "").split())
    return note[:CONSENT_NOTE_MAX] or None


def _batch(report: Plan, options: Options, actor: Actor, staged_id: int | None) -> SupporterImport:
    if staged_id is not None:
        batch = db.session.get(SupporterImport, staged_id, with_for_update=True)
        if batch is None or batch.status != ImportStatus.PENDING:
            raise NotFound(f"no upload #{staged_id} waiting for its import")
        return batch
    batch = SupporterImport(
        sha256=report.sha256,
        filename=report.filename,
        status=ImportStatus.PENDING,
        created_by=actor.user_id,
        language=options.language,
        consent_note=_consent_note(options.consent_note),
        claim_mails=options.claim_mails,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def _at_noon(day: date) -> datetime:
    """A day as a moment: noon UTC is that same day in Belgium, summer and winter."""
    return datetime.combine(day, time(12), UTC)


def _values(
    row: Row, state: State, consent_version: str, consent_note: str | None
) -> dict[str, Any]:
    signed = _at_noon(row.signed_on)
    fields = row.fields
    return {
        "name": fields.name,
        "normalized_name": row.normalized_name,
        "category": fields.category,
        "city": fields.city,
        "region": fields.region,
        "website": fields.website,
        "statement": fields.statement,
        "language": row.language,
        "contact_name": row.contact_name,
        "contact_email": row.contact_email,
        "consent_publish": True,
        "consent_version": consent_version,
        "consent_at": signed,
        "consent_note": consent_note,
        "news_opt_in": False,
        "state": state,
        "token_nonce": new_nonce(),
        "created_at": signed,
        "updated_at": utcnow(),
        "verified_at": signed,
        "approved_at": signed if state == State.APPROVED else None,
    }


def _insert(rows: list[Row], import_id: int, consent_note: str | None) -> list[Endorsement]:
    """Store the rows as published endorsements in one bulk insert; return them."""
    if not rows:
        return []
    values = [
        {**_values(row, State.APPROVED, IMPORTED_CONSENT, consent_note), "import_id": import_id}
        for row in rows
    ]
    db.session.execute(insert(Endorsement), values)
    return list(
        db.session.scalars(
            select(Endorsement).where(Endorsement.import_id == import_id).order_by(Endorsement.id)
        )
    )


def _claim_mails(entries: list[Endorsement]) -> list[int]:
    """One mail to each contact with an address, in their language, through the outbox."""
    mails = [
        enqueue(entry.contact_email, MailKind.CLAIM, messages.claim(entry), endorsement_id=entry.id)
        for entry in entries
        if entry.contact_email
    ]
    db.session.flush()
    return [mail.id for mail in mails]


def undo(import_id: int, actor: Actor) -> int:
    """Withdraw every entry of an import and erase their personal data, on record. Returns
    how many entries it withdrew (those their signer withdrew already are erased too)."""
    with write_transaction():
        batch = db.session.get(SupporterImport, import_id, with_for_update=True)
        if batch is None:
            raise NotFound(f"no import #{import_id}")
        if batch.status != ImportStatus.IMPORTED:
            raise NotImported(f"import #{import_id} is {batch.status}, not imported")
        entries = db.session.scalars(
            select(Endorsement)
            .where(Endorsement.import_id == import_id)
            .order_by(Endorsement.id)
            .with_for_update()
        ).all()
        reason = f"import #{import_id} undone"
        withdrawn = operations.erase_and_withdraw_many(entries, actor, reason)
        batch.status, batch.undone_at, batch.undone_by = (
            ImportStatus.UNDONE,
            utcnow(),
            actor.user_id,
        )
        batch.consent_note = None
        audit.record(
            actor,
            "import_undo",
            reason=reason,
            data={"import": import_id, "file": batch.filename, "sha256": batch.sha256},
        )
    checkpoint(wait_seconds=operations.ERASURE_CHECKPOINT_WAIT)
    return withdrawn


# The console's upload, waiting between its preview and its import.


def stage(content: bytes, filename: str, options: Options, actor: Actor) -> int:
    """Keep an uploaded file for its import; returns its number. Forgets expired ones."""
    with write_transaction():
        _forget_expired()
        batch = SupporterImport(
            sha256=sha256_of(content),
            filename=filename[:FILENAME_MAX],
            status=ImportStatus.PENDING,
            created_by=actor.user_id,
            language=options.language,
            consent_note=_consent_note(options.consent_note),
            claim_mails=options.claim_mails,
            content=content,
        )
        db.session.add(batch)
        db.session.flush()
        return batch.id


def staged(import_id: int, user_id: int | None) -> SupporterImport | None:
    """The upload ``user_id`` made, still waiting and not expired; None otherwise."""
    batch = db.session.get(SupporterImport, import_id)
    if batch is None or batch.status != ImportStatus.PENDING or batch.content is None:
        return None
    if batch.created_by != user_id or batch.created_at < _expiry():
        return None
    return batch


def options_of(batch: SupporterImport) -> Options:
    return Options(batch.language, batch.consent_note, batch.claim_mails)


def _expiry() -> datetime:
    return utcnow() - timedelta(seconds=current_app.config["IMPORT_UPLOAD_MAX_AGE"])


def _forget_expired() -> int:
    result = db.session.execute(
        delete(SupporterImport).where(
            SupporterImport.status == ImportStatus.PENDING, SupporterImport.created_at < _expiry()
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_expired_uploads() -> int:
    """Delete uploaded files that waited too long for their import (they hold contacts)."""
    with write_transaction():
        return _forget_expired()


# One organisation, added by hand in the console.


def add_by_hand(row: Row, consent_note: str, publish: bool, actor: Actor) -> int:
    """Record an organisation a moderator was told of: published at once or put in the queue,
    with how it gave its consent. No mail. Returns its number."""
    state = State.APPROVED if publish else State.VERIFIED
    with write_transaction():
        entry = Endorsement(**_values(row, state, BY_HAND_CONSENT, _consent_note(consent_note)))
        entry.duplicate_of_id = db.session.scalar(
            select(Endorsement.id)
            .where(
                Endorsement.normalized_name == entry.normalized_name,
                Endorsement.state.in_(LIVE_STATES),
            )
            .order_by(Endorsement.id)
            .limit(1)
        )
        db.session.add(entry)
        db.session.flush()
        projections.republish(None, entry)
        audit.record(actor, "added_by_hand", endorsement_id=entry.id, target=state)
        return entry.id
