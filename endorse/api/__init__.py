"""The open data API under /api/v1."""

from flask import Blueprint, current_app, request

from ..extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
UNLIMITED = "api.count"  # answered from memory: counting it against a limit would cost more
# Scrapers share the machine with signers: each address gets its share of the API.
limiter.shared_limit(lambda: current_app.config["API_LIMIT"], scope="api",
                     exempt_when=lambda: request.endpoint == UNLIMITED)(bp)

from . import views  # noqa: E402,F401  (routes register themselves on bp)
