"""Public pages. Each view validates, calls one operation or query, and renders or redirects."""

from __future__ import annotations

import base64
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.exc import OperationalError

from .. import caching, operations, projections, publication
from ..config import LANGUAGES
from ..content import lists, pages
from ..content.dossier import dossier_in, has_dossier
from ..error_pages import render_error
from ..extensions import db, limiter
from ..i18n import preferred_language
from ..logos import ProcessedLogo
from ..models import Category, Endorsement, MailKind, NotEditable
from ..models.states import CORRECTED_STATES
from ..security import EMBED_POLICY
from ..text import LETTERS, OTHER_LETTER
from ..tokens import TokenError, TokenExpired, TokenInvalid, TokenUsed
from . import bp
from .forms import (
    ConfirmForm,
    LogoForm,
    ManageForm,
    ResendForm,
    SignForm,
    SupporterSearchForm,
)

#: What the manage page says after a change, by the ``done`` its address carries.
OUTCOMES = {
    "saved": ("success", _l("Saved. A moderator will review the change before it is published.")),
    "proposed": (
        "success",
        _l(
            "Thank you. Your endorsement stays published as it is until a moderator accepts "
            "the change; we will tell you by email."
        ),
    ),
    "cancelled": ("info", _l("Your proposed change is cancelled: nothing changes.")),
    "unchanged": ("info", _l("Nothing changed.")),
    "closed": ("error", _l("A withdrawn endorsement cannot be changed.")),
    "withdrawn": (
        "success",
        _l("Your endorsement is withdrawn: it is no longer listed or counted."),
    ),
    "logo_saved": (
        "success",
        _l("Your new logo is saved. A moderator will see it before it is published."),
    ),
    "logo_review": (
        "success",
        _l(
            "Your new logo is saved and your endorsement is back in review: it is listed again, "
            "with the new logo, once a moderator has checked it."
        ),
    ),
    "logo_removed": ("success", _l("Your logo is removed.")),
}

BAD_LINK_MESSAGES = {
    TokenInvalid: (
        400,
        _l(
            "This link is not valid. Perhaps it was cut short by your mail "
            "program: try copying the whole link into your browser."
        ),
    ),
    TokenExpired: (410, _l("This link has expired.")),
    TokenUsed: (
        410,
        _l(
            "This link has already been used. If you confirmed your endorsement, "
            "there is nothing more to do: it is waiting for review."
        ),
    ),
}


@bp.get("/")
def root() -> ResponseReturnValue:
    return caching.by_language(redirect(url_for("public.home", lang=preferred_language())))


@bp.get("/<lang:lang>/")
def home() -> ResponseReturnValue:
    count = projections.read_counts()
    return render_template(
        "public/home.html",
        count=count,
        newest=publication.newest(),
        areas=publication.by_area(count.by_region),
        position=pages.page("position", g.lang),
        sections=lists.sections(g.lang),
    )


@bp.get("/<lang:lang>/supporters")
def supporters() -> ResponseReturnValue:
    form = SupporterSearchForm(request.args)
    if not form.validate():
        return render_error(
            400, str(_l("This search has a value we do not know. Please choose from the lists."))
        )
    wanted = form.query(current_app.config["PER_PAGE"])
    page = publication.supporters(wanted)
    count = page.tallies
    return render_template(
        "public/supporters.html",
        page=page,
        wanted=wanted,
        filters=wanted.filters(),
        count=count,
        regions=count.by_region,
        categories=list(Category),
        letter_filters={k: v for k, v in wanted.filters().items() if k != "letter"},
        areas=publication.by_area(count.by_region),
        letters=LETTERS,
        other_letter=OTHER_LETTER,
    )


_SLUGS = ", ".join(f'"{slug}"' for slug in pages.PAGES)


@bp.get(f"/<lang:lang>/<any({_SLUGS}):slug>")
def page(slug: str) -> ResponseReturnValue:
    return render_template(
        "public/page.html",
        page=pages.page(slug, g.lang),
        # Unanswered questions wait, hidden, for their answer.
        faq=lists.faq(g.lang, answered_only=True) if slug == "more-info" else None,
        experts=lists.experts(g.lang) if slug == "experts" else None,
        testimonies=lists.testimonies(g.lang) if slug == "testimonies" else None,
        has_dossier=has_dossier(),
        international_url=pages.INTERNATIONAL_CAMPAIGN_URL,
        embed_snippet=_embed_snippet(external=True) if slug == "what-you-can-do" else None,
        embed_preview=_embed_snippet() if slug == "what-you-can-do" else None,
    )


#: The badge's frame, in CSS pixels: static/embed.css fills exactly this, in every language.
EMBED_WIDTH, EMBED_HEIGHT = 320, 140


