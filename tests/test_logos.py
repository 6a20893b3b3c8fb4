"""Uploaded images: refused by their size before they are decoded, and decoded small."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageFile

from endorse import logos


def _encoded(mode: str, size: tuple[int, int], kind: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=kind, **options)
    return out.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The size of every image Pillow decodes, at the moment it decodes it."""
    sizes: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def spy(image: ImageFile.ImageFile) -> Any:
        if image.tile:  # not decoded yet: this call decodes it
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.mark.parametrize("size", [(4097, 1), (1, 4097), (6000, 6000)])
@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_an_image_over_4096_pixels_on_a_side_is_refused_from_its_header(
    decoded_sizes: list[tuple[int, int]], size: tuple[int, int], kind: str
) -> None:
    if kind == "WEBP" and max(size) > 16383:
        pytest.skip("WebP cannot hold it")
    data = _encoded("L", size, kind)
    decoded_sizes.clear()
    with pytest.raises(logos.TooLarge):
        logos.process(data)
    assert decoded_sizes == []  # refused before a single pixel was decoded


def test_a_small_file_of_huge_dimensions_is_refused_before_decoding(
    decoded_sizes: list[tuple[int, int]],
) -> None:
    """The review's case: 35 KB of PNG that decodes to 36 million grey pixels."""
    data = _encoded("L", (6000, 6000), optimize=True)
    assert len(data) < 64 * 1024
    decoded_sizes.clear()
    with pytest.raises(logos.TooLarge):
        logos.process(data)
    assert decoded_sizes == []


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_a_large_jpeg_is_decoded_at_a_reduced_scale(
    decoded_sizes: list[tuple[int, int]], mode: str
) -> None:
    data = _encoded(mode, (4096, 3000), "JPEG")
    decoded_sizes.clear()
    logo = logos.process(data)
    assert max(logo.width, logo.height) == logos.MAX_SIDE
    [decoded] = decoded_sizes
    assert max(decoded) <= 4 * logos.MAX_SIDE, decoded  # an eighth of the pixels at most


@pytest.mark.parametrize(
    ("mode", "kind"),
    [("RGBA", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("1", "PNG"), ("I;16", "PNG"), ("RGB", "WEBP")],
)
def test_images_up_to_4096_pixels_on_a_side_are_made_into_small_logos(mode: str, kind: str) -> None:
    logo = logos.process(_encoded(mode, (4096, 512), kind))
    assert (logo.width, logo.height) == (256, 32)
    with Image.open(io.BytesIO(logo.content)) as image:
        assert (image.format, image.size) == ("WEBP", (256, 32))


def test_a_palette_logo_keeps_its_colours_and_transparency() -> None:
    picture = Image.new("P", (600, 300), 1)
    picture.putpalette([255, 255, 255, 179, 0, 27])
    picture.paste(0, (0, 0, 300, 300))  # the left half: the transparent colour
    out = io.BytesIO()
    picture.save(out, format="PNG", transparency=0)
    logo = logos.process(out.getvalue())
    with Image.open(io.BytesIO(logo.content)) as image:
        rgba = image.convert("RGBA")
        assert rgba.getpixel((10, 64))[3] == 0
        red, green, blue, alpha = rgba.getpixel((240, 64))
        assert alpha == 255
        assert max(abs(red - 179), green, abs(blue - 27)) <= 4  # lossy WebP: near enough
