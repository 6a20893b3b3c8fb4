"""The campaign's pages and FAQ, per language: the built-in defaults until admins edit them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from .. import audit
from ..audit import Actor
from ..database import write_transaction
from ..extensions import db
from ..models import ContentPage, FaqItem
from ..models.types import utcnow
from .defaults import FAQ, INTERNATIONAL_CAMPAIGN_URL, PAGES
from .markdown import render

__all__ = ["INTERNATIONAL_CAMPAIGN_URL", "PAGES", "render"]


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
