"""The campaign's pages, per language: the built-in defaults until admins edit them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from .. import audit
from ..audit import Actor
from ..database import write_transaction
from ..extensions import db
from ..models import ContentPage
from ..models.types import utcnow
from .defaults import INTERNATIONAL_CAMPAIGN_URL, PAGES, POSITION
from .markdown import render

__all__ = ["EDITABLE", "INTERNATIONAL_CAMPAIGN_URL", "PAGES", "render"]

#: What admins edit: the public pages, and the position's title and introduction (home page).
EDITABLE: dict[str, dict[str, tuple[str, str]]] = {"position": POSITION, **PAGES}


def _contact() -> str:
    return str(current_app.config["CONTACT_EMAIL"])


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
    title, body = EDITABLE[slug][language]
    return Page(slug, language, title, body, None)


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
