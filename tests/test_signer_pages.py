"""The signer's own pages: confirming a withdrawal or an erasure, the logo on the manage page,
a logo kept across a refused sign form, the position shown above the form, the inbox page."""

from __future__ import annotations

import base64
import html
import io
import os
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from endorse import operations
from endorse.extensions import db
from endorse.models import Correction, Endorsement, Logo, State
from endorse.tokens import (
    MAX_CARRIED_BYTES,
    MAX_CARRIED_TOKEN,
    Purpose,
    TokenInvalid,
    carry_upload,
    make_token,
    read_carried_upload,
)

from .helpers import (
    VALID_SIGNATURE,
    a_logo,
    actions_of,
    csrf_token,
    entry_of,
    make_endorsement,
    manage_token,
)

KEPT = re.compile(r'name="logo_kept" type="hidden" value="([^"]*)"')


def _png(colour: tuple[int, int, int] = (179, 0, 27), size: tuple[int, int] = (600, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _manage_path(app: Flask, entry_id: int, lang: str = "en") -> str:
    return f"/{lang}/manage/{manage_token(app, entry_id)}"


def _logo_of(app: Flask, entry_id: int) -> bytes | None:
    with app.app_context():
        logo = db.session.get(Logo, entry_id)
        return None if logo is None else logo.content


# 1. Withdrawing and erasing ask on a page of their own.


@pytest.mark.parametrize(
    ("action", "button", "warning"),
    [
        ("withdraw", "Yes, withdraw our endorsement", "leaves the list of supporters"),
        ("erase", "Yes, erase my personal data", "This cannot be undone."),
    ],
)
def test_withdrawing_and_erasing_ask_first_on_a_page_of_their_own(
    app: Flask, client: FlaskClient, action: str, button: str, warning: str
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, name="Careful Org")
    path = _manage_path(app, entry_id)
    manage = client.get(path).get_data(as_text=True)
    # The manage page only leads to the question: no form there acts at once.
    assert f'href="{path}/{action}"' in manage
    assert f'action="{path}/{action}"' not in manage

    page = client.get(f"{path}/{action}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store, private"
    body = html.unescape(page.get_data(as_text=True))
    assert warning in body
    assert "Careful Org" in body
    assert f'action="{path}/{action}"' in body
    assert button in body
    assert f'href="{path}"' in body  # and a way back
    assert entry_of(app, entry_id).state == State.APPROVED  # asking changed nothing

    token = csrf_token(client, f"{path}/{action}")
    response = client.post(f"{path}/{action}", data={"csrf_token": token})
    assert response.status_code == 303
    assert entry_of(app, entry_id).state == State.WITHDRAWN


def test_the_erase_question_says_it_cannot_be_undone_in_every_language(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    for lang, words in [
        ("en", "This cannot be undone."),
        ("fr", "C’est irréversible."),
        ("nl", "Dit kan niet ongedaan worden gemaakt."),
    ]:
        body = client.get(f"{_manage_path(app, entry_id, lang)}/erase").get_data(as_text=True)
        assert words in html.unescape(body), lang


def test_a_bad_link_to_the_question_is_refused_clearly(client: FlaskClient) -> None:
    assert client.get("/en/manage/not-a-token/withdraw").status_code == 400
    assert client.get("/en/manage/not-a-token/erase").status_code == 400


# 2. The logo on the manage page: shown, replaced (to review), removed.


def test_the_manage_page_shows_the_logo_kept(app: Flask, client: FlaskClient) -> None:
    logo = a_logo()
    entry_id = make_endorsement(app, State.APPROVED, logo=logo)
    body = client.get(_manage_path(app, entry_id)).get_data(as_text=True)
    assert f'src="data:image/webp;base64,{base64.b64encode(logo.content).decode()}"' in body
    assert "Remove our logo" in body
    assert "Replace the logo" in body
    without = make_endorsement(app, State.APPROVED, contact_email="other@org.example")
    body = client.get(_manage_path(app, without)).get_data(as_text=True)
    assert "Remove our logo" not in body
    assert "Add a logo" in body


def _send_logo(client: FlaskClient, path: str, data: bytes, consent: bool = True) -> Any:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, path),
        "logo": (io.BytesIO(data), "new.png"),
    }
    if consent:
        form["logo_consent"] = "y"
    return client.post(f"{path}/logo", data=form, content_type="multipart/form-data")


def test_a_new_logo_on_a_published_entry_goes_back_to_review(
    app: Flask, client: FlaskClient
) -> None:
    old = a_logo("#b3001b")
    entry_id = make_endorsement(app, State.APPROVED, logo=old)
    path = _manage_path(app, entry_id)
    warned = html.unescape(client.get(path).get_data(as_text=True))
    assert "goes back to review and leaves the list of supporters" in warned
    response = _send_logo(client, path, _png((0, 90, 200)))
    assert response.status_code == 303
    assert "done=logo_review" in response.headers["Location"]
    assert entry_of(app, entry_id).state == State.VERIFIED
    new = _logo_of(app, entry_id)
    assert new is not None
    assert new != old.content
    assert new.startswith(b"RIFF")  # re-encoded as WebP, never the uploaded bytes
    assert client.get(f"/logos/{entry_id}.webp").status_code == 404  # not public unchecked
    assert actions_of(app, entry_id)[-2:] == ["logo.replace", "transition"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "back in review" in page


def test_a_new_logo_while_waiting_for_review_just_replaces_it(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    path = _manage_path(app, entry_id)
    assert "leaves the list of supporters" not in client.get(path).get_data(as_text=True)
    response = _send_logo(client, path, _png())
    assert "done=logo_saved" in response.headers["Location"]
    assert entry_of(app, entry_id).state == State.VERIFIED
    assert _logo_of(app, entry_id) is not None


def test_a_new_logo_takes_a_waiting_correction_to_review_with_it(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, name="Old Name")
    path = _manage_path(app, entry_id)
    fields = {"name": "New Name", "category": "ngo", "city": "Namur", "region": "namur"}
    client.post(path, data={"csrf_token": csrf_token(client, path), **fields})
    with app.app_context():
        assert db.session.scalar(select(Correction.name)) == "New Name"
    _send_logo(client, path, _png())
    entry = entry_of(app, entry_id)
    assert (entry.name, entry.state) == ("New Name", State.VERIFIED)
    with app.app_context():
        assert db.session.scalar(select(Correction)) is None


def test_a_new_logo_may_be_as_large_as_one_signed_with(app: Flask, client: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    big = io.BytesIO()
    Image.new("RGB", (720, 720), (0, 90, 200)).save(big, "PNG", compress_level=0)
    assert 1024 * 1024 < len(big.getvalue()) < app.config["LOGO_MAX_BYTES"]  # over a form's
    path = _manage_path(app, entry_id)
    fields = {
        "csrf_token": csrf_token(client, path),
        "logo": FileStorage(io.BytesIO(big.getvalue()), "big.png"),
        "logo_consent": "y",
    }
    # Encoded here: the test client spools a body this large to a file it never closes.
    boundary, body = encode_multipart(fields)
    response = client.post(
        f"{path}/logo", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 303
    assert _logo_of(app, entry_id) is not None


def test_a_new_logo_is_refused_without_consent_or_file_and_nothing_changes(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    path = _manage_path(app, entry_id)
    refused = _send_logo(client, path, _png(), consent=False)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "show your logo" in body
    kept = KEPT.search(body)
    assert kept
    assert kept.group(1)
    nothing = client.post(
        f"{path}/logo",
        data={"csrf_token": csrf_token(client, path), "logo_consent": "y"},
        content_type="multipart/form-data",
    )
    assert nothing.status_code == 400
    assert "Please choose an image file." in nothing.get_data(as_text=True)
    bad = _send_logo(client, path, b"GIF89a not really")
    assert bad.status_code == 400
    assert entry_of(app, entry_id).state == State.APPROVED
    assert _logo_of(app, entry_id) is None


def test_the_signer_removes_the_logo_at_once_and_it_stays_published(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, logo=a_logo())
    assert client.get(f"/logos/{entry_id}.webp").status_code == 200
    path = _manage_path(app, entry_id)
    response = client.post(f"{path}/logo/remove", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 303
    assert "done=logo_removed" in response.headers["Location"]
    assert _logo_of(app, entry_id) is None
    assert entry_of(app, entry_id).state == State.APPROVED
    assert client.get(f"/logos/{entry_id}.webp").status_code == 404
    assert actions_of(app, entry_id)[-1] == "logo.remove"
    again = client.post(f"{path}/logo/remove", data={"csrf_token": csrf_token(client, path)})
    assert "done=unchanged" in again.headers["Location"]
    forged = client.post(f"{path}/logo/remove", data={"csrf_token": "forged"})
    assert forged.status_code == 400


def test_a_withdrawn_entrys_logo_can_still_be_removed_not_replaced(app: Flask) -> None:
    entry_id = make_endorsement(app, State.WITHDRAWN, logo=a_logo())
    with app.app_context():
        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        token = make_token(Purpose.MANAGE, entry_id, nonce)
        with pytest.raises(operations.NotEditable):
            operations.replace_logo_by_signer(token, a_logo("#00ff00"))
        assert operations.remove_logo_by_signer(token) is True
        assert db.session.get(Logo, entry_id) is None


# 3. An accepted logo survives a refused sign form; names need two letters; errors in order.


def _sign(client: FlaskClient, **fields: Any) -> Any:
    form = {**VALID_SIGNATURE, "csrf_token": csrf_token(client, "/en/sign"), **fields}
    form = {k: v for k, v in form.items() if v is not None}
    return client.post("/en/sign", data=form, content_type="multipart/form-data")


def test_an_accepted_logo_is_kept_across_a_refused_form(app: Flask, client: FlaskClient) -> None:
    first = _sign(client, logo=(io.BytesIO(_png()), "logo.png"), contact_email="not an address")
    assert first.status_code == 400
    assert first.headers["Cache-Control"] == "no-store, private"
    body = first.get_data(as_text=True)
    kept = KEPT.search(body)
    assert kept
    assert kept.group(1)
    assert 'src="data:image/webp;base64,' in body
    assert "We kept the logo you chose" in html.unescape(body)

    # Sent again with no file chosen: the kept logo is the one stored.
    second = _sign(client, logo_kept=html.unescape(kept.group(1)), logo_consent="y")
    assert second.status_code == 303
    with app.app_context():
        entry_id = db.session.scalars(select(Endorsement.id)).one()
        logo = db.session.get(Logo, entry_id)
        assert logo is not None
        content, width, height = read_carried_upload(html.unescape(kept.group(1)))
        assert (logo.content, logo.width, logo.height) == (content, width, height)


def test_a_kept_logo_still_needs_its_consent_and_can_be_removed(
    app: Flask, client: FlaskClient
) -> None:
    first = _sign(client, logo=(io.BytesIO(_png()), "logo.png"))  # no consent for the logo
    assert first.status_code == 400
    kept = html.unescape(KEPT.search(first.get_data(as_text=True)).group(1))  # type: ignore[union-attr]
    again = _sign(client, logo_kept=kept)
    assert again.status_code == 400
    assert "Tick the box below to let us show your logo" in again.get_data(as_text=True)
    removed = _sign(client, logo_kept=kept, logo_remove="y")
    assert removed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Logo)) is None


@pytest.mark.parametrize(
    "forged",
    [
        "not-a-token",
        "x" * (MAX_CARRIED_TOKEN + 1),  # over our bound, under Flask's for a text field
        "form-token",  # a genuine token of another purpose
    ],
)
def test_a_forged_kept_logo_is_refused_clearly(
    app: Flask, client: FlaskClient, forged: str
) -> None:
    if forged == "form-token":
        forged = csrf_token(client, "/en/sign")
    response = _sign(client, logo_kept=forged, logo_consent="y")
    assert response.status_code == 400
    assert "We could not keep your logo" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Endorsement)) is None


def test_a_carried_logo_is_bounded_and_signed(app: Flask) -> None:
    with app.test_request_context():
        assert carry_upload(b"x" * (MAX_CARRIED_BYTES + 1), 1, 1) is None
        largest = carry_upload(os.urandom(MAX_CARRIED_BYTES), 256, 256)  # incompressible
        assert largest is not None
        assert len(largest) <= MAX_CARRIED_TOKEN < app.config["MAX_FORM_MEMORY_SIZE"]
        token = carry_upload(b"webp", 2, 3)
        assert token is not None
        assert read_carried_upload(token) == (b"webp", 2, 3)
        with pytest.raises(TokenInvalid):
            read_carried_upload(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])


def test_the_error_summary_follows_the_forms_order(client: FlaskClient) -> None:
    response = _sign(client, name="", contact_email="", consent_publish=None)
    body = response.get_data(as_text=True)
    start = body.index('class="error-summary"')
    summary = body[start : body.index("</ul>", start)]
    links = re.findall(r'href="#(\w+)"', summary)
    assert links == ["name", "contact_email", "consent_publish"]


@pytest.mark.parametrize("name", ["X", "4", "X.", " é "])
def test_an_organisation_name_needs_two_letters(client: FlaskClient, name: str) -> None:
    response = _sign(client, name=name)
    assert response.status_code == 400
    assert "at least 2 letters" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["XY", "4B asbl", "中国"])
def test_short_real_names_are_accepted(client: FlaskClient, name: str) -> None:
    assert _sign(client, name=name).status_code == 303


# 4. The position above the sign form; 6. what to do when no mail arrives.


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_sign_page_shows_the_position_signed(client: FlaskClient, lang: str) -> None:
    home = client.get(f"/{lang}/").get_data(as_text=True)
    title = re.search(r'<h2>([^<]+)</h2>\s*<div class="prose lead-first">', home)
    assert title
    body = client.get(f"/{lang}/sign").get_data(as_text=True)
    signing = body[body.index('class="signing"') : body.index("<form")]
    assert title.group(1) in signing
    assert "<details>" in signing
    assert f'href="/{lang}/#position-title"' in signing
    assert signing.index(title.group(1)) < body.index("<form") - body.index('class="signing"')


def test_the_inbox_page_says_what_to_do_when_nothing_arrives(client: FlaskClient) -> None:
    body = html.unescape(client.get("/en/sign/check-your-inbox").get_data(as_text=True))
    assert "Nothing arrived?" in body
    assert "spam or junk folder" in body
    assert 'action="/en/new-link"' in body
    assert '<label for="contact_email"' in body
    assert "mailto:" in body
    fr = html.unescape(client.get("/fr/sign/check-your-inbox").get_data(as_text=True))
    assert "courrier indésirable" in fr
