"""JSON endpoints: public fields only."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from .. import audit, counts
from . import bp

COUNT_MAX_AGE = 15  # seconds a browser or proxy may reuse the count


@bp.get("/count")
def count() -> ResponseReturnValue:
    snapshot = counts.read()
    response = jsonify(
        organisations=snapshot.organisations,
        by_category=snapshot.by_category,
        updated_at=snapshot.updated_at.isoformat(),
    )
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = COUNT_MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.get("/audit/head")
def audit_head() -> ResponseReturnValue:
    """How many audit records exist and the newest hash: anyone may note it and compare later."""
    head = audit.head()
    response = jsonify(records=head.records, hash=head.hash)
    response.cache_control.public = True
    response.cache_control.max_age = COUNT_MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
