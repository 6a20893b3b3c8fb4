"""Console pages. Each view validates, calls one operation or query, flashes, redirects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user

from .. import audit, caching, export, operations
from ..audit import Actor
from ..errors import NotFound
from ..extensions import db
from ..i18n import current_language
from ..models import Endorsement, IllegalTransition, Logo, NotEditable, RejectReason, Role, State
from ..models.states import moderator_actions
from . import accounts, bp, display, lockout, queries
from .auth import admin_required
from .diff import correction_diff
from .forms import (
    ActionForm,
    AuditSearchForm,
    BulkForm,
    ChangePasswordForm,
    CorrectionForm,
    EditForm,
    InviteForm,
    PreferencesForm,
    RejectForm,
    RoleForm,
    SearchForm,
)


def _me() -> Actor:
    return Actor.moderator(current_user.id)


def _entry_or_404(endorsement_id: int) -> Endorsement:
    entry = db.session.get(Endorsement, endorsement_id)
    if entry is None:
        abort(404)
    return entry


def _back(endorsement_id: int) -> ResponseReturnValue:
    if request.args.get("from") == "queue":
        return redirect(url_for("moderation.queue"))
    return redirect(url_for("moderation.entry", endorsement_id=endorsement_id))


def _say_already_decided(endorsement_id: int) -> None:
    decision = queries.last_decision(endorsement_id)
    if decision is None:
        flash(_("Nothing changed."), "warning")
        return
    flash(
        _("Already decided by %(who)s: %(state)s.", who=decision.by, state=decision.state.label),
        "warning",
    )


def _decide(endorsement_id: int, decide: Callable[[], bool], done: str) -> ResponseReturnValue:
    try:
        changed = decide()
    except NotFound:
        abort(404)
    except IllegalTransition:
        changed = False
    if changed:
        flash(done, "success")
    else:
        _say_already_decided(endorsement_id)
    return _back(endorsement_id)


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    overview = queries.overview()
    return render_template(
        "moderation/dashboard.html",
        overview=overview,
        waiting=overview.by_state[State.VERIFIED],
        corrections=queries.corrections_waiting(),
        chart=queries.approvals_chart(),
        head=audit.head(),
    )


@bp.get("/queue")
def queue() -> ResponseReturnValue:
    items = queries.queue()
    logos = queries.logos_of([entry.id for entry, _hints in items])
    return render_template(
        "moderation/queue.html",
        items=items,
        logos=logos,
        corrections=queries.corrections(),
        form=BulkForm(),
    )


@bp.post("/queue")
def bulk() -> ResponseReturnValue:
    form = BulkForm()
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Select at least one endorsement."), "warning")
        return redirect(url_for("moderation.queue"))
    code = RejectReason(form.code.data) if form.code.data else RejectReason.OTHER
    done, skipped = 0, 0
    for endorsement_id in form.ids.data:
        try:
            if form.reject.data:
                changed = operations.reject(endorsement_id, _me(), code=code)
            else:
                changed = operations.approve(endorsement_id, _me())
        except (IllegalTransition, NotFound):
            changed = False
        done, skipped = done + changed, skipped + (not changed)
    flash(
        _(
            "%(done)d done, %(skipped)d already decided by someone else.",
            done=done,
            skipped=skipped,
        ),
        "success" if not skipped else "warning",
    )
    return redirect(url_for("moderation.queue"))


@bp.get("/endorsements")
def entries() -> ResponseReturnValue:
    form = SearchForm(request.args)
    filters = form.filters() if form.validate() else queries.Filters()
    results = queries.search(filters, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "moderation/entries.html", form=form, results=results, filters=filters.as_dict()
    )


@bp.get("/endorsements.csv")
def export_csv() -> ResponseReturnValue:
    form = SearchForm(request.args)
    filters = form.filters() if form.validate() else queries.Filters()
    operations.record_export(_me(), filters.as_dict())

    def generate() -> Iterator[str]:
        yield from export.rows(queries.for_export(filters))

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="endorsements.csv"'
    return caching.personal(response)


def _entry_page(
    item: Endorsement,
    reject_form: RejectForm | None = None,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    correction = operations.pending_correction(item.id)
    if correction is not None and correction_form is None:
        correction_form = CorrectionForm(formdata=None, correction=correction.id)
    return render_template(
        "moderation/entry.html",
        entry=item,
        logos=queries.logos_of([item.id]),
        hints=queries.hints(item),
        trail=queries.trail(item.id),
        action=ActionForm(),
        reject_form=reject_form or RejectForm(),
        correction=correction,
        correction_form=correction_form,
        diff=correction_diff(item, correction) if correction is not None else [],
    ), status


@bp.get("/endorsements/<id:endorsement_id>")
def entry(endorsement_id: int) -> ResponseReturnValue:
    return _entry_page(_entry_or_404(endorsement_id))


@bp.get("/endorsements/<id:endorsement_id>/logo.webp")
def logo(endorsement_id: int) -> ResponseReturnValue:
    """The logo as it will be published, shown to moderators before they publish it."""
    found = db.session.get(Logo, endorsement_id)
    if found is None:
        abort(404)
    response = make_response(found.content)
    response.headers["Content-Type"] = found.content_type
    return caching.personal(response)


@bp.post("/endorsements/<id:endorsement_id>/approve")
def approve(endorsement_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _decide(
        endorsement_id,
        lambda: operations.approve(endorsement_id, _me()),
        _("Approved: the organisation is now public."),
    )


@bp.post("/endorsements/<id:endorsement_id>/reject")
def reject(endorsement_id: int) -> ResponseReturnValue:
    form = RejectForm()
    if not form.validate_on_submit():
        return _entry_page(_entry_or_404(endorsement_id), reject_form=form, status=400)
    return _decide(
        endorsement_id,
        lambda: operations.reject(
            endorsement_id,
            _me(),
            form.note.data or None,
            code=RejectReason(form.code.data),
            notify=bool(form.notify.data),
        ),
        _("Rejected."),
    )


def _simple(name: str, operation: Callable[..., bool], done: Callable[[], str]) -> None:
    def view(endorsement_id: int) -> ResponseReturnValue:
        form = ActionForm()
        if not form.validate_on_submit():
            abort(400)
        return _decide(
            endorsement_id,
            lambda: operation(endorsement_id, _me(), form.reason.data or None),
            done(),
        )

    bp.add_url_rule(f"/endorsements/<id:endorsement_id>/{name}", name, view, methods=["POST"])


_simple("hide", operations.hide, lambda: _("Hidden from the public list."))
_simple("unhide", operations.unhide, lambda: _("Published again."))
_simple("withdraw", operations.withdraw, lambda: _("Marked as withdrawn."))


@bp.post("/endorsements/<id:endorsement_id>/correction")
def decide_correction(endorsement_id: int) -> ResponseReturnValue:
    """Accept or refuse the signer's correction the moderator saw (its number is in the form)."""
    item = _entry_or_404(endorsement_id)
    form = CorrectionForm()
    if not form.validate_on_submit() or not (form.accept.data or form.refuse.data):
        return _entry_page(item, correction_form=form, status=400)
    correction_id, reason = form.correction.data or 0, form.reason.data or None
    try:
        if form.accept.data:
            decided = operations.accept_correction(endorsement_id, correction_id, _me(), reason)
            done = _("Correction accepted: the public list shows it. The signer is told.")
        else:
            decided = operations.refuse_correction(endorsement_id, correction_id, _me(), reason)
            done = _("Correction refused: the published version stays. The signer is told.")
    except operations.CorrectionReplaced:
        flash(_("The signer changed the correction meanwhile: here is the new one."), "warning")
        return redirect(url_for("moderation.entry", endorsement_id=endorsement_id))
    except NotEditable:
        decided, done = False, ""
    if decided:
        flash(done, "success")
    else:
        flash(_("No correction waits any more: someone else decided."), "warning")
    return _back(endorsement_id)


