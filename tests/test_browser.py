"""The core loop in a real browser: headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from endorse.extensions import db
from endorse.mail import outbox
from endorse.models import Endorsement

from .helpers import Mailbox, text_of

pytestmark = pytest.mark.system  # a browser


def test_an_organisation_signs_confirms_and_is_published(
    browser: Any, site_factory: Any, mailbox: Mailbox
) -> None:
    from playwright.sync_api import expect

    # Mail goes out when the test says so, not from a hook a server may skip when a browser
    # drops the connection (the after-response path has tests of its own).
    app, url = site_factory(COUNT_POLL_SECONDS=1, MAIL_SEND_AFTER_RESPONSE=False)
    visitor = browser.new_page()  # someone has the home page open all along
    visitor.goto(f"{url}/fr/")
    expect(visitor.locator("[data-count]")).to_have_text("0")
    page = browser.new_page()
    page.goto(f"{url}/fr/sign")
    page.get_by_label("Nom de l’organisation").fill("Ligue des familles asbl")
    page.get_by_label("Type d’organisation").select_option("ngo")
    page.get_by_label("Ville ou commune").fill("Namur")
    page.get_by_label("Province ou région").select_option("namur")
    page.get_by_label("Votre nom").fill("Marie Dupont")
    page.get_by_label("Adresse e-mail").fill("marie@ligue.example")
    page.get_by_role("checkbox", name="J’ai le droit de signer").check()
    page.get_by_role("button", name="Signer la position").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Consultez votre boîte de réception"

    with app.app_context():
        assert len(outbox.deliver().sent) == 1
    [mail] = mailbox.wait_for(1)
    link = next(line for line in text_of(mail).splitlines() if "/fr/confirm/" in line)
    assert link.startswith(url)
    page.goto(link.strip())
    page.get_by_role("button", name="Confirmer notre soutien").click()
    assert "confirmé" in page.get_by_role("heading", level=1).inner_text()

    with app.app_context():
        entry_id = db.session.scalars(select(Endorsement.id)).one()
    result = app.test_cli_runner().invoke(args=["endorse", "approve", str(entry_id)])
    assert result.exit_code == 0, result.output
    expect(visitor.locator("[data-count]")).to_have_text("1", timeout=10_000)
    visitor.close()

    page.goto(f"{url}/fr/")
    assert page.get_by_role("status").inner_text().startswith("1 ")
    page.get_by_role("link", name="Voir qui nous soutient").click()
    assert page.get_by_text("Ligue des familles asbl").is_visible()
    assert page.get_by_text("marie@ligue.example").count() == 0
    page.close()


def test_errors_are_shown_beside_the_fields(browser: Any, site: tuple[Flask, str]) -> None:
    _app, url = site
    page = browser.new_page()
    page.goto(f"{url}/en/sign")
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("button", name="Sign the position").click()
    alert = page.get_by_role("alert")
    assert "Please correct the following" in alert.inner_text()
    email = page.get_by_label("Email address")
    assert email.get_attribute("aria-invalid") == "true"
    assert email.input_value() == "not-an-address"
    page.close()


def test_a_moderator_approves_from_the_queue_and_the_count_shows_it(
    browser: Any, site: tuple[Flask, str]
) -> None:
    from endorse.models import State

    from .helpers import PASSWORD, make_endorsement, make_user

    app, url = site
    make_user(app, "mod@campaign.example")
    entry_id = make_endorsement(app, State.VERIFIED, name="Collectif Accueil Namur")
    page = browser.new_page()
    page.goto(f"{url}/en/")
    assert page.get_by_role("status").inner_text().startswith("0 ")

    page.goto(f"{url}/moderate/queue")
    assert "/moderate/login" in page.url
    page.get_by_label("Email address").fill("mod@campaign.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/moderate/queue")
    page.get_by_label(f"Select #{entry_id} Collectif Accueil Namur").check()
    page.get_by_role("button", name="Approve selected").click()
    assert "1 done" in page.get_by_role("status").first.inner_text()

    page.close()
    # A visitor arriving now sees it. (This browser may keep the home page it saw a moment
    # ago for as long as the page says it may: the freshness promise, tested elsewhere.)
    visitor = browser.new_context().new_page()
    visitor.goto(f"{url}/en/")
    assert visitor.get_by_role("status").inner_text().startswith("1 ")
    visitor.close()


def test_the_count_on_an_open_page_changes_without_a_reload(
    browser: Any, site_factory: Any
) -> None:
    from endorse import operations
    from endorse.models import State

    from .helpers import make_endorsement

    app, url = site_factory(COUNT_POLL_SECONDS=1)
    entry_id = make_endorsement(app, State.VERIFIED)
    page = browser.new_page()
    page.goto(f"{url}/nl/")
    status = page.get_by_role("status")
    assert status.inner_text().startswith("0 ")
    page.evaluate("window.__notReloaded = true")

    with app.app_context():
        operations.approve(entry_id, operations.SYSTEM)
    from playwright.sync_api import expect

    expect(page.locator("[data-count]")).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.__notReloaded") is True
    assert "organisatie" in status.inner_text()
    assert "organisaties" not in status.inner_text()  # the singular, chosen by the script
    page.close()


def test_the_belgian_share_follows_the_live_count(browser: Any, site_factory: Any) -> None:
    from playwright.sync_api import expect

    from endorse import operations
    from endorse.models import Region, State

    from .helpers import make_endorsement

    app, url = site_factory(COUNT_POLL_SECONDS=1)
    here = make_endorsement(app, State.VERIFIED, contact_email="here@share.example")
    abroad = make_endorsement(
        app,
        State.VERIFIED,
        name="Stichting Amsterdam",
        city="Amsterdam",
        region=Region.ABROAD,
        contact_email="abroad@share.example",
    )
    page = browser.new_page()
    page.goto(f"{url}/fr/")
    share = page.locator("[data-count-share]")
    expect(share).to_have_text("(dont 0 en Belgique)")
    with app.app_context():
        operations.approve(abroad, operations.SYSTEM)
        operations.approve(here, operations.SYSTEM)
    expect(page.locator("[data-count]")).to_have_text("2", timeout=10_000)
    expect(share).to_have_text("(dont 1 en Belgique)", timeout=10_000)
    page.close()
