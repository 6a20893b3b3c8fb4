"""The campaign's logo, favicon and share image: uploaded by admins, re-encoded as PNG like
every uploaded image (see ``logos``), and generated in the campaign's colour until then."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw

from .. import audit, logos
from ..audit import Actor
from ..database import write_transaction
from ..extensions import db
from ..models import BrandImage
from ..models.types import utcnow

#: Each image: the box it is made to (pixels), and whether it fills the box (cropped at the
#: centre) or fits inside it (a favicon is then centred on a transparent square).
KINDS: dict[str, tuple[tuple[int, int], str]] = {
    "logo": ((512, 512), "fit"),
    "favicon": ((64, 64), "square"),
    "share": ((1200, 630), "cover"),  # what social networks show beside a shared link
}
COLOUR = (0xB3, 0x00, 0x1B)  # the campaign's red: --accent in static/style.css
WHITE = (255, 255, 255, 255)


@dataclass(frozen=True)
class Picture:
    content: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/png"
    uploaded: bool = False


def upload(kind: str, data: bytes, actor: Actor) -> None:
    """Replace one brand image; ``logos.BadImage`` when the file is not one we can take."""
    box, shape = KINDS[kind]
    picture = logos.decoded(data, box, cover=shape == "cover")
    if shape == "square":
        square = Image.new("RGBA", box, (0, 0, 0, 0))
        square.paste(picture, ((box[0] - picture.width) // 2, (box[1] - picture.height) // 2))
        picture = square
    made = logos.encode(picture, "PNG")
    with write_transaction():
        row = db.session.get(BrandImage, kind)
        if row is None:
            row = BrandImage(kind=kind)
            db.session.add(row)
        row.content_type, row.content, row.sha256 = made.content_type, made.content, made.sha256
        row.width, row.height = made.width, made.height
        row.uploaded_at, row.uploaded_by = utcnow(), actor.user_id
        audit.record(actor, "content.brand", data={"kind": kind, "sha256": made.sha256})


def reset(kind: str, actor: Actor) -> None:
    """Go back to the generated image."""
    with write_transaction():
        row = db.session.get(BrandImage, kind)
        if row is not None:
            db.session.delete(row)
            audit.record(actor, "content.brand", data={"kind": kind, "sha256": None})


def picture(kind: str) -> Picture:
    row = db.session.get(BrandImage, kind)
    if row is None:
        return generated(kind)
    return Picture(row.content, row.width, row.height, row.sha256, row.content_type, True)


@cache
def generated(kind: str) -> Picture:
    """A plain mark that looks deliberate: a full stop, white on the campaign's red."""
    width, height = KINDS[kind][0]
    scale = 4  # drawn large, then shrunk: smooth edges
    canvas = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    side = min(width, height) * scale
    if kind == "share":
        draw.rectangle((0, 0, canvas.width, canvas.height), fill=(*COLOUR, 255))
        side = side * 3 // 5
    left, top = (canvas.width - side) // 2, (canvas.height - side) // 2
    if kind == "share":
        draw.ellipse((left, top, left + side, top + side), fill=WHITE)
        dot = (*COLOUR, 255)
    else:
        draw.ellipse((left, top, left + side, top + side), fill=(*COLOUR, 255))
        dot = WHITE
    radius = side // 7
    cx, cy = left + side * 62 // 100, top + side * 62 // 100
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=dot)
    image = canvas.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    content = out.getvalue()
    return Picture(content, width, height, hashlib.sha256(content).hexdigest())