@bp.route("/endorsements/<id:endorsement_id>/edit", methods=["GET", "POST"])
def edit(endorsement_id: int) -> ResponseReturnValue:
    item = _entry_or_404(endorsement_id)
    form = EditForm(obj=item) if request.method == "GET" else EditForm()
    if request.method == "GET":
        form.category.data, form.region.data = item.category.value, item.region.value
    if form.validate_on_submit():
        try:
            changes = operations.edit(
                endorsement_id, _me(), form.public_fields(), form.reason.data or None
            )
        except NotEditable:
            flash(_("A withdrawn endorsement cannot be edited."), "error")
            return redirect(url_for("moderation.entry", endorsement_id=endorsement_id))
        flash(_("Saved.") if changes else _("Nothing changed."), "success" if changes else "info")
        return redirect(url_for("moderation.entry", endorsement_id=endorsement_id))
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/edit.html", form=form, entry=item), status


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    form = AuditSearchForm(request.args)
    form.action.choices = display.action_choices(queries.audit_actions())
    filters = form.filters() if form.validate() else queries.AuditFilters()
    found = queries.audit_log(filters, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "moderation/audit.html",
        form=form,
        found=found,
        subjects=queries.subjects(found.items),
        head=audit.head(),
    )


def _accounts_page(invite: InviteForm, status: int = 200) -> ResponseReturnValue:
    everyone = accounts.all_users()
    return render_template(
        "moderation/users.html",
        users=everyone,
        deactivatable=accounts.deactivatable(everyone, _me()),
        failures=lockout.of_accounts(everyone),
        invite=invite,
        role_form=RoleForm,
        action=ActionForm(),
    ), status


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    return _accounts_page(InviteForm())


