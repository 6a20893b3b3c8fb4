"""The site's icon, where browsers look for it: /favicon.ico.

A default file from static/ until the campaign's own brand images replace it; base.html
links it with ``<link rel="icon">``. Everything about the icon is in this module.
"""

from __future__ import annotations

from flask import current_app
from flask.typing import ResponseReturnValue

from .. import caching
from . import bp

ICON_MAX_AGE = 86400  # the icon changes with a deployment, and a stale one harms nobody


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    response = current_app.send_static_file("favicon.ico")
    return caching.shared_conditional(response, ICON_MAX_AGE)
