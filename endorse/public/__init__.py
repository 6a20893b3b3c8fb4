"""The public site: the position, the supporters, signing, and the files that help find them."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import favicon, feeds, views  # noqa: E402,F401  (routes register themselves on bp)
