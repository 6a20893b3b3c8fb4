"""The public site in a real browser at a desktop width (1280 px) and a phone's (390 px), in
every language: the supporters' wall of cards with their logos, and every public page without
sideways scrolling. Measured with Playwright in Debian's headless Chromium."""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from endorse import logos
from endorse.audit import SYSTEM
from endorse.content import lists
from endorse.models import Category, Region, State
from endorse.tokens import Purpose, make_token

from .helpers import entry_of, make_endorsement, manage_token

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
    _build_wall(
        app,
        "wall",
        lambda number: {
            "category": list(Category)[number % len(Category)],
            "region": list(Region)[number % len(Region)],
            "city": "Sint-Joost-ten-Node" if number % 2 else "Namur",
            "website": "https://www.a-very-long-domain-name-for-an-organisation.example/about-us",
            "statement": "No child belongs in a closed centre. " * (number % 3),
        },
    )
    return url


def _build_wall(app: Flask, prefix: str, fields: Callable[[int], dict[str, Any]]) -> None:
    """The ``WALL`` supporters, published, each with its logo and ``fields(number)``."""
    for number, (name, shape) in enumerate(WALL):
        extra = {"logo": _logo(*shape)} if shape else {}
        make_endorsement(
            app,
            State.APPROVED,
            name=name,
            contact_email=f"{prefix}{number}@org.example",
            **fields(number),
            **extra,
        )


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


# Every public page, at both widths, in every language: nothing scrolls sideways.

LONG_NAME = "Fédérationdesservicessociauxbruxelloisetwallonsréunisenassociation"
LONG_SITE = "https://www.a-very-long-domain-name-for-an-organisation.example/about-us/our-members"


@pytest.fixture
def public(site: tuple[Flask, str]) -> tuple[str, dict[str, str]]:
    """A site as a campaign has it once filled: supporters with logos and long words, the
    experts and testimonies with photos, one signer's own links."""
    app, url = site
    _build_wall(
        app,
        "page",
        lambda _number: {
            "website": LONG_SITE,
            "statement": "No child belongs in a closed centre. " * 3,
        },
    )
    signer = make_endorsement(
        app,
        State.APPROVED,
        name=LONG_NAME,
        contact_email="someone.with.a.rather.long.name@a-very-long-domain-name.example",
        website=LONG_SITE,
        statement="Wesignbecausenochildbelongsinaclosedcentreandweneverstopsayingso. " * 3,
        logo=_logo(600, 150, "#1f4e9c"),
    )
    waiting = make_endorsement(
        app, State.UNVERIFIED, name=LONG_NAME + "deliège", contact_email="waiting@org.example"
    )
    photo = _picture(400, 300)
    with app.app_context():
        for lang in LANGS:
            expert = {
                "name": "Prof. Dr. Anne-Catherine Vanderhaegen-Delacroix",
                "role": "Kinderpsychiater, Universitair Ziekenhuis Antwerpen",
                "quote": "Detentionharmschildren " * 12,
                "link": LONG_SITE,
            }
            lists.add("experts", lang, expert, SYSTEM, photo)
            lists.add("experts", lang, {**expert, "link": ""}, SYSTEM)
            testimony = {
                "title": "Two weeks in a closed centre with our three children",
                "text": "We were *afraid*. " * 40,
                "who": "Amina, mother of three",
                "consent": "person",
                "consent_note": "Signed form",
            }
            lists.add("testimonies", lang, testimony, SYSTEM, photo)
        entry = entry_of(app, waiting)
        confirm = make_token(Purpose.CONFIRM, waiting, entry.token_nonce)
    return url, {"manage": manage_token(app, signer), "confirm": confirm}


def _picture(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(data, "PNG")
    return data.getvalue()


def _public_pages(lang: str, tokens: dict[str, str]) -> dict[str, int]:
    """Each page and the status it answers with."""
    manage = f"/{lang}/manage/{tokens['manage']}"
    return {
        f"/{lang}/": 200,
        f"/{lang}/supporters": 200,
        f"/{lang}/supporters?q=association": 200,  # a search with results
        f"/{lang}/supporters?q=zzz": 200,  # and one without
        f"/{lang}/sign": 200,
        f"/{lang}/sign/check-your-inbox": 200,
        f"/{lang}/confirm/{tokens['confirm']}": 200,
        f"/{lang}/confirm/not-a-token": 400,
        f"/{lang}/confirmed": 200,
        f"/{lang}/new-link": 200,
        f"/{lang}/manage": 200,
        f"/{lang}/manage/sent": 200,
        manage: 200,
        f"{manage}/withdraw": 200,
        f"{manage}/erase": 200,
        f"/{lang}/manage/erased": 200,
        f"/{lang}/more-info": 200,  # the questions and answers
        f"/{lang}/experts": 200,
        f"/{lang}/testimonies": 200,
        f"/{lang}/privacy": 200,
        f"/{lang}/what-you-can-do": 200,  # with the embed snippet and its preview
        f"/{lang}/no-such-page": 404,
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_public_page_scrolls_sideways(
    browser: Any, public: tuple[str, dict[str, str]], lang: str, width: int
) -> None:
    url, tokens = public
    page = browser.new_page(viewport={"width": width, "height": 900})
    too_wide, squeezed = {}, {}
    for path, status in _public_pages(lang, tokens).items():
        response = page.goto(url + path)
        assert response is not None
        assert response.status == status, path
        scroll, client = _fits(page)
        if scroll > client:
            too_wide[path] = scroll
        narrowest = page.evaluate(NARROWEST, "dl.facts dd, main table td")
        if narrowest is not None and narrowest[0] < 80:
            squeezed[path] = narrowest
    # The sign form sent back with its errors, the logo chosen kept and shown.
    page.goto(f"{url}/{lang}/sign")
    page.locator("#name").fill("X")
    page.locator("#website").fill(LONG_SITE + "/" + "x" * 60)
    page.locator("#logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _picture(600, 150)}
    )
    page.locator("#logo_consent").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert page.locator(".kept-logo img").count() == 1
    scroll, client = _fits(page)
    if scroll > client:
        too_wide["/sign after an error"] = scroll
    page.close()
    assert too_wide == {}
    assert squeezed == {}  # nor fits by giving a value a few letters a line


#: The narrowest of the elements ``selector`` finds that hold more than a number, with its
#: text: a value squeezed beside its name, or a column squeezed to fit, has not fitted.
NARROWEST = """selector => {
  const found = [...document.querySelectorAll(selector)]
    .filter(e => e.textContent.trim().length > 3 && e.getClientRects().length);
  if (!found.length) return null;
  const widths = found.map(e => [e.getBoundingClientRect().width, e.textContent.trim()]);
  return widths.reduce((a, b) => (b[0] < a[0] ? b : a));
}"""
