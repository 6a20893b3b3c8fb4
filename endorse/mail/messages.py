"""One function per email: each renders its .txt and .html templates in the signer's language.

Mails come from the campaign, so what a signer typed must not make them carry links: the
templates see an endorsement only through ``Shown``, whose names have every address defused.
The only links in a mail are ours, built from ENDORSE_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Endorsement, RejectReason, State, User
from ..text import unlinked
from ..tokens import Purpose, make_token
from ..urls import external_url


@dataclass(frozen=True)
class Draft:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Shown:
    """What a mail says of an endorsement: its names, with any address in them defused (the
    sign form refuses them, but older entries and moderators' edits may hold some)."""

    name: str
    contact_name: str
    state: State

    @classmethod
    def of(cls, entry: Endorsement) -> Shown:
        return cls(unlinked(entry.name), unlinked(entry.contact_name or ""), entry.state)


def _render(name: str, language: str, subject: str, **context: object) -> Draft:
    with force_locale(language):
        return Draft(
            subject=str(subject),
            text=render_template(f"emails/{name}.txt", lang=language, **context),
            html=render_template(f"emails/{name}.html", lang=language, **context),
        )


def confirmation(entry: Endorsement) -> Draft:
    token = make_token(Purpose.CONFIRM, entry.id, entry.token_nonce)
    link = external_url("public.confirm", lang=entry.language, token=token)
    days = current_app.config["VERIFY_MAX_AGE"] // 86400
    with force_locale(entry.language):
        subject = _("Please confirm your organisation's endorsement")
    return _render("confirm", entry.language, subject, entry=Shown.of(entry), link=link, days=days)


def already_confirmed(entry: Endorsement) -> Draft:
    link = external_url("public.supporters", lang=entry.language)
    with force_locale(entry.language):
        subject = _("Your organisation's endorsement is already confirmed")
    return _render("already_confirmed", entry.language, subject, entry=Shown.of(entry), link=link)


def rejected(entry: Endorsement, code: RejectReason, note: str | None) -> Draft:
    with force_locale(entry.language):
        subject = _("About your organisation's endorsement")
    return _render("rejected", entry.language, subject, entry=Shown.of(entry), code=code, note=note)


def invite(user: User, language: str) -> Draft:
    token = make_token(Purpose.INVITE, user.id, user.token_nonce)
    link = external_url("moderation.set_password", token=token)
    days = current_app.config["INVITE_MAX_AGE"] // 86400
    with force_locale(language):
        subject = _("You are invited to moderate endorsements")
    return _render("invite", language, subject, user=user, link=link, days=days)


def manage(entry: Endorsement) -> Draft:
    token = make_token(Purpose.MANAGE, entry.id, entry.token_nonce)
    link = external_url("public.manage", lang=entry.language, token=token)
    days = current_app.config["MANAGE_MAX_AGE"] // 86400
    with force_locale(entry.language):
        subject = _("Your link to manage your organisation's endorsement")
    return _render("manage", entry.language, subject, entry=Shown.of(entry), link=link, days=days)


def claim(entry: Endorsement) -> Draft:
    """The one mail an imported supporter gets: listed, and how to check, correct or withdraw."""
    token = make_token(Purpose.CLAIM, entry.id, entry.token_nonce)
    link = external_url("public.manage", lang=entry.language, token=token)
    days = current_app.config["CLAIM_MAX_AGE"] // 86400
    with force_locale(entry.language):
        subject = _("Your organisation is listed as a supporter")
    return _render("claim", entry.language, subject, entry=Shown.of(entry), link=link, days=days)
