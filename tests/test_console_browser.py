"""Every console page in headless Chromium: it fits a 390-pixel phone and a 1280-pixel desktop
without scrolling sideways, and the logo moderators publish is there to see."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from endorse import importing, operations
from endorse.audit import SYSTEM, Actor
from endorse.config import LANGUAGES
from endorse.content import brand, lists, pages
from endorse.extensions import db
from endorse.models import RejectReason, State, User
from endorse.moderation.mail_previews import KINDS
from endorse.tokens import Purpose, make_token

from .helpers import PASSWORD, a_logo, excel_csv, make_endorsement, make_user
from .test_public_layout import NARROWEST

pytestmark = pytest.mark.system  # a live server and a browser

LONG_ADDRESS = "someone.with.a.rather.long.name@a-very-long-domain-name-for-an-organisation.example"


@pytest.fixture
def console(site: tuple[Flask, str]) -> tuple[Flask, str, dict[str, Any]]:
    """A console with something on every page: waiting, published, rejected, edited."""
    app, url = site
    admin = Actor.moderator(make_user(app, "admin@campaign.example", "admin"))
    invited = make_user(app, LONG_ADDRESS)
    ids: dict[str, Any] = {
        "waiting": make_endorsement(
            app,
            State.VERIFIED,
            name="Association des parents d'élèves de l'Athénée royal de Bruxelles",
            contact_email=LONG_ADDRESS,
            website="https://www.a-very-long-domain-name-for-an-organisation.example/about-us",
            statement="We sign because no child belongs in a closed centre. " * 4,
            logo=a_logo(),
        ),
        "published": make_endorsement(  # a name of one word, wider than a phone
            app,
            State.APPROVED,
            name="Fédérationdesservicessociauxbruxelloisetwallonsréunisenassociation",
            contact_email="p@pub.example",
        ),
        "rejected": make_endorsement(app, State.VERIFIED, contact_email="r@rej.example"),
    }
    with app.app_context():
        operations.reject(ids["rejected"], SYSTEM, "signed twice", code=RejectReason.DUPLICATE)
        # An import done, and one waiting with a refused row: its preview's wide table shows.
        importing.run(_csv(rows=3), "signed-before.csv", _IMPORT_OPTIONS, admin)
        ids["import"] = importing.stage(
            _csv(rows=4, broken=True),
            "a-rather-long-file-name-from-the-coordinators-spreadsheet-export.csv",
            _IMPORT_OPTIONS,
            admin,
        )
        # The content editors, each with something in it: items of every list, a photo.
        ids["lists"] = {}
        for name, fields in _LIST_ITEMS.items():
            photo = a_logo().content if "photo" in lists.FIELDS[name] else None
            key = lists.add(name, "en", fields, admin, photo)
            ids["lists"][name] = key
        for kind in brand.KINDS:  # wider than a phone before they shrink to fit
            brand.upload(kind, _picture(1600, 400), admin)
    ids["invitation"] = _invitation(app, invited)
    return app, url, ids


_IMPORT_OPTIONS = importing.Options("fr", "Signed by email to the coordinator, 2024", False)

_LIST_ITEMS: dict[str, dict[str, str]] = {
    "position": {"heading": "No child in detention", "body": "Not one. " * 40},
    "faq": {
        "question": "Why does the campaign ask organisations rather than individuals?",
        "answer": "Because " + "organisations speak for many. " * 20,
    },
    "experts": {
        "name": "Prof. Dr. Anne-Catherine Vanderhaegen-Delacroix",
        "role": "Paediatrician, Université catholique de Louvain",
        "quote": "Detention harms children. " * 10,
        "link": "https://www.a-very-long-domain-name-for-an-organisation.example/experts/anne",
    },
    "testimonies": {
        "title": "Two weeks in a closed centre",
        "text": "We were afraid. " * 30,
        "who": "Amina, mother of three",
        "consent": "person",
        "consent_note": "Signed consent form kept by the coordinator",
    },
}


def _csv(rows: int, broken: bool = False) -> bytes:
    """A file as Excel writes it in Belgium; ``broken``: rows the import refuses, with long
    values, so the preview shows its error report beside a long table."""
    lines: list[str] = []
    for number in range(1, rows + 1):
        lines.append(
            f"Fédération des associations de parents de l'enseignement officiel {number};"
            f"NGO or association;Sint-Joost-ten-Node;Bruxelles-Capitale;"
            f"coordination.{number}@{'a-very-long-domain-name-for-an-organisation.example'};"
            f"fr;{number:02d}/03/2024"
        )
    if broken:
        lines.append(
            "Association without a region;NGO or association;Namur;Nowhere-in-particular;"
            "not-an-address-at-all-but-a-very-long-word-without-any-space;fr;32/13/2024"
        )
        lines.append(";;;;;;")
    return excel_csv(lines)


def _picture(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(data, "PNG")
    return data.getvalue()


def _invitation(app: Flask, user_id: int) -> str:
    """The token an invitation mail to the account would carry."""
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return make_token(Purpose.INVITE, user.id, user.token_nonce)


def _pages(ids: dict[str, Any], lang: str) -> list[str]:
    content = "/moderate/content"
    keys = ids["lists"]
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
        "/moderate/account",
        "/moderate/import",
        f"/moderate/import/{ids['import']}",
        "/moderate/add",
        "/moderate/mails",
        *(f"/moderate/mails/{kind}/{lang}" for kind in KINDS),
        content,  # with the brand images uploaded
        *(f"{content}/pages/{slug}/{lang}" for slug in pages.EDITABLE),
        *(f"{content}/lists/{name}/{language}" for name in lists.FIELDS for language in LANGUAGES),
        *(f"{content}/lists/{name}/en/{key}" for name, key in keys.items()),
        *(f"{content}/lists/{name}/{lang}/new" for name in lists.FIELDS),
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
    browser: Any, console: tuple[Flask, str, dict[str, Any]], width: int, lang: str
) -> None:
    _app, url, ids = console
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    too_wide, squeezed = {}, {}
    # The preview of a file with refused rows says so with its status, as well as its words.
    expected = {f"/moderate/import/{ids['import']}": 422}
    # First the pages one opens signed out (the invitation link, the sign-in), then the rest.
    for path in [f"/moderate/welcome/{ids['invitation']}", "/moderate/login", *_pages(ids, lang)]:
        if path == "/moderate/":
            page.locator("#email").fill("admin@campaign.example")
            page.locator("#password").fill(PASSWORD)
            page.locator("main form [type=submit]").last.click()
            page.wait_for_url(f"{url}/moderate/")
        response = page.goto(url + path)
        assert response is not None
        assert response.status == expected.get(path, 200), path
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            too_wide[path] = scroll
        narrowest = page.evaluate(
            NARROWEST, "table.results td, table.results th[scope=row], table.trail td, dl.facts dd"
        )
        # On a phone a row is a card: a cell less than a fifth of its width is squeezed.
        if narrowest is not None and narrowest[0] < (80 if width == 390 else 40):  # noqa: PLR2004
            squeezed[path] = narrowest
    context.close()
    assert too_wide == {}
    assert squeezed == {}  # a table or a list squeezed to fit: a letter a line


def test_the_logo_shows_in_the_queue_and_on_the_entry(
    browser: Any, console: tuple[Flask, str, dict[str, Any]]
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
    browser: Any, console: tuple[Flask, str, dict[str, Any]]
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


@pytest.mark.parametrize("path", ["/moderate/endorsements", "/moderate/audit"])
def test_the_search_fields_are_one_size_in_a_grid(
    browser: Any, console: tuple[Flask, str, dict[str, Any]], path: str
) -> None:
    """At 1280 px the filters stand in one row of equal fields; on a phone one a line."""
    _app, url, _ids = console
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        _sign_in(page, url)
        page.goto(url + path)
        boxes = page.locator("form.filters .field :is(input, select)").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return [r.x, r.y, r.width, r.height]; })"
        )
        assert len(boxes) >= 5  # noqa: PLR2004
        widths = {round(b[2]) for b in boxes}
        heights = {round(b[3]) for b in boxes}
        assert len(widths) == 1, boxes
        assert len(heights) == 1, boxes
        tops = sorted({round(b[1]) for b in boxes})
        if width == 1280:
            assert len(tops) == 1, boxes  # one row
        else:
            assert len(tops) == len(boxes)  # one a line
            assert {round(b[0]) for b in boxes} == {round(boxes[0][0])}
        page.close()
