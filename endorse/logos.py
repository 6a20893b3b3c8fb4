"""Logos and every other uploaded image: checked by content, re-encoded and resized, so we
never serve the uploaded bytes.

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

from PIL import Image, ImageOps, UnidentifiedImageError

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
    return encode(decoded(data, (MAX_SIDE, MAX_SIDE)), "WEBP")


def decoded(data: bytes, box: tuple[int, int], *, cover: bool = False) -> Image.Image:
    """``data`` as an RGBA picture that fits in ``box`` (or, with ``cover``, fills it, cropped
    at the centre), refusing what is not an accepted image or is too large to decode safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these formats' parsers ever read the bytes; opening reads the header alone.
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise BadImage(f"format {image.format} is not accepted")
                if max(image.size) > MAX_SOURCE_SIDE:
                    raise TooLarge(f"{image.width}×{image.height} pixels")
                if cover:
                    scale = max(box[0] / image.width, box[1] / image.height)
                    fit = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
                    return ImageOps.fit(_shrunk(image, fit), box)
                return _shrunk(image, box)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge("more pixels than Pillow will decode") from exc  # its own guard
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise BadImage("not a PNG, JPEG or WebP image") from exc


def encode(picture: Image.Image, image_format: str) -> ProcessedLogo:
    """``picture`` written afresh as WebP or PNG: none of the uploaded bytes survive."""
    out = io.BytesIO()
    if image_format == "WEBP":
        picture.save(out, format="WEBP", quality=85, method=4)
    else:
        picture.save(out, format=image_format, optimize=True)
    content = out.getvalue()
    return ProcessedLogo(
        content,
        picture.width,
        picture.height,
        hashlib.sha256(content).hexdigest(),
        f"image/{image_format.lower()}",
    )


def _shrunk(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Decode ``image`` no larger than needed and make it an RGBA picture that fits ``box``."""
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size, still at least twice the box's size;
    # other formats ignore this.
    image.draft(None, (2 * box[0], 2 * box[1]))
    picture = image if image.mode in _RESIZABLE_MODES else image.convert("RGBA")
    # Decodes what draft left, then reduce()s by whole factors before resampling.
    picture.thumbnail(box, reducing_gap=2.0)
    return picture.convert("RGBA")
