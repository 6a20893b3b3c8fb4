"""Cache-Control in one place: what browsers and shared caches (a proxy, a CDN) may keep.

Public responses are the same for every visitor, so a cache may keep them ``max_age``
seconds, keep serving a just-expired copy while it fetches a fresh one, and for a day while
we are down: a crowd refreshing a page does not reach the database. Personal responses are
never stored anywhere.
"""

from __future__ import annotations

from flask import Response, request

STALE_IF_ERROR = 86400  # seconds a cache may serve a copy while we are down


def shared(response: Response, max_age: int) -> Response:
    """Mark ``response`` as the same for every visitor, fresh for ``max_age`` seconds."""
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 4}, "
        f"stale-if-error={STALE_IF_ERROR}"
    )
    return response


def shared_conditional(response: Response, max_age: int) -> Response:
    """``shared``, with an ETag, answered with 304 when the client already has this copy."""
    if response.get_etag() == (None, None):
        response.add_etag()
    shared(response, max_age)
    if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
        return response  # nothing to compare: skip werkzeug's conditional machinery
    response.make_conditional(request)  # in place; typed as returning werkzeug's Response
    return response


def personal(response: Response) -> Response:
    """Mark ``response`` as for this visitor only: no browser history, no shared cache."""
    response.headers["Cache-Control"] = "no-store, private"
    return response
