"""The console's import of supporters (admins) and adding one organisation by hand.

An upload waits in the database (``importing.stage``) while its admin reads the preview,
the same report as ``flask endorse import-supporters --dry-run``; one button imports it.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import caching, importing
from ..audit import Actor
from ..error_pages import render_error
from ..errors import NotFound
from ..extensions import db
from ..models import SupporterImport
from . import bp
from .auth import admin_required
from .forms import ActionForm
from .import_forms import AddForm, ImportForm


def _me() -> Actor:
    return Actor.moderator(current_user.id)


def _index(form: ImportForm, status: int = 200) -> ResponseReturnValue:
    past = db.session.scalars(
        select(SupporterImport)
        .where(SupporterImport.imported_at.is_not(None))
        .order_by(SupporterImport.id.desc())
    ).all()
    return render_template(
        "moderation/import.html",
        form=form,
        past=past,
        action=ActionForm(),
        max_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
    ), status


@bp.get("/import")
@admin_required
def import_index() -> ResponseReturnValue:
    return _index(ImportForm())


@bp.post("/import")
@admin_required
def import_upload() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    upload = form.file.data
    limit = current_app.config["IMPORT_MAX_BYTES"]
    content = upload.read(limit + 1)
    if len(content) > limit:
        form.file.errors = [_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]
        return _index(form, 413)
    options = importing.Options(
        form.language.data or None, form.consent_note.data, bool(form.claim_mails.data)
    )
    staged_id = importing.stage(content, upload.filename or "supporters.csv", options, _me())
    return redirect(url_for("moderation.import_preview", import_id=staged_id), code=303)


def _staged_or_gone(import_id: int) -> tuple[SupporterImport, bytes]:
    """The admin's own upload, still waiting, and its file; else the page says it is gone."""
    batch = importing.staged(import_id, current_user.id)
    if batch is None or batch.content is None:
        message = _("This upload has expired or was imported already. Please upload it again.")
        abort(render_error(410, message))
    return batch, batch.content


def _preview(batch: SupporterImport, report: importing.Plan, status: int) -> ResponseReturnValue:
    return render_template(
        "moderation/import_preview.html",
        batch=batch,
        report=report,
        action=ActionForm(),
    ), status


@bp.get("/import/<id:import_id>")
@admin_required
def import_preview(import_id: int) -> ResponseReturnValue:
    batch, content = _staged_or_gone(import_id)
    report = importing.plan(content, batch.filename, importing.options_of(batch))
    return _preview(batch, report, 200 if report.ok else 422)


@bp.post("/import/<id:import_id>")
@admin_required
def import_run(import_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    batch, content = _staged_or_gone(import_id)
    filename, options = batch.filename, importing.options_of(batch)
    try:
        outcome = importing.run(content, filename, options, _me(), staged_id=import_id)
    except NotFound:
        abort(410)
    if not outcome.plan.ok:
        return _preview(_staged_or_gone(import_id)[0], outcome.plan, 422)
    if outcome.import_id is None:
        flash(_("Nothing imported: every organisation in the file is already on record."), "info")
    else:
        flash(
            _(
                "%(count)d organisations imported and published; %(mails)d emails queued.",
                count=outcome.imported,
                mails=outcome.mails,
            ),
            "success",
        )
    return redirect(url_for("moderation.import_index"), code=303)


@bp.post("/import/<id:import_id>/undo")
@admin_required
def import_undo(import_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        withdrawn = importing.undo(import_id, _me())
    except (NotFound, importing.NotImported):
        flash(_("There is no such import, or it was undone already."), "warning")
    else:
        flash(
            _(
                "Import undone: %(count)d entries withdrawn, their contacts erased.",
                count=withdrawn,
            ),
            "success",
        )
    return redirect(url_for("moderation.import_index"), code=303)


@bp.get("/import/template.csv")
def import_template() -> ResponseReturnValue:
    response = Response(importing.TEMPLATE, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="supporters-template.csv"'
    return caching.personal(response)


@bp.route("/add", methods=["GET", "POST"])
def add() -> ResponseReturnValue:
    form = AddForm()
    if form.validate_on_submit():
        endorsement_id = importing.add_by_hand(
            form.row(), form.consent_note.data or "", bool(form.publish.data), _me()
        )
        flash(
            _("Added and published.") if form.publish.data else _("Added to the queue."),
            "success",
        )
        return redirect(url_for("moderation.entry", endorsement_id=endorsement_id), code=303)
    return render_template("moderation/add.html", form=form), 400 if form.errors else 200
