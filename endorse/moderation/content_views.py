"""Admins edit the campaign's words and images, per language: its pages, the lists (the
position's sections, the FAQ, experts, testimonies), the dossier and the brand images."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import logos
from ..audit import Actor
from ..config import LANGUAGES
from ..content import brand, dossier, lists, pages
from ..i18n import LANGUAGE_NAMES
from . import bp
from .auth import admin_required
from .content_forms import FORMS, ActionForm, BrandForm, ItemForm, image_error
from .display import labelled
from .forms import DossierForm, PageForm

LIST_TITLES = {
    "position": _l("Our position: its sections"),
    "faq": _l("Questions and answers"),
    "experts": _l("Experts"),
    "testimonies": _l("Testimonies"),
}
PAGE_TITLES = {"position": _l("Our position: title and introduction")}
BRAND_TITLES = {
    "logo": (_l("Logo"), _l("Shown in the header of every page.")),
    "favicon": (_l("Favicon"), _l("The small icon of browser tabs and bookmarks.")),
    "share": (
        _l("Share image"),
        _l("Shown beside links to the site on social networks: 1200 × 630 pixels."),
    ),
}


def _me() -> Actor:
    return Actor.moderator(current_user.id)


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        abort(404)


def _check_list(name: str, lang: str) -> None:
    _check_language(lang)
    if name not in lists.FIELDS:
        abort(404)


@bp.get("/content")
@admin_required
def content_index() -> ResponseReturnValue:
    return _index(DossierForm())


def _index(
    form: DossierForm, status: int = 200, brand_form: BrandForm | None = None
) -> ResponseReturnValue:
    by_slug = {
        slug: {lang: pages.page(slug, lang) for lang in LANGUAGES} for slug in pages.EDITABLE
    }
    counts = {
        name: {lang: len(lists.items(name, lang)) for lang in LANGUAGES} for name in lists.FIELDS
    }
    dossiers = {lang: dossier.dossier_in(lang) for lang in LANGUAGES}
    return render_template(
        "moderation/content.html",
        pages=by_slug,
        page_titles=PAGE_TITLES,
        counts=counts,
        list_titles=LIST_TITLES,
        dossiers=dossiers,
        form=form,
        brand_form=brand_form or BrandForm(formdata=None),
        brand_titles=BRAND_TITLES,
        brand_uploaded={kind: brand.picture(kind).uploaded for kind in brand.KINDS},
        action=ActionForm(formdata=None),
        names=LANGUAGE_NAMES,
    ), status


@bp.route("/content/pages/<slug>/<language>", methods=["GET", "POST"])
@admin_required
def edit_page(slug: str, language: str) -> ResponseReturnValue:
    lang = language  # "lang" in a URL is the public site's language; this is the content's
    _check_language(lang)
    if slug not in pages.EDITABLE:
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
        back=url_for("moderation.content_index"),
    ), status


# The lists: one page per list and language, an edit page per item.


@bp.get("/content/lists/<name>/<language>")
@admin_required
def edit_list(name: str, language: str) -> ResponseReturnValue:
    _check_list(name, language)
    return render_template(
        "moderation/content_list.html",
        name=name,
        title=LIST_TITLES[name],
        language=language,
        language_name=LANGUAGE_NAMES[language],
        items=lists.items(name, language),
        is_default=lists.is_default(name, language),
        action=ActionForm(formdata=None),
        names=LANGUAGE_NAMES,
    )


def _back(name: str, language: str) -> str:
    return url_for("moderation.edit_list", name=name, language=language)


@bp.route("/content/lists/<name>/<language>/new", methods=["GET", "POST"])
@admin_required
def add_item(name: str, language: str) -> ResponseReturnValue:
    _check_list(name, language)
    form = FORMS[name]()
    if form.validate_on_submit() and _saved(form, name, language, None):
        flash(_("Added."), "success")
        return redirect(_back(name, language))
    status = 400 if request.method == "POST" else 200
    return _item_page(form, name, language, None, status)


@bp.route("/content/lists/<name>/<language>/<key>", methods=["GET", "POST"])
@admin_required
def edit_item(name: str, language: str, key: str) -> ResponseReturnValue:
    _check_list(name, language)
    item = next((i for i in lists.items(name, language) if i.get("key") == key), None)
    if item is None:
        abort(404)
    form = FORMS[name](data=item) if request.method == "GET" else FORMS[name]()
    if form.validate_on_submit() and _saved(form, name, language, key):
        flash(_("Saved."), "success")
        return redirect(_back(name, language))
    status = 400 if request.method == "POST" else 200
    return _item_page(form, name, language, item, status)


def _saved(form: ItemForm, name: str, language: str, key: str | None) -> bool:
    """Save the item; on a refusal, put the reason on the field it concerns."""
    try:
        if key is None:
            lists.add(name, language, form.fields(), _me(), form.photo_bytes())
        else:
            lists.update(name, language, key, form.fields(), _me(), form.photo_bytes(), form.drop())
    except lists.UnknownItem:
        abort(404)
    except logos.BadImage as error:
        form["photo"].errors = [*form["photo"].errors, image_error(error)]
        return False
    except lists.ChildPhotoNeedsGuardian:
        message = _(
            "A child's photo is shown only with the recorded consent of a parent or "
            "guardian: record it below, or remove the photo."
        )
        form["consent"].errors = [*form["consent"].errors, message]
        return False
    except lists.PhotoNeedsConsent:
        message = _(
            "A photo is shown only with the person's recorded consent: record it "
            "below (how and when it was given), or remove the photo."
        )
        form["consent"].errors = [*form["consent"].errors, message]
        return False
    return True


def _item_page(
    form: ItemForm, name: str, language: str, item: dict[str, Any] | None, status: int
) -> ResponseReturnValue:
    heading = (
        str(next(iter(v for k, v in item.items() if k != "key"), "")) if item else _("New item")
    )
    return render_template(
        "moderation/content_edit.html",
        form=form,
        language=LANGUAGE_NAMES[language],
        heading=labelled(str(LIST_TITLES[name]), heading),
        preview=None,
        photo=item.get("photo") if item else None,
        multipart=form.has_photo,
        remove_url=(
            url_for("moderation.remove_item", name=name, language=language, key=item["key"])
            if item
            else None
        ),
        action=ActionForm(formdata=None),
        back=_back(name, language),
    ), status


@bp.post("/content/lists/<name>/<language>/<key>/move")
@admin_required
def move_item(name: str, language: str, key: str) -> ResponseReturnValue:
    _check_list(name, language)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if not ActionForm().validate_on_submit() or offset is None:
        abort(400)
    try:
        lists.move(name, language, key, offset, _me())
    except lists.UnknownItem:
        abort(404)
    return redirect(_back(name, language) + f"#{key}")


@bp.post("/content/lists/<name>/<language>/<key>/remove")
@admin_required
def remove_item(name: str, language: str, key: str) -> ResponseReturnValue:
    _check_list(name, language)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        lists.remove(name, language, key, _me())
    except lists.UnknownItem:
        abort(404)
    flash(_("Removed."), "success")
    return redirect(_back(name, language))


# The dossier and the brand images.


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


@bp.post("/content/brand/<kind>")
@admin_required
def upload_brand(kind: str) -> ResponseReturnValue:
    if kind not in brand.KINDS:
        abort(404)
    form = BrandForm()
    if form.validate_on_submit():
        try:
            brand.upload(kind, form.image(), _me())
        except logos.BadImage as error:
            flash(labelled(str(BRAND_TITLES[kind][0]), image_error(error)), "error")
            return _index(DossierForm(formdata=None), 400, form)
        flash(_("The new image is online."), "success")
        return redirect(url_for("moderation.content_index") + "#brand-title")
    for message in form.file.errors:
        flash(labelled(str(BRAND_TITLES[kind][0]), str(message)), "error")
    return _index(DossierForm(formdata=None), 400, form)


@bp.post("/content/brand/<kind>/reset")
@admin_required
def reset_brand(kind: str) -> ResponseReturnValue:
    if kind not in brand.KINDS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    brand.reset(kind, _me())
    flash(_("The generated image is back."), "success")
    return redirect(url_for("moderation.content_index") + "#brand-title")
