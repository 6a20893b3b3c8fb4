"""Layout in a real browser at a desktop width (1280 px) and a phone's (390 px): the boxes
the page's elements take, measured with Playwright."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from endorse.models import State

from .helpers import make_endorsement

pytestmark = pytest.mark.system  # a browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LANGS = ["en", "fr", "nl"]


@pytest.fixture
def populated(site: tuple[Flask, str]) -> str:
    app, url = site
    make_endorsement(app, State.APPROVED, name="Ligue des familles", contact_email="a@l.example")
    return url


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box  # type: ignore[no-any-return]


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return [item.bounding_box() for item in page.locator(selector).all()]


def _middle(box: dict[str, float]) -> float:
    return box["y"] + box["height"] / 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_menu_holds_on_one_line_at_1280_px(browser: Any, populated: str, lang: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{populated}/{lang}/")
    items = _boxes(page, ".site-header .menu li")
    assert len(items) == 7
    middles = [_middle(box) for box in items]
    assert max(middles) - min(middles) <= 1, middles  # the Sign button too: one line, centred
    links = _boxes(page, ".site-header .menu li:not(.menu-sign) a")
    sign = _box(page, ".site-header .menu-sign a")
    assert all(abs(_middle(link) - _middle(sign)) <= 1 for link in links)
    assert all(link["x"] + link["width"] < sign["x"] for link in links)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_fits_a_phone(browser: Any, populated: str, lang: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{populated}/{lang}/supporters")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in _boxes(page, ".site-header a"):
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    page.close()


_CONTROLS = ["#q", "#category", "#region", ".supporter-search .button"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_controls_line_up_at_1280_px(browser: Any, populated: str, lang: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{populated}/{lang}/supporters")
    boxes = [_box(page, selector) for selector in _CONTROLS]
    tops = {round(box["y"]) for box in boxes}
    heights = {round(box["height"]) for box in boxes}
    assert len(tops) == 1, boxes  # one row
    assert len(heights) == 1, boxes  # of one height
    labels = [_box(page, f"label[for={name}]") for name in ("q", "category", "region")]
    assert len({round(label["y"]) for label in labels}) == 1
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_fields_are_equally_wide_on_a_phone(
    browser: Any, populated: str, lang: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{populated}/{lang}/supporters")
    form = _box(page, ".supporter-search")
    boxes = [_box(page, selector) for selector in _CONTROLS]
    for box in boxes:
        assert abs(box["x"] - form["x"]) <= 1, box
        assert abs(box["width"] - form["width"]) <= 1, box
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)  # one a line
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_embed_preview_fills_its_frame_without_a_border(
    browser: Any, populated: str, lang: str, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport)
    page.goto(f"{populated}/{lang}/what-you-can-do")
    frame_element = page.locator(".embed-preview iframe")
    frame_element.scroll_into_view_if_needed()  # it loads lazily, as on a partner's page
    box = frame_element.bounding_box()
    assert (box["width"], box["height"]) == (320, 140)
    assert frame_element.evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_selector(".badge")
    badge = frame.locator(".badge").bounding_box()
    assert badge is not None
    # The badge is the frame: no grey border, no empty strip, nothing cut off.
    assert (badge["x"], badge["y"], badge["width"], badge["height"]) == (
        box["x"],
        box["y"],
        320,
        140,
    )
    assert frame.evaluate("document.documentElement.scrollHeight") <= 140
    slogan = frame.locator(".slogan").bounding_box()
    assert slogan is not None
    assert slogan["y"] + slogan["height"] <= box["y"] + 140
    page.close()
