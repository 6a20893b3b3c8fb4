"""Running in production: behind proxies, health checks, and a database that may go away."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from . import caching
from .error_pages import render_error
from .extensions import db

log = logging.getLogger(__name__)


class TrustedHosts:
    """Refuse a request whose Host is not ours, before anything can build a URL from it (a
    redirect to ``evil.example``); ``/healthz`` answers whatever the Host, as load balancers
    probe it by address."""

    def __init__(self, app: WSGIApplication, trusted: list[str]) -> None:
        self.app = app
        self.trusted = trusted

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if environ.get("PATH_INFO") != HEALTHZ and not host_is_trusted(host, self.trusted):
            response = Response("Unknown host\n", status=400, mimetype="text/plain")
            return response(environ, start_response)
        return self.app(environ, start_response)


HEALTHZ = "/healthz"


def init_app(app: Flask) -> None:
    # Outermost but for ProxyFix, which must give it the proxy's Host first.
    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config["ALLOWED_HOSTS"])  # type: ignore[method-assign]
    if not (app.debug or app.testing) and str(app.config["RATELIMIT_STORAGE_URI"]).startswith(
        "memory://"
    ):
        log.warning(
            "rate limits are counted in each worker's memory (memory://): with several "
            "workers or servers, each lets the whole limit through (2 workers, twice the "
            "sign-ups); set ENDORSE_RATELIMIT_STORAGE_URL=redis://... to share them. "
            "Failed sign-ins are counted in the database either way."
        )
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only as many X-Forwarded-* hops as we have proxies: a client cannot forge its address.
        # Wrapping wsgi_app is Flask's documented way to add middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_down(error: Exception) -> Response:
        """The database is unreachable: say so kindly; the transaction was rolled back."""
        log.error("database error: %s", error.__class__.__name__, exc_info=error)
        try:
            db.session.rollback()
        except DBAPIError:
            log.warning("rollback failed too; the session is discarded")
        db.session.remove()
        response = render_error(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.get(HEALTHZ)
    def healthz() -> Response:
        """For load balancers: 200 when this server can reach its database, 503 otherwise."""
        try:
            db.session.execute(text("SELECT 1"))
        except DBAPIError:
            db.session.rollback()
            response = jsonify(status="unavailable", database="unreachable")
            response.status_code = 503
        else:
            response = jsonify(status="ok", database="ok")
        return caching.personal(response)
