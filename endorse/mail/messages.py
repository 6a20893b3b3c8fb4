"""One function per email: each renders its .txt and .html templates in the signer's language.

Mails come from the campaign, so what a signer typed must not make them carry links: the
templates see an endorsement only through ``Shown``, whose names have every address defused.
The only links in a mail are ours, built from ENDORSE_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale, format_date, ngettext
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


@dataclass(frozen=True)
class Waiting:
    """What awaits the moderators: new endorsements, corrections, and the oldest one's day."""

    endorsements: int
    corrections: int
    oldest_day: date

    @property
    def total(self) -> int:
        return self.endorsements + self.corrections


def _render(name: str, language: str, subject: str, **context: object) -> Draft:
    """The text part, and the HTML part in the campaign's layout (emails/_layout.html): its
    logo at our address, and a footer naming where to write, the Reply-To's address."""
    layout = {
        "subject": subject,
        "logo": external_url("public.brand_image", kind="logo"),
        "contact": current_app.config["CONTACT_EMAIL"],
    }
    with force_locale(language):
        return Draft(
            subject=str(subject),
            text=render_template(f"emails/{name}.txt", lang=language, **context),
            html=render_template(f"emails/{name}.html", lang=language, **layout, **context),
        )


def confirmation(entry: Endorsement, language: str | None = None) -> Draft:
    """In ``language`` when the signer asked from a page in it, else in the one they signed in."""
    lang = language or entry.language
    token = make_token(Purpose.CONFIRM, entry.id, entry.token_nonce)
    link = external_url("public.confirm", lang=lang, token=token)
    days = current_app.config["VERIFY_MAX_AGE"] // 86400
    with force_locale(lang):
        subject = _("Please confirm your organisation's endorsement")
    return _render("confirm", lang, subject, entry=Shown.of(entry), link=link, days=days)


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


def manage(entry: Endorsement, language: str | None = None) -> Draft:
    """In ``language``, the page's the signer asked from, else in the one they signed in."""
    lang = language or entry.language
    token = make_token(Purpose.MANAGE, entry.id, entry.token_nonce)
    link = external_url("public.manage", lang=lang, token=token)
    days = current_app.config["MANAGE_MAX_AGE"] // 86400
    with force_locale(lang):
        subject = _("Your link to manage your organisation's endorsement")
    return _render("manage", lang, subject, entry=Shown.of(entry), link=link, days=days)


def correction_accepted(entry: Endorsement) -> Draft:
    link = external_url("public.supporters", lang=entry.language)
    with force_locale(entry.language):
        subject = _("Your correction is published")
    return _render("correction_accepted", entry.language, subject, entry=Shown.of(entry), link=link)


def correction_refused(entry: Endorsement) -> Draft:
    with force_locale(entry.language):
        subject = _("About your correction")
    return _render("correction_refused", entry.language, subject, entry=Shown.of(entry))


def digest(user: User, language: str, waiting: Waiting) -> Draft:
    """A moderator's daily note: how many entries await a decision, since when, and where."""
    link = external_url("moderation.queue")
    with force_locale(language):
        subject = ngettext(
            "%(num)d endorsement awaits a decision",
            "%(num)d endorsements await a decision",
            waiting.total,
        )
        since = format_date(waiting.oldest_day, format="long")
    return _render("digest", language, subject, user=user, waiting=waiting, since=since, link=link)


def claim(entry: Endorsement) -> Draft:
    """The one mail an imported supporter gets: listed, and how to check, correct or withdraw."""
    token = make_token(Purpose.CLAIM, entry.id, entry.token_nonce)
    link = external_url("public.manage", lang=entry.language, token=token)
    days = current_app.config["CLAIM_MAX_AGE"] // 86400
    with force_locale(entry.language):
        subject = _("Your organisation is listed as a supporter")
    return _render("claim", entry.language, subject, entry=Shown.of(entry), link=link, days=days)
