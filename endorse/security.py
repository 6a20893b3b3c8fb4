"""Security headers on every response, and refusal of bodies we cannot read."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import lazy_gettext as _l

from .error_pages import CSRF_MESSAGE, render_error
from .tokens import form_token_is_valid

NOT_UTF8 = _l(
    "Your browser sent characters we cannot read. Please check what you typed "
    "and send the form again."
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: The embeddable badge: the same policy, but any site may frame it.
EMBED_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def _undecodable_form() -> bool:
    """Werkzeug silently drops a urlencoded form that is not UTF-8; we say so instead."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return False
    raw = request.get_data(cache=True)
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


#: Routes that take a file, and the setting that bounds it; every other body stays small.
UPLOAD_LIMITS = {
    "public.sign": "LOGO_MAX_BYTES",
    "public.manage_logo": "LOGO_MAX_BYTES",
    "moderation.upload_dossier": "DOSSIER_MAX_BYTES",
    "moderation.upload_brand": "LOGO_MAX_BYTES",
    "moderation.add_item": "LOGO_MAX_BYTES",  # experts and testimonies have a photo
    "moderation.edit_item": "LOGO_MAX_BYTES",
    "moderation.import_upload": "IMPORT_MAX_BYTES",
}
_FORM_ROOM = 64 * 1024  # the text fields around an upload


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def from_this_site() -> bool:
    """Whether a public form post comes from our own pages, without a session to keep a token.

    Browsers say where a request comes from: ``Sec-Fetch-Site`` (same-origin, or none for one
    the person made themselves), or else ``Origin``, which must be our base URL's. A client
    that sends neither must carry the signed token of a form of ours (the approach of Go's
    ``http.CrossOriginProtection`` and OWASP's fetch-metadata defence).
    """
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        base = urlsplit(current_app.config["BASE_URL"])
        return origin == f"{base.scheme}://{base.netloc}"
    return form_token_is_valid(request.form.get("csrf_token", ""))


def init_app(app: Flask) -> None:
    @app.before_request
    def _upload_room() -> None:
        setting = UPLOAD_LIMITS.get(request.endpoint or "")
        if setting:
            request.max_content_length = app.config[setting] + _FORM_ROOM

    @app.before_request
    def _readable_body() -> Response | None:
        if request.method in ("POST", "PUT", "PATCH") and _undecodable_form():
            return render_error(400, str(NOT_UTF8))
        return None

    @app.before_request
    def _same_site_public_posts() -> Response | None:
        """The console keeps Flask-WTF's session token; the public forms, whose pages are
        shared by caches, are checked here instead (their blueprint is exempt there)."""
        public_post = request.method in UNSAFE_METHODS and request.blueprint == "public"
        if public_post and not from_this_site():
            return render_error(400, str(CSRF_MESSAGE))
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if headers.get("Content-Security-Policy") != EMBED_POLICY:
            headers.setdefault("X-Frame-Options", "DENY")
        # Links carry tokens in their path: never send them to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
