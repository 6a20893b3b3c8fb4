"""Who may use the console: login, logout, invitations, idle timeout, and the guards."""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..extensions import limiter, login_manager
from ..tokens import TokenError
from . import accounts, bp, lockout
from .forms import LoginForm, SetPasswordForm

#: The only console pages open without an account.
OPEN_ENDPOINTS = frozenset({"moderation.login", "moderation.set_password"})
P = ParamSpec("P")
R = TypeVar("R")

login_manager.login_view = "moderation.login"
login_manager.login_message = _l("Please sign in to use the moderation console.")
login_manager.login_message_category = "info"
login_manager.user_loader(accounts.load)


def admin_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """Every console page needs an active account, used within the idle timeout."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        # Flask-Login is untyped; its answer is the redirect to the login page.
        unauthorized: ResponseReturnValue = login_manager.unauthorized()
        return unauthorized
    now = time.time()
    idle = current_app.config["MODERATOR_IDLE_MINUTES"] * 60
    if now - session.get("seen", 0) > idle:
        logout_user()
        session.clear()
        flash(
            _(
                "You were signed out after %(minutes)d minutes without activity.",
                minutes=idle // 60,
            ),
            "info",
        )
        return redirect(url_for("moderation.login", next=request.full_path))
    session["seen"] = now
    if current_user.language:  # the account's own choice, over the browser's
        g.lang = current_user.language
    return None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect, never a broken header.

    A control character (CR, LF, tab, NUL...) has no place in a path we made: a CR or LF would
    end the Location header (the server refuses such a redirect, and the sign-in with it).
    """
    if not target or any(unicodedata.category(char) == "Cc" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.startswith("/moderate"):
        return None
    return target


def _login_failed(response: Any) -> bool:
    return bool(response.status_code == 401)


def _ip_key() -> str:
    return "login-ip:" + get_remote_address()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    key_func=_ip_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> ResponseReturnValue:
    """Sign in. Failed attempts with one address make the next ones wait (``lockout``); those
    from one network address are limited too, by Flask-Limiter."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(*form.credentials())
        except lockout.MustWait as wait:
            return _must_wait(form, wait.seconds)
        if user is not None:
            session.clear()  # nothing from before the login survives it
            login_user(user)
            session.permanent = True
            session["seen"] = time.time()
            return redirect(_safe_next(request.args.get("next")) or url_for("moderation.dashboard"))
        flash(_("Invalid email or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("moderation/login.html", form=form), status


def _must_wait(form: LoginForm, seconds: int) -> ResponseReturnValue:
    minutes = max(1, math.ceil(seconds / 60))
    flash(
        ngettext(
            "Too many failed sign-ins with this address. Please wait %(num)d minute and "
            "try again, or ask an admin to clear them.",
            "Too many failed sign-ins with this address. Please wait %(num)d minutes and "
            "try again, or ask an admin to clear them.",
            minutes,
        ),
        "error",
    )
    page = render_template("moderation/login.html", form=form)
    return page, 429, {"Retry-After": str(seconds)}


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    accounts.end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("moderation.login"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    try:
        user = accounts.check_invitation(token)
    except TokenError:
        message = _("This link does not work any more. Ask an admin for a new invitation.")
        return render_template(
            "errors/error.html", code=410, title=_("Link expired"), message=message
        ), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(token, form.new_password())
        flash(_("Your password is set. You can sign in now."), "success")
        return redirect(url_for("moderation.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/set_password.html", form=form, user=user), status
