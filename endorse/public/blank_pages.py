"""A form page as a first visit sees it, rendered once per page and copied for each visitor.

On a big day most visitors open the sign form, and rendering its fields (WTForms widgets,
translated labels and options) was half the CPU of a whole sign-up. A blank form differs
between visitors only by its CSRF token, so it is rendered once per path with a placeholder,
and each visitor gets a copy with their own token put in. A request with a query string,
pending flash messages or an app in debug mode (templates reload) is rendered as usual.
"""

from __future__ import annotations

import secrets

from flask import current_app, render_template, request, session
from flask.blueprints import BlueprintSetupState
from flask_wtf import FlaskForm

SLOT = f"csrf-slot-{secrets.token_hex(16)}"  # a value no page contains by chance
CACHE = "endorse_blank_pages"  # path -> the page with SLOT for the token


def init_cache(state: BlueprintSetupState) -> None:
    """Give each app its own pages (registered on the public blueprint)."""
    state.app.extensions[CACHE] = {}


def blank_page(template: str, form: FlaskForm) -> str | None:
    """``template`` with the blank ``form`` for this visitor, or None if it must be rendered."""
    field = getattr(form, "csrf_token", None)
    if (
        field is None
        or request.method != "GET"
        or request.query_string
        or session.get("_flashes")
        or current_app.debug
    ):
        return None
    token = field.current_token
    pages: dict[str, str] = current_app.extensions[CACHE]
    page = pages.get(request.path)
    if page is None:
        field.current_token = SLOT
        try:
            page = pages[request.path] = render_template(template, form=form)
        finally:
            field.current_token = token
    return page.replace(SLOT, token)
