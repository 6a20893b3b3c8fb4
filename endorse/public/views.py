"""Public pages. Each view validates, calls one operation or query, and renders or redirects."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from .. import counts, operations, publication
from ..i18n import preferred_language
from ..tokens import TokenExpired, TokenInvalid, TokenUsed
from . import bp
from .forms import ConfirmForm, ResendForm, SignForm

BAD_LINK_MESSAGES = {
    TokenInvalid: (400, _l("This link is not valid. Perhaps it was cut short by your mail "
                           "program: try copying the whole link into your browser.")),
    TokenExpired: (410, _l("This link has expired.")),
    TokenUsed: (410, _l("This link has already been used. If you confirmed your endorsement, "
                        "there is nothing more to do: it is waiting for review.")),
}


@bp.get("/")
def root() -> ResponseReturnValue:
    response = redirect(url_for("public.home", lang=preferred_language()))
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/<lang:lang>/")
def home() -> ResponseReturnValue:
    return render_template("public/home.html", count=counts.read())


@bp.get("/<lang:lang>/supporters")
def supporters() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    listing = publication.supporters(page, current_app.config["SUPPORTERS_PER_PAGE"])
    return render_template("public/supporters.html", page=listing)


@bp.route("/<lang:lang>/sign", methods=["GET", "POST"])
def sign() -> ResponseReturnValue:
    form = SignForm()
    if form.validate_on_submit():
        if not form.is_bot():
            operations.sign(form.submission(g.lang))
        return redirect(url_for("public.signed"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/sign.html", form=form), status


@bp.get("/<lang:lang>/sign/check-your-inbox")
def signed() -> ResponseReturnValue:
    return render_template("public/check_inbox.html")


@bp.get("/<lang:lang>/confirm/<token>")
def confirm(token: str) -> ResponseReturnValue:
    try:
        entry = operations.check_confirmation(token)
    except (TokenInvalid, TokenExpired, TokenUsed) as error:
        return _bad_link(error)
    return render_template("public/confirm.html", entry=entry, form=ConfirmForm())


@bp.post("/<lang:lang>/confirm/<token>")
def confirm_post(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("public/confirm.html", entry=None, form=form), 400
    try:
        operations.confirm(token)
    except (TokenInvalid, TokenExpired, TokenUsed) as error:
        return _bad_link(error)
    return redirect(url_for("public.confirmed"), code=303)


@bp.get("/<lang:lang>/confirmed")
def confirmed() -> ResponseReturnValue:
    return render_template("public/confirmed.html")


@bp.route("/<lang:lang>/new-link", methods=["GET", "POST"])
def resend() -> ResponseReturnValue:
    form = ResendForm()
    if form.validate_on_submit():
        operations.resend_confirmation(form.contact_email.data)
        return redirect(url_for("public.signed"), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/resend.html", form=form, message=None), status


def _bad_link(error: Exception) -> ResponseReturnValue:
    status, message = BAD_LINK_MESSAGES[type(error)]
    form = ResendForm(formdata=None)
    return render_template("public/resend.html", form=form, message=message), status
