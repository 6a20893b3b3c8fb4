"""The campaign's ordered lists, per language: the FAQ, the experts, the testimonies and the
sections of the position on the home page.

A list lives in the database as one JSON document per language once an admin first changes
it; until then the built-in defaults show. Each change is one transaction with its audit
record. Photos are re-encoded on upload and deleted with the item that shows them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, logos
from ..audit import Actor
from ..database import write_transaction
from ..errors import DomainError
from ..extensions import db
from ..models import ContentImage, ContentList
from ..models.types import utcnow
from ..text import fold
from .defaults import FAQ, SECTIONS
from .markdown import render

#: The lists and the fields an item of each has ("photo" is a ContentImage id or None).
FIELDS: dict[str, tuple[str, ...]] = {
    "position": ("heading", "body"),
    "faq": ("question", "answer"),
    "experts": ("name", "role", "quote", "link", "photo"),
    "testimonies": ("title", "text", "who", "child", "consent", "consent_note", "photo"),
}
_RESERVED_KEYS = frozenset({"new"})
PHOTO_BOX = (480, 480)  # pixels a photo fits in, as we serve it
#: Whose recorded consent lets a testimony show a photo: the person's own, or a parent's or
#: guardian's, which a child's photo always needs.
CONSENTS = ("none", "person", "guardian")


class UnknownItem(DomainError):
    """No item with that key in that list (perhaps another admin just removed it)."""


class PhotoNeedsConsent(DomainError):
    """A testimony's photo is shown only with the recorded consent of the person."""


class ChildPhotoNeedsGuardian(PhotoNeedsConsent):
    """A child's photo needs the recorded consent of a parent or guardian."""


def items(name: str, language: str) -> list[dict[str, Any]]:
    """The list as visitors see it now, stored or built in."""
    row = _row(name, language)
    return json.loads(row.items) if row is not None else _defaults(name, language)


def is_default(name: str, language: str) -> bool:
    return _row(name, language) is None


def _row(name: str, language: str) -> ContentList | None:
    return db.session.scalar(
        select(ContentList).where(ContentList.name == name, ContentList.language == language)
    )


def _defaults(name: str, language: str) -> list[dict[str, Any]]:
    if name == "faq":
        return [
            {"key": key, "question": texts[language][0], "answer": texts[language][1]}
            for key, texts in FAQ
        ]
    if name == "position":
        return [dict(section) for section in SECTIONS[language]]
    return []


def add(
    name: str, language: str, fields: dict[str, Any], actor: Actor, photo: bytes | None = None
) -> str:
    """Append an item; return its key."""
    picture = _picture(photo)

    def change(current: list[dict[str, Any]]) -> str:
        item = {field: fields.get(field) for field in FIELDS[name] if field != "photo"}
        item["key"] = _new_key(str(next(iter(item.values()), "")), current)
        item["photo"] = _store(picture, actor) if picture else None
        _check(name, item)
        current.append(item)
        return str(item["key"])

    return _change(name, language, actor, "add", change)


def update(
    name: str,
    language: str,
    key: str,
    fields: dict[str, Any],
    actor: Actor,
    photo: bytes | None = None,
    drop_photo: bool = False,
) -> None:
    """Change an item's fields; a new ``photo`` replaces the old one, ``drop_photo`` removes it."""
    picture = _picture(photo)

    def change(current: list[dict[str, Any]]) -> str:
        item = _find(current, key)
        item.update({field: fields.get(field) for field in FIELDS[name] if field != "photo"})
        if (picture or drop_photo) and item.get("photo"):
            _delete_photo(item["photo"])
            item["photo"] = None
        if picture:
            item["photo"] = _store(picture, actor)
        _check(name, item)
        return key

    _change(name, language, actor, "edit", change)


def remove(name: str, language: str, key: str, actor: Actor) -> None:
    def change(current: list[dict[str, Any]]) -> str:
        item = _find(current, key)
        if item.get("photo"):
            _delete_photo(item["photo"])
        current.remove(item)
        return key

    _change(name, language, actor, "remove", change)


def move(name: str, language: str, key: str, offset: int, actor: Actor) -> None:
    """Move an item ``offset`` places (-1: up, 1: down); at either end it stays."""

    def change(current: list[dict[str, Any]]) -> str:
        item = _find(current, key)
        at = current.index(item)
        to = min(max(at + offset, 0), len(current) - 1)
        current.insert(to, current.pop(at))
        return key

    _change(name, language, actor, "move", change)


def _change(
    name: str, language: str, actor: Actor, action: str, change: Callable[[list[Any]], str]
) -> str:
    if name not in FIELDS:
        raise UnknownItem(name)
    try:
        return _apply(name, language, actor, action, change)
    except IntegrityError:  # another admin's first change of this list came first: build on it
        return _apply(name, language, actor, action, change)


