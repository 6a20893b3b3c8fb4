"""A file of supporters imported at once: the organisations that signed before the site did.

The uploaded file waits here between the console's preview and its import (``content``), and
is dropped once imported or expired: the entries keep what it held. Each entry it created
points back at it (``Endorsement.import_id``), so the import can be undone as a whole.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, enum_type, utcnow

CONSENT_NOTE_MAX = 500
FILENAME_MAX = 200


class ImportStatus(StrEnum):
    PENDING = "pending"  # uploaded and previewed, waiting for the moderator's go
    IMPORTED = "imported"
    UNDONE = "undone"  # its entries withdrawn and their personal data erased


class SupporterImport(Model):
    __tablename__ = "supporter_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX))
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus))
    # By id, without a foreign key: like the audit trail, it outlives a removed account.
    created_by: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The options the moderator chose, kept from the preview to the import.
    language: Mapped[str | None] = mapped_column(String(2))  # for rows that name none
    consent_note: Mapped[str | None] = mapped_column(String(CONSENT_NOTE_MAX))
    claim_mails: Mapped[bool] = mapped_column(default=False)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # while pending only
    imported: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[int | None]
