"""WCAG 2.1 AA: axe-core in headless Chromium on every public page, in every language."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from endorse.audit import SYSTEM
from endorse.content import lists
from endorse.models import State

from .conftest import need
from .helpers import PASSWORD, make_endorsement, make_user

pytestmark = pytest.mark.system  # a browser and axe-core

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/{}/",
    "/{}/supporters",
    "/{}/sign",
    "/{}/what-you-can-do",
    "/{}/experts",
    "/{}/testimonies",
    "/{}/more-info",
    "/{}/new-link",
    "/{}/sign/check-your-inbox",
    "/{}/confirmed",
    "/{}/supporters?q=zzz",
    "/{}/confirm/not-a-token",
    "/embed/count?lang={}",
]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def populated(site: tuple[Flask, str]) -> tuple[Flask, str]:
    app, url = site
    for index in range(3):
        make_endorsement(
            app,
            State.APPROVED,
            name=f"Organisation {index}",
            contact_email=f"{index}@a11y.example",
            statement="We sign.",
            website="https://example.org",
        )
    photo = io.BytesIO()
    Image.new("RGB", (200, 200), (40, 90, 160)).save(photo, format="PNG")
    with app.app_context():
        for lang in ("en", "fr", "nl"):  # the campaign's lists as they look once filled
            fields = {"name": "Dr A. Martin", "role": "Paediatrician", "quote": "*No.*"}
            lists.add("experts", lang, {**fields, "link": "https://example.org"}, SYSTEM)
            lists.add("experts", lang, fields, SYSTEM, photo.getvalue())
            testimony = {"title": "Two weeks", "text": "We were *afraid*.", "who": "Amina"}
            consent = {"consent": "person", "consent_note": "Signed form"}
            lists.add("testimonies", lang, {**testimony, **consent}, SYSTEM, photo.getvalue())
            lists.add("testimonies", lang, {**testimony, "who": ""}, SYSTEM)
    return app, url


def _violations(page: Any) -> list[dict[str, Any]]:
    need(AXE.exists(), "axe-core", "npm ci (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_every_public_page_passes_axe(
    browser: Any, populated: tuple[Flask, str], lang: str
) -> None:
    _app, url = populated
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(url + path.format(lang))
        violations = _violations(page)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def test_the_sign_form_with_errors_passes_axe(browser: Any, site: tuple[Flask, str]) -> None:
    _app, url = site
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{url}/en/sign")
    page.get_by_role("button", name="Sign the position").click()
    assert _violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ["/fr/", "/fr/supporters", "/fr/sign", "/fr/more-info"])
def test_pages_fit_a_360_pixel_phone(browser: Any, populated: tuple[Flask, str], path: str) -> None:
    _app, url = populated
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_the_sign_form_works_with_the_keyboard_alone(browser: Any, site: tuple[Flask, str]) -> None:
    _app, url = site
    page = browser.new_page()
    page.goto(f"{url}/en/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(f"{url}/en/sign")
    page.get_by_label("Organisation name").focus()
    page.keyboard.type("Keyboard Collective")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "category"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "ngo"
    page.close()


def test_the_consoles_content_editors_pass_axe(browser: Any, populated: tuple[Flask, str]) -> None:
    app, url = populated
    make_user(app, "admin@a11y.example", "admin")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url + "/moderate/login")
    page.fill("#email", "admin@a11y.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    found = {}
    for path in (
        "/moderate/content",
        "/moderate/content/lists/faq/fr",
        "/moderate/content/lists/testimonies/nl",
        "/moderate/content/lists/testimonies/en/new",
        "/moderate/content/lists/experts/en/dr-a-martin-2",
        "/moderate/content/pages/position/en",
    ):
        response = page.goto(url + path)
        assert response is not None
        assert response.status == 200, path
        assert page.url == url + path  # signed in: not sent to the sign-in page
        violations = _violations(page)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}