@bp.post("/users")
@admin_required
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.invite(form.address(), Role(form.role.data), _me(), current_language())
        except accounts.AccountError as error:
            form.email.errors = [*form.email.errors, _account_message(error)]
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("moderation.users"))
    return _accounts_page(form, 400)


def _account_message(error: accounts.AccountError) -> str:
    messages: dict[type[accounts.AccountError], str] = {
        accounts.AccountExists: _("An account with this email exists already."),
        accounts.LastAdmin: _("The last active admin must stay an admin."),
        accounts.OwnAccount: _("You cannot deactivate your own account."),
    }
    invalid_address: str = _("Please enter a valid email address, like name@example.org.")
    return messages.get(type(error), invalid_address)


def _user_change(user_id: int, change: Callable[[], Any], done: str) -> ResponseReturnValue:
    try:
        change()
    except NotFound:
        abort(404)
    except accounts.AccountError as error:
        flash(_account_message(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("moderation.users"))


@bp.post("/users/<id:user_id>/role")
@admin_required
def change_role(user_id: int) -> ResponseReturnValue:
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    return _user_change(
        user_id,
        lambda: accounts.change_role(user_id, Role(form.role.data), _me()),
        _("Role changed."),
    )


@bp.post("/users/<id:user_id>/deactivate")
@admin_required
def deactivate(user_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _user_change(
        user_id,
        lambda: accounts.set_active(user_id, False, _me()),
        _("Account deactivated; its sessions have ended."),
    )


@bp.post("/users/<id:user_id>/activate")
@admin_required
def activate(user_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _user_change(
        user_id, lambda: accounts.set_active(user_id, True, _me()), _("Account reactivated.")
    )


@bp.post("/users/<id:user_id>/clear-failures")
@admin_required
def clear_failures(user_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _user_change(
        user_id,
        lambda: lockout.clear(user_id, _me()),
        _("Failed sign-ins cleared: the account can sign in again at once."),
    )


@bp.get("/account")
def account() -> ResponseReturnValue:
    preferences = PreferencesForm(
        formdata=None, language=current_user.language or "", digest=current_user.digest
    )
    return _account_page(preferences, ChangePasswordForm(formdata=None))


def _account_page(
    preferences: PreferencesForm, password: ChangePasswordForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "moderation/account.html", preferences=preferences, password=password
    ), status


@bp.post("/account")
def save_preferences() -> ResponseReturnValue:
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _account_page(form, ChangePasswordForm(formdata=None), 400)
    accounts.set_preferences(current_user.id, form.language.data or None, bool(form.digest.data))
    flash(_("Preferences saved."), "success")
    return redirect(url_for("moderation.account"))


@bp.post("/account/password")
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    preferences = PreferencesForm(
        formdata=None, language=current_user.language or "", digest=current_user.digest
    )
    if not form.validate_on_submit():
        return _account_page(preferences, form, 400)
    try:
        user = accounts.change_password(current_user.id, *form.passwords())
    except accounts.WrongPassword:
        form.current.errors = [_("This is not your current password.")]
        return _account_page(preferences, form, 400)
    except lockout.MustWait:
        form.current.errors = [_("Too many wrong passwords. Please wait a few minutes.")]
        return _account_page(preferences, form, 429)
    # Every other session of the account has ended; this one goes on, with the new version.
    login_user(user)
    flash(_("Your password is changed. Your other sessions have ended."), "success")
    return redirect(url_for("moderation.account"))


# The console's buttons for an entry, from the state machine.
bp.add_app_template_global(moderator_actions, "state_actions")


@bp.context_processor
def _words() -> dict[str, Any]:
    """``show``: times on the campaign's clock, the audit trail in words (see display)."""
    return {"show": display}