def _embed_snippet(external: bool = False) -> Markup:
    """The HTML partners paste (``external``: from ENDORSE_BASE_URL; the page shows it as
    text), or the same with a path of ours: the page's live preview. ``frameborder`` rather
    than a style attribute: a Content-Security-Policy like ours blocks the style."""
    url = url_for("public.embed_count", lang=g.lang)
    if external:
        url = current_app.config["BASE_URL"] + url
    return Markup(
        '<iframe src="{}" title="{}" width="{}" height="{}" frameborder="0" loading="lazy">'
        "</iframe>"
    ).format(url, _l("You don't lock up a child. Period."), EMBED_WIDTH, EMBED_HEIGHT)


@bp.get("/<lang:lang>/dossier")
def dossier() -> ResponseReturnValue:
    document = dossier_in(g.lang)
    if document is None:
        abort(404)
    response = caching.shared_file(document.content, document.content_type, document.sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@bp.get("/logos/<id:endorsement_id>.webp")
def logo(endorsement_id: int) -> ResponseReturnValue:
    found = publication.public_logo(endorsement_id)
    if found is None:
        abort(404)
    # As briefly as a page: a withdrawn organisation's logo leaves every cache with it.
    return caching.shared_file(found.content, found.content_type, found.sha256)


@bp.get("/embed/count")
def embed_count() -> ResponseReturnValue:
    """A badge partners put in an iframe: the only page that may be framed."""
    g.lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else "en"
    count = projections.read_counts()
    response = make_response(render_template("public/embed_count.html", count=count))
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    return caching.conditional(caching.count(response))


def _limit(setting: str) -> Any:
    """A per-address limit on the form's POST, from the configuration, shared by the forms
    that use the same setting (asking for a new link or a manage link draws on one budget)."""
    return limiter.shared_limit(
        lambda: current_app.config[setting], scope=setting, methods=["POST"]
    )


@bp.route("/<lang:lang>/sign", methods=["GET", "POST"])
@_limit("SIGN_LIMIT")
def sign() -> ResponseReturnValue:
    form = SignForm()
    if form.validate_on_submit():
        if not form.is_bot():
            operations.sign(form.submission(g.lang))
        return redirect(url_for("public.signed"), code=303)
    if request.method == "POST":
        kept = form.kept_logo()
        response = make_response(
            render_template("public/sign.html", form=form, **_sign_context(kept)), 400
        )
        return caching.personal(response)  # it may carry the signer's logo back to them
    return render_template("public/sign.html", form=form, **_sign_context(None))


def _sign_context(kept: ProcessedLogo | None) -> dict[str, Any]:
    """What the sign page shows beside the form: the position signed, the logo kept."""
    try:
        position, sections = pages.page("position", g.lang), lists.sections(g.lang)
    except OperationalError:
        # The form itself needs no database: in an outage it still loads (without the full
        # text, the link to it stays), and sending it says the site is briefly unavailable.
        db.session.rollback()
        position, sections = None, []
    return {
        "position": position,
        "sections": sections,
        "kept_logo": _data_url(kept.content, kept.content_type) if kept else None,
    }


def _data_url(content: bytes, content_type: str) -> str:
    """An image inline in its page, for pages that are one person's (the CSP allows data:)."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


@bp.get("/<lang:lang>/sign/check-your-inbox")
def signed() -> ResponseReturnValue:
    return render_template("public/check_inbox.html", form=ResendForm(formdata=None))


@bp.get("/<lang:lang>/confirm/<token>")
def confirm(token: str) -> ResponseReturnValue:
    try:
        entry = operations.check_confirmation(token)
    except TokenError as error:
        return _bad_link(error)
    return render_template("public/confirm.html", entry=entry, form=ConfirmForm())


@bp.post("/<lang:lang>/confirm/<token>")
def confirm_post(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("public/confirm.html", entry=None, form=form), 400
    try:
        operations.confirm(token)
    except TokenError as error:
        return _bad_link(error)
    return redirect(url_for("public.confirmed"), code=303)


@bp.get("/<lang:lang>/confirmed")
def confirmed() -> ResponseReturnValue:
    return render_template("public/confirmed.html")


@bp.route("/<lang:lang>/new-link", methods=["GET", "POST"])
@_limit("RESEND_LIMIT")
def resend() -> ResponseReturnValue:
    form = ResendForm()
    if form.validate_on_submit():
        operations.request_link(MailKind.CONFIRM, form.email(), g.lang)
        return redirect(url_for("public.signed"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/resend.html", form=form, message=None), status


def _bad_link(error: TokenError) -> ResponseReturnValue:
    status, message = BAD_LINK_MESSAGES[type(error)]
    form = ResendForm(formdata=None)
    return render_template("public/resend.html", form=form, message=message), status


@bp.route("/<lang:lang>/manage", methods=["GET", "POST"])
@_limit("RESEND_LIMIT")
def manage_request() -> ResponseReturnValue:
    """Ask for a manage link: the same answer, and the same work, whether or not the address
    signed anything (the mail sender looks it up)."""
    form = ResendForm()
    if form.validate_on_submit():
        operations.request_link(MailKind.MANAGE, form.email(), g.lang)
        return redirect(url_for("public.manage_sent"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/manage_request.html", form=form, message=None), status


@bp.get("/<lang:lang>/manage/sent")
def manage_sent() -> ResponseReturnValue:
    return render_template("public/manage_sent.html")


def _manage_page(
    entry: Endorsement,
    token: str,
    form: ManageForm | None = None,
    status: int = 200,
    logo_form: LogoForm | None = None,
) -> ResponseReturnValue:
    correction = operations.pending_correction(entry.id)
    logo = operations.signer_logo(entry.id)
    logo_form = logo_form or LogoForm(formdata=None)
    kept = logo_form.kept_logo()
    if form is None:
        # A waiting correction is what the signer last asked for: they go on from there.
        shown = correction or entry
        form = ManageForm(formdata=None, obj=shown)
        form.category.data, form.region.data = shown.category.value, shown.region.value
    outcome = OUTCOMES.get(request.args.get("done", ""))
    return render_template(
        "public/manage.html",
        entry=entry,
        correction=correction,
        correction_review=entry.state in CORRECTED_STATES,
        token=token,
        form=form,
        action=ConfirmForm(),
        notices=[outcome] if outcome else [],
        logo=_data_url(logo.content, logo.content_type) if logo else None,
        logo_form=logo_form,
        logo_to_review=operations.logo_goes_to_review(entry),
        kept_logo=_data_url(kept.content, kept.content_type) if kept else None,
    ), status


def _manage_outcome(token: str, done: str) -> ResponseReturnValue:
    """Back to the manage page, saying how it went: in the address, since no session is kept."""
    return redirect(url_for("public.manage", token=token, done=done), code=303)


def _bad_manage_link(error: TokenError) -> ResponseReturnValue:
    status, message = BAD_LINK_MESSAGES[type(error)]
    if isinstance(error, TokenUsed):
        status, message = 410, _l("This link no longer works. Ask for a new one below.")
    form = ResendForm(formdata=None)
    return render_template("public/manage_request.html", form=form, message=message), status


@bp.get("/<lang:lang>/manage/<token>")
def manage(token: str) -> ResponseReturnValue:
    try:
        entry = operations.check_manage(token)
    except TokenError as error:
        return _bad_manage_link(error)
    return _manage_page(entry, token)


@bp.post("/<lang:lang>/manage/<token>")
def manage_edit(token: str) -> ResponseReturnValue:
    form = ManageForm()
    try:
        entry = operations.check_manage(token)
        if not form.validate_on_submit():
            return _manage_page(entry, token, form, 400)
        edit = operations.edit_by_signer(token, form.public_fields())
    except TokenError as error:
        return _bad_manage_link(error)
    except NotEditable:
        return _manage_outcome(token, "closed")
    return _manage_outcome(token, edit.outcome)


def _confirmation_page(token: str, action: str) -> ResponseReturnValue:
    """Withdrawing and erasing each ask once more, on a page of their own (no script needed)."""
    try:
        entry = operations.check_manage(token)
    except TokenError as error:
        return _bad_manage_link(error)
    return render_template(
        "public/manage_confirm.html", entry=entry, token=token, action=action, form=ConfirmForm()
    )


@bp.get("/<lang:lang>/manage/<token>/withdraw")
def manage_withdraw_confirm(token: str) -> ResponseReturnValue:
    return _confirmation_page(token, "withdraw")


@bp.get("/<lang:lang>/manage/<token>/erase")
def manage_erase_confirm(token: str) -> ResponseReturnValue:
    return _confirmation_page(token, "erase")


@bp.post("/<lang:lang>/manage/<token>/logo")
@_limit("SIGN_LIMIT")
def manage_logo(token: str) -> ResponseReturnValue:
    form = LogoForm()
    try:
        entry = operations.check_manage(token)
        if not form.validate_on_submit():
            return _manage_page(entry, token, status=400, logo_form=form)
        change = operations.replace_logo_by_signer(token, form.logo.data)
    except TokenError as error:
        return _bad_manage_link(error)
    except NotEditable:
        return _manage_outcome(token, "closed")
    return _manage_outcome(token, change.outcome)


@bp.post("/<lang:lang>/manage/<token>/logo/remove")
def manage_logo_remove(token: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return render_error(400)
    try:
        removed = operations.remove_logo_by_signer(token)
    except TokenError as error:
        return _bad_manage_link(error)
    return _manage_outcome(token, "logo_removed" if removed else "unchanged")


@bp.post("/<lang:lang>/manage/<token>/withdraw")
def manage_withdraw(token: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return render_error(400)
    try:
        operations.withdraw_by_signer(token)
    except TokenError as error:
        return _bad_manage_link(error)
    return _manage_outcome(token, "withdrawn")


@bp.post("/<lang:lang>/manage/<token>/erase")
def manage_erase(token: str) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return render_error(400)
    try:
        operations.erase_by_signer(token)
    except TokenError as error:
        return _bad_manage_link(error)
    return redirect(url_for("public.erased"), code=303)


@bp.get("/<lang:lang>/manage/erased")
def erased() -> ResponseReturnValue:
    return render_template("public/erased.html")
