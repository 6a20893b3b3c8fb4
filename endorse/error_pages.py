"""Error pages: translated, without stack traces, JSON under /api/."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import login_manager

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("We could not understand what your browser sent. Please go back and try again."),
    ),
    403: (_l("Forbidden"), _l("You are not allowed to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. It may have moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    410: (_l("Gone"), _l("This page is no longer available.")),
    413: (_l("Too much data"), _l("What you sent is too large. Please send less and try again.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "An error on our side stopped this page. "
            "Nothing you entered was saved; please try again later."
        ),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The site is briefly unavailable. Please try again in a few minutes."),
    ),
}
CSRF_MESSAGE = _l(
    "This form has expired or did not come from this site. "
    "Please reload the page and send it again."
)


def render_error(code: int, message: str | None = None) -> Response:
    title, default = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if code >= 500 and "_login_user" not in g:
        # Rendering would load the signed-in moderator (Flask-Login's template context) from
        # the database, which may be what failed; the error page does not show them anyway.
        g._login_user = login_manager.anonymous_user()
    text = str(message or default)
    if request.path.startswith("/api/"):
        return make_response(jsonify(error=str(title), message=text), code)
    page = render_template("errors/error.html", code=code, title=title, message=text)
    return make_response(page, code)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Response:
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        for name, value in error.get_headers():  # Allow, Retry-After, ...
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def _internal(_error: InternalServerError) -> Response:
        return render_error(500)
