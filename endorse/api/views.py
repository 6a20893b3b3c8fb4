"""JSON endpoints: public fields only, readable from any web page (CORS), cacheable briefly."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from .. import audit, caching, projections, publication
from ..error_pages import render_error
from ..public.forms import SupporterSearchForm
from . import bp, openapi

OPENAPI_MAX_AGE = 3600  # the description only changes with a deployment
API_ROOT = "/api/"
COUNT_JSON = "endorse_count_json"  # the count's body and ETag, kept per snapshot


@bp.record
def _count_cache(state: BlueprintSetupState) -> None:
    state.app.extensions[COUNT_JSON] = {}


@bp.after_app_request
def _allow_any_origin(response: Response) -> Response:
    """The data is public: any site may read it from a browser, errors included.

    Registered on the app rather than the blueprint so that a 404 or 405 under /api/
    (which belongs to no blueprint) carries the header too.
    """
    if request.method in ("GET", "HEAD") and request.path.startswith(API_ROOT):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/count")
def count() -> ResponseReturnValue:
    """The live count, polled by every open page and every partner's badge.

    It is answered from the worker's cached snapshot, serialised once per snapshot, and is
    not rate-limited: a limit's shared counter would cost more than the answer.
    """
    snapshot = projections.read_counts()
    cache = current_app.extensions[COUNT_JSON]
    if cache.get("snapshot") is not snapshot:
        body = jsonify(
            organisations=snapshot.organisations,
            in_belgium=snapshot.in_belgium,
            by_category=snapshot.by_category,
            updated_at=snapshot.updated_at.isoformat(),
        ).get_data()
        etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()
        cache.update(snapshot=snapshot, body=body, etag=etag)
    response = Response(cache["body"], mimetype="application/json")
    response.set_etag(cache["etag"])
    return caching.conditional(caching.count(response))


@bp.get("/audit/head")
def audit_head() -> ResponseReturnValue:
    """How many audit records exist and the newest hash: anyone may note it and compare later."""
    head = audit.head()
    return caching.count(jsonify(records=head.records, hash=head.hash))


@bp.get("/supporters")
def supporters() -> ResponseReturnValue:
    """The approved organisations, filtered like the public list, one keyset page at a time."""
    form = SupporterSearchForm(request.args)
    if not form.validate():
        return render_error(
            400,
            _(
                "The query parameter “%(parameter)s” has a value we do not "
                "accept. /api/v1/openapi.json lists the allowed values.",
                parameter=form.bad_field(),
            ),
        )
    per_page = current_app.config["PER_PAGE"]
    query = form.query(per_page)
    page = publication.supporters(query)
    # Links keep the filters and the page size, so following them never changes the question.
    keep: dict[str, Any] = dict(query.filters())  # url_for's **values: Any
    if query.per_page != per_page:
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
    return caching.shared_conditional(response)


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """The machine-readable description of this API, pointing at this deployment."""
    document = {**openapi.DOCUMENT, "servers": [{"url": current_app.config["BASE_URL"]}]}
    return caching.shared_conditional(jsonify(document), OPENAPI_MAX_AGE)
