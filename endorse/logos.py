"""Logos: checked by content, re-encoded and resized, so we never serve the uploaded bytes."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import DomainError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}  # SVG can carry scripts: never accepted
MAX_SIDE = 256
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them


class BadImage(DomainError):
    """Not a PNG, JPEG or WebP image we can read."""


@dataclass(frozen=True)
class ProcessedLogo:
    content: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/webp"


def process(data: bytes) -> ProcessedLogo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise BadImage(f"format {image.format} is not accepted")
                if image.width * image.height > MAX_PIXELS:
                    raise BadImage("the image is too large")
                image.load()
                picture = image.convert("RGBA")
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise BadImage("not a PNG, JPEG or WebP image") from exc
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=85, method=4)
    content = out.getvalue()
    return ProcessedLogo(
        content, picture.width, picture.height, hashlib.sha256(content).hexdigest()
    )
