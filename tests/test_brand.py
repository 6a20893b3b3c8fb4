"""The campaign's logo, favicon and share image; its contact address on the site and in mail."""

from __future__ import annotations

import io
import zlib
from struct import pack
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from endorse.content import brand

from .conftest import CONTACT_EMAIL
from .helpers import Mailbox, csrf_token, post_action, sign

SIZES = {"logo": (512, 512), "favicon": (64, 64), "share": (1200, 630)}


def _image(size: tuple[int, int], kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 150, 60)).save(out, format=kind)
    return out.getvalue()


def _bomb(side: int = 30_000) -> bytes:
    """A PNG of a few kilobytes whose header promises ``side``² pixels (900 million here):
    decoding it would take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * side
    body = zlib.compress(row * 64, 9)  # a few rows are enough to be a well-formed start
    header = pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _upload(admin: FlaskClient, kind: str, data: bytes, name: str = "image.png") -> Any:
    return admin.post(
        f"/moderate/content/brand/{kind}",
        data={
            "csrf_token": csrf_token(admin, "/moderate/content"),
            "file": (io.BytesIO(data), name),
        },
    )


@pytest.mark.parametrize("kind", ["logo", "favicon", "share"])
def test_the_generated_brand_images_are_served_with_an_etag(client: FlaskClient, kind: str) -> None:
    response = client.get(f"/brand/{kind}.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG"
        assert image.size == SIZES[kind]
        # The campaign's red is in it: a mark, not a blank square.
        colours = image.convert("RGBA").getcolors(maxcolors=1 << 22) or []
        assert brand.COLOUR in {colour[:3] for _count, colour in colours}
    again = client.get(f"/brand/{kind}.png", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_favicon_ico_is_the_brand_favicon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200  # no redirect: browsers ask for it without a page
    assert response.get_data() == client.get("/brand/favicon.png").get_data()
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("kind", "upload"),
    [("logo", (800, 400)), ("favicon", (300, 100)), ("share", (2400, 1260))],
)
def test_an_admin_uploads_a_brand_image_and_every_page_uses_it(
    app: Flask, admin: FlaskClient, client: FlaskClient, kind: str, upload: tuple[int, int]
) -> None:
    before = client.get(f"/brand/{kind}.png")
    data = _image(upload, "JPEG")
    response = _upload(admin, kind, data, "brand.jpg")
    assert response.status_code == 302
    served = client.get(f"/brand/{kind}.png")
    assert served.headers["ETag"] != before.headers["ETag"]
    assert served.data != data  # re-encoded, never the uploaded bytes
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "PNG"
        expected = {"logo": (512, 256), "favicon": (64, 64), "share": (1200, 630)}[kind]
        assert image.size == expected
    trail = admin.get("/moderate/audit?action=content.brand").get_data(as_text=True)
    assert "content.brand" in trail

    reset = post_action(admin, f"/moderate/content/brand/{kind}/reset", "/moderate/content")
    assert reset.status_code == 302
    assert client.get(f"/brand/{kind}.png").headers["ETag"] == before.headers["ETag"]


HOSTILE = {
    "not an image": (b"<html><script>alert(1)</script></html>", "must be a PNG, JPEG or WebP"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "must be a PNG"),
    "truncated": (_image((400, 400))[:200], "must be a PNG, JPEG or WebP"),
    "huge dimensions": (_image((5000, 20)), "at most 4096 pixels"),
    "decompression bomb": (_bomb(), "at most 4096 pixels"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_brand_files_are_refused_clearly_and_change_nothing(
    app: Flask, admin: FlaskClient, client: FlaskClient, case: str
) -> None:
    data, message = HOSTILE[case]
    before = client.get("/brand/logo.png").headers["ETag"]
    response = _upload(admin, "logo", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/brand/logo.png").headers["ETag"] == before


def test_a_refusal_is_said_in_the_admins_language(app: Flask, admin: FlaskClient) -> None:
    response = admin.post(
        "/moderate/content/brand/favicon",
        data={
            "csrf_token": csrf_token(admin, "/moderate/content"),
            "file": (io.BytesIO(b"GIF89a not really"), "x.gif"),
        },
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    assert "doit être un fichier PNG, JPEG ou WebP" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_public_pages_carry_the_share_image_and_the_logo(client: FlaskClient, lang: str) -> None:
    for path in (f"/{lang}/", f"/{lang}/supporters", f"/{lang}/experts", f"/{lang}/sign"):
        body = client.get(path).get_data(as_text=True)
        assert '<meta property="og:image" content="http://endorse.test/brand/share.png">' in body
        assert '<meta name="twitter:image" content="http://endorse.test/brand/share.png">' in body
        assert 'href="/brand/favicon.png"' in body
        assert 'class="brand-logo" src="/brand/logo.png"' in body


# The contact address.


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_site_says_write_to_the_campaigns_contact_address(
    client: FlaskClient, lang: str
) -> None:
    for page in ("what-you-can-do", "privacy"):
        body = client.get(f"/{lang}/{page}").get_data(as_text=True)
        assert f'href="mailto:{CONTACT_EMAIL}"' in body, page
        assert "noreply" not in body
        assert "campaign@endorse.test" not in body  # the sender's address is not for people


def test_every_mail_replies_to_the_contact_address(client: FlaskClient, mailbox: Mailbox) -> None:
    sign(client, lang="nl")
    [mail] = mailbox.wait_for(1)
    assert mail["From"] == "Campaign <campaign@endorse.test>"
    assert mail["Reply-To"] == CONTACT_EMAIL
