"""The campaign's own pages, per language, edited by admins as Markdown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class ContentPage(Model):
    """One section of the site (what you can do, experts, testimonies...) in one language."""

    __tablename__ = "content_pages"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContentList(Model):
    """An ordered list the campaign edits in one language: the FAQ, the experts, the
    testimonies, the sections of the position. Absent until first edited: the defaults show."""

    __tablename__ = "content_lists"
    __table_args__ = (UniqueConstraint("name", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    items: Mapped[str] = mapped_column(Text, default="[]")  # JSON: a list of objects
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class _StoredImage:
    """What an image uploaded by an admin keeps: the re-encoded bytes, their size and digest
    (the ETag), and who uploaded it when."""

    content_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContentImage(_StoredImage, Model):
    """A photo of an expert or a testimony, re-encoded on upload; deleted with its item."""

    __tablename__ = "content_images"

    id: Mapped[int] = mapped_column(primary_key=True)


class BrandImage(_StoredImage, Model):
    """The campaign's logo, favicon or share image, re-encoded on upload."""

    __tablename__ = "brand_images"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)


class Document(Model):
    """A downloadable file (the campaign's dossier), kept in the database so every server has it."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Logo(Model):
    """An organisation's logo, re-encoded on upload; shown only while the endorsement is public."""

    __tablename__ = "logos"

    endorsement_id: Mapped[int] = mapped_column(
        ForeignKey("endorsements.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
