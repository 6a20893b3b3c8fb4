"""Admins edit the campaign's pages, FAQ answers and dossier, per language."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import Actor
from ..config import LANGUAGES
from ..content import dossier, pages
from ..content.defaults import FAQ
from ..i18n import LANGUAGE_NAMES
from . import bp
from .auth import admin_required
from .forms import AnswerForm, DossierForm, PageForm


def _me() -> Actor:
    return Actor.moderator(current_user.id)


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        abort(404)


@bp.get("/content")
@admin_required
def content_index() -> ResponseReturnValue:
    return _index(DossierForm())


def _index(form: DossierForm, status: int = 200) -> ResponseReturnValue:
    by_slug = {slug: {lang: pages.page(slug, lang) for lang in LANGUAGES} for slug in pages.PAGES}
    questions = {lang: pages.faq(lang) for lang in LANGUAGES}
    dossiers = {lang: dossier.dossier_in(lang) for lang in LANGUAGES}
    return render_template(
        "moderation/content.html",
        pages=by_slug,
        questions=questions,
        dossiers=dossiers,
        form=form,
        names=LANGUAGE_NAMES,
    ), status


@bp.route("/content/pages/<slug>/<language>", methods=["GET", "POST"])
@admin_required
def edit_page(slug: str, language: str) -> ResponseReturnValue:
    lang = language  # "lang" in a URL is the public site's language; this is the content's
    _check_language(lang)
    if slug not in pages.PAGES:
        abort(404)
    current = pages.page(slug, lang)
    form = (
        PageForm(data={"title": current.title, "body": current.body})
        if request.method == "GET"
        else PageForm()
    )
    if form.validate_on_submit():
        title, body = form.page()
        pages.save_page(slug, lang, title, body, _me())
        flash(_("Saved."), "success")
        return redirect(url_for("moderation.content_index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "moderation/content_edit.html",
        form=form,
        language=LANGUAGE_NAMES[lang],
        heading=current.title,
        preview=current.html,
    ), status


@bp.route("/content/faq/<key>/<language>", methods=["GET", "POST"])
@admin_required
def edit_answer(key: str, language: str) -> ResponseReturnValue:
    lang = language  # "lang" in a URL is the public site's language; this is the content's
    _check_language(lang)
    found = next((q for q in pages.faq(lang) if q.key == key), None)
    if found is None or key not in {k for k, _t in FAQ}:
        abort(404)
    form = (
        AnswerForm(data={"question": found.question, "answer": found.answer})
        if request.method == "GET"
        else AnswerForm()
    )
    if form.validate_on_submit():
        question, answer = form.entry()
        pages.save_answer(key, lang, question, answer, _me())
        flash(_("Saved."), "success")
        return redirect(url_for("moderation.content_index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "moderation/content_edit.html",
        form=form,
        language=LANGUAGE_NAMES[lang],
        heading=found.question,
        preview=found.html,
    ), status


@bp.post("/content/dossier/<language>")
@admin_required
def upload_dossier(language: str) -> ResponseReturnValue:
    lang = language  # "lang" in a URL is the public site's language; this is the content's
    _check_language(lang)
    form = DossierForm()
    if not form.validate_on_submit():
        flash(_("Please choose a PDF file."), "error")
        return _index(form, 400)
    upload = form.file.data
    data = upload.read(current_app.config["DOSSIER_MAX_BYTES"] + 1)
    try:
        dossier.upload_dossier(lang, _safe_name(upload.filename, lang), data, _me())
    except dossier.TooLarge:
        flash(_("The file is too large."), "error")
        return _index(form, 413)
    except dossier.NotAPdf:
        flash(_("This file is not a PDF."), "error")
        return _index(form, 400)
    flash(_("The dossier is online."), "success")
    return redirect(url_for("moderation.content_index"))


def _safe_name(filename: str | None, lang: str) -> str:
    from werkzeug.utils import secure_filename

    name = secure_filename(filename or "")
    return name if name.lower().endswith(".pdf") else f"dossier-{lang}.pdf"
