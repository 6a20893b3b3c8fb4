"""Every console page in headless Chromium: it fits a 390-pixel phone and a 1280-pixel desktop
without scrolling sideways, and the logo moderators publish is there to see."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from endorse import operations
from endorse.audit import SYSTEM
from endorse.models import RejectReason, State

from .helpers import PASSWORD, a_logo, make_endorsement, make_user

pytestmark = pytest.mark.system  # a live server and a browser

LONG_ADDRESS = "someone.with.a.rather.long.name@a-very-long-domain-name-for-an-organisation.example"


@pytest.fixture
def console(site: tuple[Flask, str]) -> tuple[Flask, str, dict[str, int]]:
    """A console with something on every page: waiting, published, rejected, edited."""
    app, url = site
    make_user(app, "admin@campaign.example", "admin")
    make_user(app, LONG_ADDRESS)
    ids = {
        "waiting": make_endorsement(
            app,
            State.VERIFIED,
            name="Association des parents d'élèves de l'Athénée royal de Bruxelles",
            contact_email=LONG_ADDRESS,
            website="https://www.a-very-long-domain-name-for-an-organisation.example/about-us",
            statement="We sign because no child belongs in a closed centre. " * 4,
            logo=a_logo(),
        ),
        "published": make_endorsement(app, State.APPROVED, contact_email="p@pub.example"),
        "rejected": make_endorsement(app, State.VERIFIED, contact_email="r@rej.example"),
    }
    with app.app_context():
        operations.reject(ids["rejected"], SYSTEM, "signed twice", code=RejectReason.DUPLICATE)
    return app, url, ids


def _pages(ids: dict[str, int]) -> list[str]:
    return [
        "/moderate/",
        "/moderate/queue",
        "/moderate/endorsements",
        f"/moderate/endorsements/{ids['waiting']}",
        f"/moderate/endorsements/{ids['published']}",
        f"/moderate/endorsements/{ids['rejected']}",
        f"/moderate/endorsements/{ids['waiting']}/edit",
        "/moderate/audit",
        "/moderate/users",
        "/moderate/content",
    ]


def _sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/moderate/login")
    page.get_by_label("Email address").fill("admin@campaign.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/moderate/")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_every_console_page_fits_the_screen(
    browser: Any, console: tuple[Flask, str, dict[str, int]], width: int, lang: str
) -> None:
    _app, url, ids = console
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.goto(f"{url}/moderate/login")
    page.locator("#email").fill("admin@campaign.example")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(f"{url}/moderate/")
    too_wide = {}
    for path in _pages(ids):
        response = page.goto(url + path)
        assert response is not None
        assert response.status == 200, path
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            too_wide[path] = scroll
    context.close()
    assert too_wide == {}


def test_the_logo_shows_in_the_queue_and_on_the_entry(
    browser: Any, console: tuple[Flask, str, dict[str, int]]
) -> None:
    _app, url, ids = console
    page = browser.new_page()
    _sign_in(page, url)
    for path in ("/moderate/queue", f"/moderate/endorsements/{ids['waiting']}"):
        page.goto(url + path)
        logo = page.locator("img.logo-preview")
        assert logo.count() == 1
        assert logo.evaluate("img => img.complete && img.naturalWidth") > 0, path
    page.close()


def test_times_show_utc_on_hover_and_the_console_has_no_public_footer(
    browser: Any, console: tuple[Flask, str, dict[str, int]]
) -> None:
    _app, url, _ids = console
    page = browser.new_page()
    _sign_in(page, url)
    page.goto(f"{url}/moderate/audit")
    first = page.locator("table.trail time").first
    assert first.get_attribute("title").endswith(" UTC")  # type: ignore[union-attr]
    assert page.locator("footer").count() == 0
    assert page.get_by_label("Action").evaluate("e => e.tagName") == "SELECT"
    page.get_by_label("Action").select_option(label="State changed")
    page.get_by_role("button", name="Filter").click()
    assert "action=transition" in page.url
    # Three confirmations, one approval, one rejection.
    assert page.locator("table.trail tbody tr").count() == 5
    assert "Awaiting review → Rejected" in page.locator("table.trail").inner_text()
    page.close()
