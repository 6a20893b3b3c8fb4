"""WCAG 2.1 AA: axe-core in headless Chromium on every public page, in every language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from endorse.models import State

from .helpers import make_endorsement

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
    return app, url


def _violations(page: Any) -> list[dict[str, Any]]:
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
