"""JSON endpoints: public fields only, readable from any web page (CORS), cacheable briefly."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from .. import audit, counts, publication
from ..error_pages import render_error
from . import bp, openapi

COUNT_MAX_AGE = 15  # seconds a browser or proxy may reuse the count
SUPPORTERS_MAX_AGE = 60  # seconds a browser or proxy may reuse a page of supporters
OPENAPI_MAX_AGE = 3600  # the description only changes with a deployment
SUPPORTERS_PER_PAGE = 50
API_ROOT = "/api/"


@bp.after_app_request
def _allow_any_origin(response: Response) -> Response:
    """The data is public: any site may read it from a browser, errors included.

    Registered on the app rather than the blueprint so that a 404 or 405 under /api/
    (which belongs to no blueprint) carries the header too.
    """
    if request.method in ("GET", "HEAD") and request.path.startswith(API_ROOT):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _cacheable(response: Response, max_age: int) -> Response:
    """Public, briefly cached, and answered with 304 when the client already has it.

    A proxy or CDN may keep serving a just-expired copy while it revalidates, and for a day
    if we are down: a crowd refreshing the home page does not reach the database.
    """
    if response.get_etag() == (None, None):
        response.add_etag()
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 4}, stale-if-error=86400"
    )
    if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
        return response  # nothing to compare: skip werkzeug's conditional machinery
    return response.make_conditional(request)


@bp.get("/count")
def count() -> ResponseReturnValue:
    """The live count, polled by every open page and every partner's badge.

    It is answered from the worker's cached snapshot, serialised once per snapshot, and is
    not rate-limited: a limit's shared counter would cost more than the answer.
    """
    snapshot = counts.read()
    cache = current_app.extensions.setdefault("endorse_count_json", {})
    if cache.get("snapshot") is not snapshot:
        body = jsonify(
            organisations=snapshot.organisations,
            by_category=snapshot.by_category,
            updated_at=snapshot.updated_at.isoformat(),
        ).get_data()
        etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()
        cache.update(snapshot=snapshot, body=body, etag=etag)
    response = Response(cache["body"], mimetype="application/json")
    response.set_etag(cache["etag"])
    return _cacheable(response, COUNT_MAX_AGE)


@bp.get("/audit/head")
def audit_head() -> ResponseReturnValue:
    """How many audit records exist and the newest hash: anyone may note it and compare later."""
    head = audit.head()
    response = jsonify(records=head.records, hash=head.hash)
    response.cache_control.public = True
    response.cache_control.max_age = COUNT_MAX_AGE
    return response


@bp.get("/supporters")
def supporters() -> ResponseReturnValue:
    """The approved organisations, filtered like the public list, one keyset page at a time."""
    try:
        query = publication.parse_query(request.args, per_page=SUPPORTERS_PER_PAGE)
    except publication.BadQuery as bad:
        return render_error(
            400,
            _(
                "The query parameter “%(parameter)s” has a value we do not "
                "accept. /api/v1/openapi.json lists the allowed values.",
                parameter=bad.field,
            ),
        )
    page = publication.supporters(query)
    # Links keep the filters and the page size, so following them never changes the question.
    keep: dict[str, object] = dict(query.filters())
    if query.per_page != SUPPORTERS_PER_PAGE:
        keep["per_page"] = query.per_page
    response = jsonify(
        supporters=[entry.as_dict() for entry in page.entries],
        total=page.total,
        next=(
            url_for("api.supporters", after=page.next_after, **keep)
            if page.next_after is not None
            else None
        ),
        previous=(
            url_for("api.supporters", before=page.previous_before, **keep)
            if page.previous_before is not None
            else None
        ),
    )
    return _cacheable(response, SUPPORTERS_MAX_AGE)


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """The machine-readable description of this API, pointing at this deployment."""
    document = {**openapi.DOCUMENT, "servers": [{"url": current_app.config["BASE_URL"]}]}
    return _cacheable(jsonify(document), OPENAPI_MAX_AGE)
