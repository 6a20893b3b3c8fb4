"""What browsers and shared caches (a proxy, a CDN) may keep, decided in one place.

Public pages are the same for every visitor: they carry no session (``PublicSessions``), no
cookie and no ``Vary: Cookie``, so a cache may keep them a few seconds, serve them stale while
it fetches a fresh copy, and for a day while we are down. A crowd on press day then costs the
app one request per page every few seconds. Personal pages (links with a token, the console,
anything that sets a cookie) are never stored anywhere.
"""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, request
from flask.sessions import NullSession, SecureCookieSession, SecureCookieSessionInterface
from werkzeug.wrappers import Response as WerkzeugResponse

#: Blueprints whose pages are personal: they keep a session (sign-in, CSRF) and are never stored.
PERSONAL_BLUEPRINTS = frozenset({"moderation"})
CONSOLE = "/moderate"  # where they live
#: Public pages that carry a token in their address: for one person only.
PERSONAL_ENDPOINTS = frozenset(
    {
        "public.confirm",
        "public.confirm_post",
        "public.manage",
        "public.manage_edit",
        "public.manage_withdraw",
        "public.manage_erase",
        "public.manage_withdraw_confirm",
        "public.manage_erase_confirm",
        "public.manage_logo",
        "public.manage_logo_remove",
    }
)


def shared(response: Response, fresh: int | None = None, stale: int | None = None) -> Response:
    """Mark ``response`` as the same for every visitor: fresh for ``fresh`` seconds (the page
    setting by default), then served stale for ``stale`` more while a cache revalidates."""
    cfg = current_app.config
    fresh = cfg["PAGE_FRESH_SECONDS"] if fresh is None else fresh
    stale = cfg["PAGE_STALE_SECONDS"] if stale is None else stale
    response.headers["Cache-Control"] = (
        f"public, max-age={fresh}, s-maxage={fresh}, stale-while-revalidate={stale}, "
        f"stale-if-error={cfg['STALE_IF_ERROR_SECONDS']}"
    )
    return response


def count(response: Response) -> Response:
    """The live count: fresher than a page, since open pages poll it."""
    cfg = current_app.config
    return shared(response, cfg["COUNT_FRESH_SECONDS"], cfg["COUNT_STALE_SECONDS"])


def conditional(response: Response) -> Response:
    """Give ``response`` an ETag, and answer 304 when the client already has this copy."""
    if response.get_etag() == (None, None):
        response.add_etag()
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        response.make_conditional(request)  # nothing to compare otherwise: skip the machinery
    return response


def shared_conditional(response: Response, fresh: int | None = None) -> Response:
    """``shared`` and ``conditional``."""
    return conditional(shared(response, fresh))


def shared_file(content: bytes, content_type: str, etag: str, fresh: int | None = None) -> Response:
    """A stored file (a logo, a photo, a brand image, the dossier) for everyone: shared like a
    page, so a change or a withdrawal leaves every cache as fast, and revalidated by its
    digest."""
    response = Response(content, content_type=content_type)
    response.set_etag(etag)
    return shared_conditional(response, fresh)


def personal(response: Response) -> Response:
    """Mark ``response`` as for this visitor only: no browser history, no shared cache."""
    response.headers["Cache-Control"] = "no-store, private"
    return response


def by_language(response: WerkzeugResponse) -> WerkzeugResponse:
    """A response chosen by the visitor's own ``Accept-Language`` (the redirect from ``/``):
    no shared cache keeps it, and a browser asks again."""
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def _is_personal(req: Request) -> bool:
    return req.blueprint in PERSONAL_BLUEPRINTS or req.endpoint in PERSONAL_ENDPOINTS


class PublicSessions(SecureCookieSessionInterface):
    """Sessions for the console only. A public request gets an empty session that cannot be
    written: nothing it renders can depend on one, and no cookie or ``Vary: Cookie`` goes
    out, so the page can be shared."""

    def open_session(self, app: Flask, req: Request) -> SecureCookieSession | None:
        # The session opens before the URL is matched: the console is known by its path.
        if req.path == CONSOLE or req.path.startswith(CONSOLE + "/"):
            return super().open_session(app, req)
        return NullSession()


def init_app(app: Flask) -> None:
    app.session_interface = PublicSessions()

    @app.after_request
    def _cache_headers(response: Response) -> Response:
        if response.headers.getlist("Set-Cookie") or _is_personal(request):
            return personal(response)
        if "Cache-Control" in response.headers or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code in (200, 404, 410) and request.endpoint != "static":
            # Every visitor gets the same page: a revalidating cache gets 304s.
            return shared_conditional(response)
        return response