def _apply(
    name: str, language: str, actor: Actor, action: str, change: Callable[[list[Any]], str]
) -> str:
    with write_transaction():
        row = db.session.scalar(
            select(ContentList)
            .where(ContentList.name == name, ContentList.language == language)
            .with_for_update()
        )
        if row is None:
            row = ContentList(name=name, language=language)
            db.session.add(row)
            current = _defaults(name, language)
        else:
            current = json.loads(row.items)
        key = change(current)
        row.items = json.dumps(current, ensure_ascii=False)
        row.updated_at, row.updated_by = utcnow(), actor.user_id
        audit.record(
            actor,
            f"content.{name}.{action}",
            data={"language": language, "key": key},
        )
    return key


def _find(current: list[dict[str, Any]], key: str) -> dict[str, Any]:
    found = next((item for item in current if item.get("key") == key), None)
    if found is None:
        raise UnknownItem(key)
    return found


def _new_key(text: str, current: list[dict[str, Any]]) -> str:
    """A key for anchors and addresses, from the item's first words, unique in its list."""
    stem = "-".join(re.findall(r"[a-z0-9]+", fold(text).lower()))[:40].strip("-") or "item"
    if stem in _RESERVED_KEYS:  # the console's address for a new item
        stem = f"{stem}-item"
    taken = {item.get("key") for item in current}
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}-{number}", number + 1
    return key


def _check(name: str, item: dict[str, Any]) -> None:
    if name == "testimonies" and item.get("photo") and not consent_given(item):
        if item.get("child"):
            raise ChildPhotoNeedsGuardian("a child's photo needs a guardian's consent")
        raise PhotoNeedsConsent("a photo needs the person's recorded consent")


def consent_given(item: dict[str, Any]) -> bool:
    """Whether the recorded consent allows showing the photo of this testimony."""
    consent = item.get("consent") or ""
    if not str(item.get("consent_note") or "").strip():
        return False
    return consent == "guardian" if item.get("child") else consent in ("person", "guardian")


def _picture(photo: bytes | None) -> logos.ProcessedLogo | None:
    """Decode and re-encode before the transaction: the work and the refusal come first."""
    if not photo:
        return None
    return logos.encode(logos.decoded(photo, PHOTO_BOX), "WEBP")


def _store(picture: logos.ProcessedLogo, actor: Actor) -> int:
    image = ContentImage(
        content_type=picture.content_type,
        content=picture.content,
        width=picture.width,
        height=picture.height,
        sha256=picture.sha256,
        uploaded_by=actor.user_id,
    )
    db.session.add(image)
    db.session.flush()
    return image.id


def _delete_photo(image_id: int) -> None:
    image = db.session.get(ContentImage, image_id)
    if image is not None:
        db.session.delete(image)


def photo(image_id: int) -> ContentImage | None:
    return db.session.get(ContentImage, image_id)


# What the public pages show, typed for the templates.


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    answer: str  # Markdown; "" while not written: the question is then hidden from visitors

    @property
    def html(self) -> Markup | None:
        return render(self.answer) if self.answer.strip() else None


def faq(language: str, *, answered_only: bool = False) -> list[Question]:
    questions = [
        Question(item["key"], item["question"], item.get("answer") or "")
        for item in items("faq", language)
    ]
    return [q for q in questions if q.html] if answered_only else questions


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    body: str

    @property
    def html(self) -> Markup:
        return render(self.body)


def sections(language: str) -> list[Section]:
    return [
        Section(item["key"], item.get("heading") or "", item.get("body") or "")
        for item in items("position", language)
    ]


@dataclass(frozen=True)
class Expert:
    key: str
    name: str
    role: str
    quote: str
    link: str
    photo: int | None

    @property
    def quote_html(self) -> Markup:
        return render(self.quote)


def experts(language: str) -> list[Expert]:
    return [
        Expert(
            item["key"],
            item.get("name") or "",
            item.get("role") or "",
            item.get("quote") or "",
            item.get("link") or "",
            item.get("photo"),
        )
        for item in items("experts", language)
    ]


@dataclass(frozen=True)
class Testimony:
    key: str
    title: str
    text: str
    who: str  # a first name, or "" for anonymous
    photo: int | None  # only when the recorded consent allows it

    @property
    def html(self) -> Markup:
        return render(self.text)


def testimonies(language: str) -> list[Testimony]:
    return [
        Testimony(
            item["key"],
            item.get("title") or "",
            item.get("text") or "",
            item.get("who") or "",
            item.get("photo") if consent_given(item) else None,
        )
        for item in items("testimonies", language)
    ]
