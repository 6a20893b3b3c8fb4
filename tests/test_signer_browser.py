"""The signer's pages in a real browser with JavaScript off: withdrawing and erasing ask on a page
of their own, and a logo chosen once survives a form sent back with an error."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from endorse.extensions import db
from endorse.models import Endorsement, Logo, State
from endorse.tokens import Purpose, make_token

from .helpers import make_endorsement

pytestmark = pytest.mark.system  # a browser


def test_withdrawing_and_erasing_are_confirmed_on_their_own_page_without_javascript(
    browser: Any, site: Any
) -> None:
    app, url = site
    entry_id = make_endorsement(app, State.APPROVED, name="Vzw Kinderen Eerst", language="nl")
    with app.app_context():
        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        manage = f"{url}/nl/manage/{make_token(Purpose.MANAGE, entry_id, nonce)}"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(manage)
    page.get_by_role("link", name="Onze steunbetuiging intrekken").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw steunbetuiging intrekken?"
    page.get_by_role("link", name="Nee, ga terug").click()  # changing one's mind costs nothing
    assert page.url == manage
    with app.app_context():
        assert db.session.get(Endorsement, entry_id).state == State.APPROVED  # type: ignore[union-attr]

    page.get_by_role("link", name="Mijn persoonsgegevens wissen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw persoonsgegevens wissen?"
    assert "Dit kan niet ongedaan worden gemaakt." in page.locator("main").inner_text()
    page.get_by_role("button", name="Ja, mijn persoonsgegevens wissen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw persoonsgegevens zijn gewist"
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert (entry.state, entry.contact_email) == (State.WITHDRAWN, None)
    context.close()


def test_a_logo_chosen_once_survives_a_form_sent_back_with_an_error(
    browser: Any, site: Any, tmp_path: Path
) -> None:
    app, url = site
    logo = tmp_path / "logo.png"
    picture = io.BytesIO()
    Image.new("RGB", (400, 200), (0, 90, 200)).save(picture, "PNG")
    logo.write_bytes(picture.getvalue())
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{url}/fr/sign")
    page.get_by_label("Nom de l’organisation").fill("Ligue des familles asbl")
    page.get_by_label("Type d’organisation").select_option("ngo")
    page.get_by_label("Ville ou commune").fill("Namur")
    page.get_by_label("Province ou région").select_option("namur")
    page.get_by_label("Logo (facultatif)").set_input_files(str(logo))
    page.get_by_label("Votre nom").fill("Marie Dupont")
    page.get_by_label("Adresse e-mail").fill("marie@ligue.example")
    page.get_by_role("checkbox", name="J’ai le droit de signer").check()
    page.get_by_role("button", name="Signer la position").click()  # no consent for the logo

    summary = page.get_by_role("alert")
    assert "logo" in summary.inner_text().lower()
    assert page.get_by_role("img", name="Le logo que vous avez choisi").is_visible()
    page.get_by_role("checkbox", name="Nous acceptons que notre logo").check()
    page.get_by_role("button", name="Signer la position").click()  # no file chosen again
    assert page.get_by_role("heading", level=1).inner_text() == "Consultez votre boîte de réception"
    with app.app_context():
        entry_id = db.session.scalars(select(Endorsement.id)).one()
        stored = db.session.get(Logo, entry_id)
        assert stored is not None
        assert (stored.width, stored.height) == (256, 128)
    context.close()
