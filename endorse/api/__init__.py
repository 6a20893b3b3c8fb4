"""The open data API under /api/v1."""

from flask import Blueprint, current_app, request

from ..extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Scrapers share the machine with signers: each address gets its share of the API.
limiter.shared_limit(lambda: current_app.config["API_LIMIT"], scope="api")(bp)


@limiter.request_filter
def _count_is_unlimited() -> bool:
    """The count is answered from memory: counting it against a limit would cost more (and
    a filter is checked before Flask-Limiter resolves any limit)."""
    return request.endpoint == "api.count"


from . import views  # noqa: E402,F401  (routes register themselves on bp)
