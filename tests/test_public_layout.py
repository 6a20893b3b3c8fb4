"""The public site in a real browser at a desktop width (1280 px) and a phone's (390 px), in
every language: the supporters' wall of cards with their logos, and every public page without
sideways scrolling. Measured with Playwright in Debian's headless Chromium."""

from __future__ import annotations

import io
from itertools import combinations
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from endorse import logos
from endorse.models import Category, Region, State

from .helpers import make_endorsement

pytestmark = pytest.mark.system  # a live server and a browser

LANGS = ["en", "fr", "nl"]
WIDTHS = [1280, 390]


def _logo(width: int, height: int, colour: str) -> logos.ProcessedLogo:
    """A logo of that shape as the sign form makes it: checked and re-encoded by ``logos``."""
    data = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(data, "PNG")
    return logos.process(data.getvalue())


#: Supporters as a real wall has them: logos of every shape, none, long names and one long word.
WALL = [
    ("Ligue des familles", (600, 150, "#1f4e9c")),  # a wide banner
    ("Association des parents d'élèves de l'Athénée royal Victor Horta", (120, 480, "#2a7d3b")),
    ("Kinderrechtencommissariaat", (300, 300, "#b3001b")),
    ("Vereniging voor Kinderrechten en Jeugdhulpverleningsorganisaties", None),
    ("Fédérationdesservicessociauxbruxelloisetwallonsréunisenassociation", (256, 64, "#444")),
    ("École sans logo", None),
    ("Plate-forme Mineurs en exil / Platform Kinderen op de vlucht", (1000, 1000, "#e0a000")),
]


@pytest.fixture
def wall(site: tuple[Flask, str]) -> str:
    app, url = site
    for number, (name, shape) in enumerate(WALL):
        extra = {"logo": _logo(*shape)} if shape else {}
        make_endorsement(
            app,
            State.APPROVED,
            name=name,
            contact_email=f"wall{number}@org.example",
            category=list(Category)[number % len(Category)],
            region=list(Region)[number % len(Region)],
            city="Sint-Joost-ten-Node" if number % 2 else "Namur",
            website="https://www.a-very-long-domain-name-for-an-organisation.example/about-us",
            statement="No child belongs in a closed centre. " * (number % 3),
            **extra,
        )
    return url


def _fits(page: Any) -> tuple[int, int]:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return scroll, client


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"] - 0.5
        and b["x"] < a["x"] + a["width"] - 0.5
        and a["y"] < b["y"] + b["height"] - 0.5
        and b["y"] < a["y"] + a["height"] - 0.5
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_supporters_wall_is_a_grid_of_cards_with_their_logos(
    browser: Any, wall: str, lang: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    # The wall, and the newest six on the home page.
    for path, shown in ((f"/{lang}/supporters", len(WALL)), (f"/{lang}/", 6)):
        page.goto(wall + path)
        scroll, client = _fits(page)
        assert scroll <= client, (path, scroll)
        cards = page.locator(".supporters li.supporter").all()
        assert len(cards) == shown, path
        boxes = [card.bounding_box() for card in cards]
        for box in boxes:
            assert box["x"] >= 0, (path, box)
            assert box["x"] + box["width"] <= client, (path, box)
        for a, b in combinations(boxes, 2):
            assert not _overlap(a, b), (path, a, b)
        rows: dict[int, list[dict[str, float]]] = {}
        for box in boxes:
            rows.setdefault(round(box["y"]), []).append(box)
        widths = {round(box["width"]) for box in boxes}
        assert len(widths) == 1, (path, widths)  # one column width: a grid, not a heap
        if width >= 1280:
            first_row = rows[min(rows)]
            assert len(first_row) >= 3, (path, rows)
            lefts = {round(box["x"]) for box in boxes}
            assert len(lefts) == len(first_row), (path, lefts)  # columns line up row to row
        else:
            assert all(len(row) == 1 for row in rows.values()), (path, rows)  # one a row
        # Each tile (logo or letter) is of one size, and inside its card.
        marks = [card.locator(".supporter-mark").bounding_box() for card in cards]
        assert len({(round(m["width"]), round(m["height"])) for m in marks}) == 1, marks
        for mark, card in zip(marks, boxes, strict=True):
            assert _inside(mark, card), (path, mark, card)
        # The names stay inside their cards, however long a word.
        for card, box in zip(cards, boxes, strict=True):
            name = card.locator(".supporter-name").bounding_box()
            assert _inside(name, box), (path, name, box)
        _check_logos(page, path, cards)
    page.close()


def _check_logos(page: Any, path: str, cards: list[Any]) -> None:
    """Every logo given is shown, loaded, at a size one can read yet no bigger than its tile,
    centred in it; the others show their first letter."""
    logos_shown = 0
    for card, (name, shape) in zip(cards, _in_page_order(page, cards), strict=True):
        image = card.locator("img.logo")
        if shape is None:
            assert image.count() == 0, name
            assert card.locator(".monogram").inner_text() == name[0].upper()
            continue
        image.scroll_into_view_if_needed()  # they load lazily
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        logos_shown += 1
        box = card.bounding_box()  # where it is now, scrolled to
        tile = card.locator(".supporter-mark").bounding_box()
        shown = image.evaluate(_PAINTED)  # the picture's own box, after object-fit: contain
        assert _inside(shown, tile), (path, name, shown, tile)
        assert _inside(shown, box), (path, name, shown, box)
        longer = max(shown["width"], shown["height"])
        assert 40 <= longer <= 100, (path, name, shown)  # readable, and no poster
        wide, tall = shape[0], shape[1]
        assert abs(shown["width"] / shown["height"] - wide / tall) < 0.05, (path, name, shown)
        centre_x = shown["x"] + shown["width"] / 2
        assert abs(centre_x - (tile["x"] + tile["width"] / 2)) <= 1, (path, name, shown, tile)
    assert logos_shown >= 4


def _in_page_order(page: Any, cards: list[Any]) -> list[tuple[str, Any]]:
    by_name = dict(WALL)
    names = [card.locator(".supporter-name").inner_text() for card in cards]
    return [(name, by_name[name]) for name in names]


#: Where an <img> with object-fit: contain paints its picture, in page coordinates.
_PAINTED = """img => {
  const r = img.getBoundingClientRect();
  const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
  const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
  return {x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h};
}"""
