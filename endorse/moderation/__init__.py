"""The moderators' console under /moderate."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderate")

from . import auth, content_views, import_views, mail_previews, views  # noqa: E402,F401  (routes register themselves)
