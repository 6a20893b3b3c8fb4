"""Admins see every mail as it leaves, in each language: rendered by the builders themselves
from sample data (nobody's personal data), read-only. The HTML part is shown in a sandboxed
frame served with its own strict policy, so the mail's inline styles apply there and nothing
in it can script or reach the console."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..config import LANGUAGES
from ..i18n import LANGUAGE_NAMES
from ..mail import messages
from ..models import Endorsement, RejectReason, Role, State, User
from . import bp
from .auth import admin_required

_SAMPLE_NONCE = "preview-only"  # no row has it: the sample links open nothing


def _entry(language: str, state: State = State.UNVERIFIED) -> Endorsement:
    """A made-up signer, never added to the session (id 0 is no row's)."""
    return Endorsement(
        id=0,
        name="Example Youth Network",
        contact_name="Alex Example",
        state=state,
        language=language,
        token_nonce=_SAMPLE_NONCE,
    )


def _user() -> User:
    return User(
        id=0, email="moderator@example.invalid", role=Role.MODERATOR, token_nonce=_SAMPLE_NONCE
    )


_WAITING = messages.Waiting(endorsements=3, corrections=1, oldest_day=date(2026, 3, 2))

#: Each mail: its name in the console, and how to build it in a language from sample data.
KINDS: dict[str, tuple[object, Callable[[str], messages.Draft]]] = {
    "confirm": (_l("Confirm an endorsement"), lambda lang: messages.confirmation(_entry(lang))),
    "already_confirmed": (
        _l("Already confirmed"),
        lambda lang: messages.already_confirmed(_entry(lang, State.APPROVED)),
    ),
    "manage": (_l("Link to manage an endorsement"), lambda lang: messages.manage(_entry(lang))),
    "rejected": (
        _l("Endorsement not published"),
        lambda lang: messages.rejected(
            _entry(lang, State.REJECTED), RejectReason.CANNOT_VERIFY, None
        ),
    ),
    "correction_accepted": (
        _l("Correction accepted"),
        lambda lang: messages.correction_accepted(_entry(lang, State.APPROVED)),
    ),
    "correction_refused": (
        _l("Correction refused"),
        lambda lang: messages.correction_refused(_entry(lang, State.APPROVED)),
    ),
    "invite": (_l("Invitation to moderate"), lambda lang: messages.invite(_user(), lang)),
    "digest": (_l("Daily digest"), lambda lang: messages.digest(_user(), lang, _WAITING)),
    "claim": (
        _l("Listed from an import"),
        lambda lang: messages.claim(_entry(lang, State.APPROVED)),
    ),
}


def _draft(kind: str, lang: str) -> messages.Draft:
    if kind not in KINDS or lang not in LANGUAGES:
        abort(404)
    with force_locale(lang):
        return KINDS[kind][1](lang)


@bp.get("/mails")
@admin_required
def mail_previews() -> ResponseReturnValue:
    return render_template("moderation/mail_previews.html", kinds=KINDS, languages=LANGUAGE_NAMES)


@bp.get("/mails/<mail>/<language>")
@admin_required
def mail_preview(mail: str, language: str) -> ResponseReturnValue:
    draft = _draft(mail, language)
    return render_template(
        "moderation/mail_preview.html",
        kind=mail,
        title=KINDS[mail][0],
        mail_lang=language,
        draft=draft,
        languages=LANGUAGE_NAMES,
    )


@bp.get("/mails/<mail>/<language>/html")
@admin_required
def mail_preview_html(mail: str, language: str) -> ResponseReturnValue:
    """The HTML part alone, for the preview's frame: no script, no form, no plugin; images
    only from here and from the mails' own address (the logo); framed by the console only."""
    response = make_response(_draft(mail, language).html)
    base = urlsplit(current_app.config["BASE_URL"])
    response.headers["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            "style-src 'unsafe-inline'",
            f"img-src 'self' {base.scheme}://{base.netloc}",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
            "sandbox",
        ]
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
