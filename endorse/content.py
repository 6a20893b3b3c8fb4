"""The campaign's pages, FAQ and dossier: read with built-in defaults, edited by admins.

Markdown is rendered with markdown-it-py (CommonMark, raw HTML off) and the result is
sanitised by nh3, so an admin's text can hold links and emphasis but never a script.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import cache

import nh3
from flask import current_app
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select

from . import audit
from .audit import Actor
from .content_defaults import FAQ, INTERNATIONAL_CAMPAIGN_URL, PAGES
from .database import write_transaction
from .errors import DomainError
from .extensions import db
from .models import ContentPage, Document, FaqItem
from .models.types import utcnow

__all__ = ["INTERNATIONAL_CAMPAIGN_URL", "PAGES"]

DOSSIER = "dossier"
PDF_MAGIC = b"%PDF-"
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}


class NotAPdf(DomainError):
    """The dossier must be a PDF, judged by its content, not its name."""


class TooLarge(DomainError):
    pass


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render(text: str) -> Markup:
    html = _markdown().render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)


def _contact() -> str:
    return current_app.config.get("CONTACT_EMAIL") or parseaddr(current_app.config["MAIL_FROM"])[1]


@dataclass(frozen=True)
class Page:
    slug: str
    language: str
    title: str
    body: str  # Markdown, as stored
    updated_at: datetime | None

    @property
    def html(self) -> Markup:
        cfg = current_app.config
        text = (
            self.body.replace("{contact}", _contact())
            .replace("{unverified_days}", str(cfg["PURGE_UNVERIFIED_DAYS"]))
            .replace("{closed_days}", str(cfg["PURGE_CLOSED_DAYS"]))
        )
        return render(text)


def page(slug: str, language: str) -> Page:
    row = db.session.scalar(
        select(ContentPage).where(ContentPage.slug == slug, ContentPage.language == language)
    )
    if row is not None:
        return Page(slug, language, row.title, row.body, row.updated_at)
    title, body = PAGES[slug][language]
    return Page(slug, language, title, body, None)


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    answer: str  # Markdown; "" while not written

    @property
    def html(self) -> Markup | None:
        return render(self.answer) if self.answer.strip() else None


def faq(language: str) -> list[Question]:
    stored = {
        row.key: row
        for row in db.session.scalars(select(FaqItem).where(FaqItem.language == language))
    }
    questions = []
    for key, texts in FAQ:
        row = stored.pop(key, None)
        question, answer = (row.question, row.answer) if row else texts[language]
        questions.append(Question(key, question, answer))
    for row in sorted(stored.values(), key=lambda r: (r.position, r.id)):  # added by admins
        questions.append(Question(row.key, row.question, row.answer))
    return questions


def save_page(slug: str, language: str, title: str, body: str, actor: Actor) -> None:
    with write_transaction():
        row = db.session.scalar(
            select(ContentPage).where(ContentPage.slug == slug, ContentPage.language == language)
        )
        if row is None:
            row = ContentPage(slug=slug, language=language)
            db.session.add(row)
        row.title, row.body, row.updated_at, row.updated_by = title, body, utcnow(), actor.user_id
        audit.record(actor, "content.page", data={"slug": slug, "language": language})


def save_answer(key: str, language: str, question: str, answer: str, actor: Actor) -> None:
    with write_transaction():
        row = db.session.scalar(
            select(FaqItem).where(FaqItem.key == key, FaqItem.language == language)
        )
        if row is None:
            position = next((i for i, (k, _t) in enumerate(FAQ) if k == key), len(FAQ))
            row = FaqItem(key=key, language=language, position=position)
            db.session.add(row)
        row.question, row.answer = question, answer
        row.updated_at, row.updated_by = utcnow(), actor.user_id
        audit.record(actor, "content.faq", data={"key": key, "language": language})


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


def dossier(language: str) -> Document | None:
    """The dossier in this language, else in any language we have."""
    rows = db.session.scalars(select(Document).where(Document.slug == DOSSIER)).all()
    by_language = {row.language: row for row in rows}
    return by_language.get(language) or next(iter(by_language.values()), None)


def has_dossier() -> bool:
    return (
        db.session.scalar(select(Document.id).where(Document.slug == DOSSIER).limit(1)) is not None
    )
