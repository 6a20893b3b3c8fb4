"""Logos: checked by content, re-encoded and resized, so we never serve the uploaded bytes.

Every image anyone uploads comes through ``process``. Its size is read from the header and
refused above ``MAX_SOURCE_SIDE`` pixels on a side before a pixel is decoded: a few kilobytes of
PNG can describe 36 million pixels, and decoding them would cost a worker seconds and hundreds
of megabytes. What is accepted is decoded no larger than the logo needs: a JPEG at a reduced
scale (``Image.draft``), the others shrunk by ``reduce`` before the last resampling.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import DomainError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")  # SVG can carry scripts: never accepted
MAX_SIDE = 256  # pixels on the longer side of a logo as we serve it
MAX_SOURCE_SIDE = 4096  # pixels on either side of an uploaded image, at most
#: Modes that shrink well as they are; others (palettes, 1-bit, 16-bit) become RGBA first.
_RESIZABLE_MODES = frozenset({"RGB", "RGBA", "L", "LA", "CMYK"})


class BadImage(DomainError):
    """Not a PNG, JPEG or WebP image we can read."""


class TooLarge(BadImage):
    """An image wider or taller than ``MAX_SOURCE_SIDE`` pixels."""


@dataclass(frozen=True)
class ProcessedLogo:
    content: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/webp"


def process(data: bytes) -> ProcessedLogo:
    """The logo as we serve it: at most ``MAX_SIDE`` pixels on a side, re-encoded as WebP."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these formats' parsers ever read the bytes; opening reads the header alone.
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise BadImage(f"format {image.format} is not accepted")
                if max(image.size) > MAX_SOURCE_SIDE:
                    raise TooLarge(f"{image.width}×{image.height} pixels")
                picture = _shrunk(image)
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise BadImage("not a PNG, JPEG or WebP image") from exc
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=85, method=4)
    content = out.getvalue()
    return ProcessedLogo(
        content, picture.width, picture.height, hashlib.sha256(content).hexdigest()
    )


def _shrunk(image: Image.Image) -> Image.Image:
    """Decode ``image`` no larger than needed and make it a logo-sized RGBA picture."""
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size, still at least twice the logo's size;
    # other formats ignore this.
    image.draft(None, (2 * MAX_SIDE, 2 * MAX_SIDE))
    picture = image if image.mode in _RESIZABLE_MODES else image.convert("RGBA")
    # Decodes what draft left, then reduce()s by whole factors before resampling.
    picture.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)
    return picture.convert("RGBA")
