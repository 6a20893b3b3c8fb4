"""The supporters as a coalition: each organisation's logo where it gave one (with alt text),
the first letter of its name where it did not, read in the page's own statements."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from endorse.models import State

from .helpers import a_logo, make_endorsement
from .test_query_counts import statements


class _Cards(HTMLParser):
    """Per supporter card (its li id): the images in it and whether it shows a monogram."""

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, list[dict[str, str]]] = {}
        self.monograms: dict[str, str] = {}
        self._card: str | None = None
        self._in_monogram = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "li" and values.get("id", "").startswith("supporter-"):
            self._card = values["id"]
            self.images[self._card] = []
        elif self._card and tag == "img":
            self.images[self._card].append(values)
        elif self._card and tag == "span" and values.get("class") == "monogram":
            assert values.get("aria-hidden") == "true"  # a letter, not content
            self._in_monogram = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._card = None
        self._in_monogram = False

    def handle_data(self, data: str) -> None:
        if self._card and self._in_monogram:
            self.monograms[self._card] = data


def _cards(html: str) -> _Cards:
    parser = _Cards()
    parser.feed(html)
    return parser


def _publish(app: Flask, name: str, *, logo: bool) -> int:
    extra = {"logo": a_logo()} if logo else {}
    return make_endorsement(
        app, State.APPROVED, name=name, contact_email=f"{name[:4].lower()}@org.example", **extra
    )


def test_logos_show_with_alt_text_and_letters_stand_in(app: Flask, client: FlaskClient) -> None:
    with_logo = _publish(app, "Ligue des familles", logo=True)
    without = _publish(app, "école sans logo", logo=False)
    another = _publish(app, "Zèbre", logo=True)
    make_endorsement(
        app, State.HIDDEN, name="Zèbre caché", logo=a_logo(), contact_email="z@o.example"
    )
    for path in ("/en/supporters", "/fr/"):  # the list, and the newest on the home page
        cards = _cards(client.get(path).get_data(as_text=True))
        [logo] = cards.images[f"supporter-{with_logo}"]
        assert logo["src"] == f"/logos/{with_logo}.webp"
        assert logo["alt"] in ("Logo of Ligue des familles", "Logo de Ligue des familles")
        assert logo["width"] == logo["height"] == "96"
        assert logo["loading"] == "lazy"
        assert cards.images[f"supporter-{without}"] == []
        assert cards.monograms[f"supporter-{without}"] == "É"
        assert f"supporter-{with_logo}" not in cards.monograms
        assert cards.images[f"supporter-{another}"] != []
        assert len(cards.images) == 3  # the hidden one is not listed at all
    served = client.get(f"/logos/{with_logo}.webp")
    assert served.status_code == 200
    assert served.mimetype == "image/webp"


def test_the_wall_costs_the_same_statements_with_or_without_logos(app: Flask) -> None:
    app.config["COUNT_CACHE_SECONDS"] = 0  # every request reads the counts: both pay the same
    client = app.test_client()
    _publish(app, "Aaa", logo=False)
    client.get("/en/supporters")  # the first request warms what is read once
    with statements(app) as few:
        page = client.get("/en/supporters").get_data(as_text=True)
    assert len(re.findall(r"<img class=\"logo\"", page)) == 0
    for number in range(6):
        _publish(app, f"Org{number} logo", logo=True)
    with statements(app) as many:
        page = client.get("/en/supporters").get_data(as_text=True)
    assert len(re.findall(r"<img class=\"logo\"", page)) == 6
    # The app fixture's rolled-back transaction adds savepoints; they are not the page's.
    queries = [
        [s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))] for seen in (few, many)
    ]
    assert len(queries[1]) == len(queries[0]) == 2, queries
