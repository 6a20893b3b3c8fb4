"""The campaign's downloadable dossier, one PDF per language, kept in the database so every
server has it."""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import select

from .. import audit
from ..audit import Actor
from ..database import write_transaction
from ..errors import DomainError
from ..extensions import db
from ..models import Document
from ..models.types import utcnow

DOSSIER = "dossier"
PDF_MAGIC = b"%PDF-"


class NotAPdf(DomainError):
    """The dossier must be a PDF, judged by its content, not its name."""


class TooLarge(DomainError):
    pass


def upload_dossier(language: str, filename: str, content: bytes, actor: Actor) -> None:
    if len(content) > current_app.config["DOSSIER_MAX_BYTES"]:
        raise TooLarge(f"at most {current_app.config['DOSSIER_MAX_BYTES']} bytes")
    if not content.startswith(PDF_MAGIC):
        raise NotAPdf("the file does not start like a PDF")
    digest = hashlib.sha256(content).hexdigest()
    with write_transaction():
        row = db.session.scalar(
            select(Document).where(Document.slug == DOSSIER, Document.language == language)
        )
        if row is None:
            row = Document(slug=DOSSIER, language=language)
            db.session.add(row)
        row.filename = filename or f"dossier-{language}.pdf"
        row.content_type, row.content, row.size, row.sha256 = (
            "application/pdf",
            content,
            len(content),
            digest,
        )
        row.uploaded_at, row.uploaded_by = utcnow(), actor.user_id
        audit.record(
            actor,
            "content.dossier",
            data={"language": language, "sha256": digest, "size": len(content)},
        )


def dossier_in(language: str) -> Document | None:
    """The dossier in this language, else in any language we have."""
    rows = db.session.scalars(select(Document).where(Document.slug == DOSSIER)).all()
    by_language = {row.language: row for row in rows}
    return by_language.get(language) or next(iter(by_language.values()), None)


def has_dossier() -> bool:
    return (
        db.session.scalar(select(Document.id).where(Document.slug == DOSSIER).limit(1)) is not None
    )
