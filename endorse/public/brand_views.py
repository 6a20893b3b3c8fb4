"""The campaign's images at stable addresses: its brand (logo, favicon, share image) and the
photos of its experts and testimonies."""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask.typing import ResponseReturnValue

from .. import caching
from ..content import brand, lists
from . import bp

_KINDS = ", ".join(f'"{kind}"' for kind in brand.KINDS)


@bp.app_template_global()
def brand_url(kind: str) -> str:
    """The absolute address of a brand image, from ENDORSE_BASE_URL (for og:image and the like).
    The address stays the same when the image changes: its ETag tells caches."""
    return str(current_app.config["BASE_URL"]) + url_for("public.brand_image", kind=kind)


@bp.get(f"/brand/<any({_KINDS}):kind>.png")
def brand_image(kind: str) -> ResponseReturnValue:
    return _brand_response(kind)


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask for it on their own, page or no page: the brand favicon itself, no redirect
    (browsers read a PNG whatever the name says)."""
    return _brand_response("favicon")


def _brand_response(kind: str) -> ResponseReturnValue:
    picture = brand.picture(kind)
    return caching.shared_file(picture.content, picture.content_type, picture.sha256)


@bp.get("/photos/<id:image_id>.webp")
def photo(image_id: int) -> ResponseReturnValue:
    found = lists.photo(image_id)
    if found is None:
        abort(404)
    return caching.shared_file(found.content, found.content_type, found.sha256)
